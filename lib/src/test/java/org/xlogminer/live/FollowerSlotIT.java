package org.xlogminer.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.catalog.CatalogCapture;
import org.xlogminer.catalog.CatalogConnector;
import org.xlogminer.event.TransactionInfo;
import org.xlogminer.render.JsonLinesWriter;
import org.xlogminer.render.SqlRenderer;
import org.xlogminer.render.UndoGuard;
import org.xlogminer.testkit.PgServer;

/**
 * What a follower does to the server it follows (PostgreSQL 15). While the followed database is
 * quiet and another one is written, the slot still moves on, to each checkpoint read (else the
 * server keeps all the other database's WAL), but not past a transaction of the followed database
 * that is open; and a follower started again after the position it stored meanwhile reads back from
 * that checkpoint: an UPDATE after it comes with its old row. And following writes nothing: under a
 * role with only LOGIN and REPLICATION whose sessions are read-only, the server assigns no
 * transaction id while it follows, and the slot it was asked to create is all it leaves.
 */
class FollowerSlotIT {

    private static final String SLOT_RESTART = "SELECT restart_lsn - '0/0' FROM pg_replication_slots WHERE slot_name = ";

    @TempDir
    Path tmp;

    private SqlRenderer renderer;

    @Test
    void theSlotMovesOnWhileTheFollowedDatabaseIsQuiet() throws Exception {
        try (PgServer server = PgServer.builder(15).walSegSizeMb(1).start()) {
            server.execute("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT g, 'old ' || g FROM generate_series(1, 100) g",
                "CREATE DATABASE b");
            server.runBinary("pgbench", "-i", "-s", "1", "-q", "b").requireSuccess();
            CatalogConnector.Login login = CatalogConnector.resolve(server.jdbcUrl(), null, Map.of(), tmp.toString());
            try (Connection c = server.connect()) {
                renderer = SqlRenderer.forCatalog(CatalogCapture.capture(c), false, UndoGuard.NONE, false);
            }
            Run first = new Run(Follower.builder(login).slot("quiet_it", true).spillDir(tmp).build());
            awaitStreaming(server);
            long created = server.queryLong(SLOT_RESTART + "'quiet_it'");

            server.runBinary("pgbench", "-n", "-c", "2", "-j", "2", "-t", "200", "b").requireSuccess();
            server.checkpoint();
            server.switchWal();
            long redo = checkpointRedo(server);
            assertTrue(redo > created, "the checkpoint lies after the slot's creation");
            assertEquals(redo, awaitSlot(server, "quiet_it", r -> r >= redo),
                "the slot moved on to the checkpoint's REDO point while only database b was written");
            assertTrue(first.commits.isEmpty(), "nothing of database postgres was handed over: " + first.commits);
            assertTrue(!first.passed.isEmpty() && first.passed.get(first.passed.size() - 1) >= redo, first.passed.toString());

            try (Connection open = server.connect(); Statement s = open.createStatement()) {
                open.setAutoCommit(false);
                s.execute("INSERT INTO t VALUES (1000, 'open')"); // a transaction of ours, open
                server.runBinary("pgbench", "-n", "-c", "2", "-j", "2", "-t", "100", "b").requireSuccess();
                server.checkpoint();
                server.switchWal();
                long later = checkpointRedo(server);
                Thread.sleep(1_500);
                assertEquals(redo, server.queryLong(SLOT_RESTART + "'quiet_it'"),
                    "the slot keeps the WAL of the open transaction of database postgres");
                open.commit();
                assertEquals(later, awaitSlot(server, "quiet_it", r -> r >= later), "moved on once it committed");
            }
            first.stop();
            assertEquals(1, first.commits.size(), "the one transaction of database postgres");
            long position = first.follower.position();

            server.runBinary("pgbench", "-n", "-c", "2", "-j", "2", "-t", "100", "b").requireSuccess();
            server.checkpoint();
            server.switchWal();
            long last = checkpointRedo(server);
            Run second = new Run(Follower.builder(login).slot("quiet_it", false).afterCommit(position).spillDir(tmp).build());
            awaitSlot(server, "quiet_it", r -> r >= last);
            long resume = second.follower.position();
            assertTrue(resume > position && !second.passed.isEmpty(), "a quiet position past the commit: " + second.passed);
            second.stop();

            server.execute("UPDATE t SET v = 'new' WHERE id = 7");
            Run third = new Run(Follower.builder(login).slot("quiet_it", false).afterCommit(resume).spillDir(tmp).build());
            third.await(1);
            third.stop();
            String json = third.out.toString();
            assertTrue(json.contains("\"op\":\"update\"") && json.contains("old 7"),
                "resumed from the checkpoint before the quiet position: the old row is known: " + json);
        }
    }

