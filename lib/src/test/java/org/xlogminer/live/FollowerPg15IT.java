package org.xlogminer.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.catalog.CatalogCapture;
import org.xlogminer.catalog.CatalogConnector;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.mine.Miner;
import org.xlogminer.render.JsonLinesWriter;
import org.xlogminer.render.SqlRenderer;
import org.xlogminer.render.UndoGuard;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.reader.DirectorySegmentSource;

/**
 * Following a live PostgreSQL 15 over physical replication gives what mining its pg_wal afterwards
 * gives, byte for byte (JSON lines): through a pgbench run, a restart of the server in the middle
 * (the follower reconnects and resumes through its slot, nothing lost, nothing twice) and another
 * pgbench run, with a spool limit of 3 segments so that it also starts new sessions of its own on
 * the way. The oracle for the count is the server's own pgbench_history.
 */
class FollowerPg15IT {

    @TempDir
    Path tmp;

    @Test
    void followsPgbenchThroughARestartAsOfflineMiningDoes() throws Exception {
        try (PgServer server = PgServer.builder(15).walSegSizeMb(1).start()) {
            server.runBinary("pgbench", "-i", "-s", "1", "-q").requireSuccess();
            CatalogSnapshot catalog;
            try (Connection c = server.connect()) {
                catalog = CatalogCapture.capture(c);
            }
            SqlRenderer renderer = SqlRenderer.forCatalog(catalog, false, UndoGuard.NONE, false);
            long from = server.currentWalInsertLsn();
            CatalogConnector.Login login = CatalogConnector.resolve(server.jdbcUrl(), null, Map.of(), tmp.toString());
            List<String> notices = Collections.synchronizedList(new ArrayList<>());
            Follower follower = Follower.builder(login).slot("follow_it", true).fromLsn(from).spillDir(tmp)
                .maxAhead(4 << 20).spoolLimit(3 << 20).notices(notices::add).build();
            StringWriter followed = new StringWriter();
            List<Long> commits = Collections.synchronizedList(new ArrayList<>());
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    follower.follow(new JsonLinesWriter(followed, renderer), tx -> commits.add(tx.commitLsn()));
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            t.start();
            server.runBinary("pgbench", "-n", "-c", "2", "-j", "2", "-t", "300").requireSuccess();
            awaitCommits(commits, 600, failed);
            server.runBinary("pg_ctl", "restart", "-m", "fast", "-w").requireSuccess();
            try {
                server.currentWalInsertLsn();
            } catch (java.sql.SQLException e) {
                // the test's own session was ended by the restart; the next call connects again
            }
            server.runBinary("pgbench", "-n", "-c", "2", "-j", "2", "-t", "300").requireSuccess();
            long end = server.flushWal();
            long history = server.queryLong("SELECT count(*) FROM pgbench_history");
            assertEquals(1200, history);

            StringWriter offline = new StringWriter();
            try (Miner m = Miner.builder(DirectorySegmentSource.open(server.walDir()), catalog).fromLsn(from)
                .toLsn(end).build()) {
                m.stream(new JsonLinesWriter(offline, renderer));
                assertEquals(1200, m.summary().transactions(), "offline: one transaction per pgbench transaction");
            }
            awaitCommits(commits, 1200, failed);
            follower.stop();
            t.join(30_000);
            assertTrue(!t.isAlive() && failed.get() == null, "follow ended cleanly: " + failed.get());
            assertEquals(1200, commits.size(), "each transaction once");
            assertEquals(offline.toString(), followed.toString(), "follow writes what offline mining does");
            assertTrue(notices.stream().anyMatch(n -> n.startsWith("the server went away")), notices.toString());
            assertTrue(notices.contains("created the physical replication slot follow_it"), notices.toString());
            assertTrue(notices.stream().anyMatch(n -> n.startsWith("the spool holds ")), notices.toString());
            // the connection is closed when follow returns; the server's WAL sender leaves a moment later
            long senders = server.queryLong("SELECT count(*) FROM pg_stat_replication");
            for (int i = 0; i < 50 && senders != 0; i++) {
                Thread.sleep(100);
                senders = server.queryLong("SELECT count(*) FROM pg_stat_replication");
            }
            assertEquals(0, senders, "disconnected");
            long restart = server.queryLong("SELECT restart_lsn - '0/0' FROM pg_replication_slots WHERE slot_name = 'follow_it'");
            assertTrue(restart > 0 && restart <= commits.get(commits.size() - 1), "the slot keeps WAL up to the last commit");
        }
    }

    @Test
    void aRoleWithoutReplicationIsRefusedClearly() throws Exception {
        try (PgServer server = PgServer.builder(15).start()) {
            server.execute("CREATE ROLE auditor LOGIN NOREPLICATION");
            CatalogConnector.Login login = CatalogConnector.resolve(server.jdbcUrl().replace("user=postgres",
                "user=auditor"), null, Map.of(), tmp.toString());
            Follower follower = Follower.builder(login).build();
            ReplicationDeniedException e = assertThrows(ReplicationDeniedException.class,
                () -> follower.follow(new JsonLinesWriter(new StringWriter(), null), tx -> { }));
            assertTrue(e.getMessage().startsWith("role auditor may not start physical replication on 127.0.0.1:"),
                e.getMessage());
        }
    }

    private static void awaitCommits(List<Long> commits, int n, AtomicReference<Throwable> failed) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (commits.size() < n && failed.get() == null && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        if (failed.get() != null) {
            throw new AssertionError("follow failed", failed.get());
        }
        assertEquals(n, commits.size(), "transactions followed in time");
    }
}