    @Test
    void followingWritesNothing() throws Exception {
        try (PgServer server = PgServer.builder(15).walSegSizeMb(1).start()) {
            server.execute("ALTER SYSTEM SET autovacuum = off", "SELECT pg_reload_conf()",
                "CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'a')",
                "CREATE ROLE auditor LOGIN REPLICATION", "ALTER ROLE auditor SET default_transaction_read_only = on");
            CatalogConnector.Login login = CatalogConnector.resolve(server.jdbcUrl().replace("user=postgres",
                "user=auditor"), null, Map.of(), tmp.toString());
            long nextXid = nextXid(server);
            Run run = new Run(Follower.builder(login).slot("audit_ro", true).spillDir(tmp).build());
            awaitStreaming(server);
            server.switchWal(); // WAL to stream, and a round of status updates
            Thread.sleep(1_000);
            List<List<String>> sessions = server.queryRows("SELECT backend_type, usename FROM pg_stat_activity"
                + " WHERE application_name = '" + Follower.APPLICATION + "'");
            assertEquals(List.of(List.of("walsender", "auditor")), sessions, "only the replication connection stays");
            run.stop();
            assertEquals(nextXid, nextXid(server), "no transaction id was assigned while following: nothing written");
            assertEquals(List.of(List.of("audit_ro", "physical")),
                server.queryRows("SELECT slot_name, slot_type FROM pg_replication_slots"), "the slot asked for");
            assertTrue(run.commits.isEmpty());
        }
    }

    /** The next xid to be assigned, read without assigning one. */
    private static long nextXid(PgServer server) throws Exception {
        return server.queryLong("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint");
    }

    private static long checkpointRedo(PgServer server) throws Exception {
        return server.queryLong("SELECT redo_lsn - '0/0' FROM pg_control_checkpoint()");
    }

    private static void awaitStreaming(PgServer server) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (server.queryLong("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") == 0) {
            assertTrue(System.nanoTime() < deadline, "the follower streams");
            Thread.sleep(50);
        }
    }

    private static long awaitSlot(PgServer server, String slot, java.util.function.LongPredicate done) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            long r = server.queryLong(SLOT_RESTART + "'" + slot + "'");
            if (done.test(r) || System.nanoTime() > deadline) {
                return r;
            }
            Thread.sleep(50);
        }
    }

    /** A follower on a thread of its own, recording what it hands over and the positions it passes. */
    private final class Run {
        final Follower follower;
        final StringWriter out = new StringWriter();
        final List<Long> commits = Collections.synchronizedList(new ArrayList<>());
        final List<Long> passed = Collections.synchronizedList(new ArrayList<>());
        final AtomicReference<Throwable> failed = new AtomicReference<>();
        final Thread thread;

        Run(Follower follower) {
            this.follower = follower;
            this.thread = new Thread(() -> {
                try {
                    follower.follow(new JsonLinesWriter(out, renderer), new Follower.Committed() {
                        @Override
                        public void committed(TransactionInfo tx) {
                            commits.add(tx.commitLsn());
                        }

                        @Override
                        public boolean passed(long lsn) {
                            passed.add(lsn);
                            return true;
                        }
                    });
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            thread.start();
        }

        void await(int n) throws Exception {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (commits.size() < n && failed.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(n, commits.size(), "handed over in time: " + failed.get());
        }

        void stop() throws Exception {
            follower.stop();
            thread.join(30_000);
            assertTrue(!thread.isAlive() && failed.get() == null, "follow ended cleanly: " + failed.get());
        }
    }
}
