package org.xlogminer.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
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
import org.xlogminer.event.ChangeHandler;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.SchemaChange;
import org.xlogminer.event.TransactionInfo;
import org.xlogminer.mine.Miner;
import org.xlogminer.render.JsonLinesWriter;
import org.xlogminer.render.SqlRenderer;
import org.xlogminer.render.UndoGuard;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.reader.DirectorySegmentSource;

/**
 * Group commits ({@link Follower.Builder#groupCommits}) against a real PostgreSQL 15: a follower
 * started behind a finished pgbench run (a backlog of 800 transactions) hands every transaction to
 * its handler as offline mining does, but calls {@code committed} once per group, each time with the
 * last transaction handed over, at most {@code maxTransactions} apart; the last group ends when all
 * that arrived is handled (the delay given is far too long to end it). With
 * {@link Follower.Committed#groupFull()} always true, every transaction is a group of its own.
 */
class FollowerGroupsIT {

    private static final int TRANSACTIONS = 800;
    private static final int GROUP = 64;

    @TempDir
    Path tmp;

    @Test
    void aBacklogIsWrittenOutInGroupsAndTheLastWhenCaughtUp() throws Exception {
        try (PgServer server = PgServer.builder(15).start()) {
            server.runBinary("pgbench", "-i", "-s", "1", "-q").requireSuccess();
            CatalogSnapshot catalog;
            try (Connection c = server.connect()) {
                catalog = CatalogCapture.capture(c);
            }
            SqlRenderer renderer = SqlRenderer.forCatalog(catalog, false, UndoGuard.NONE, false);
            long from = server.currentWalInsertLsn();
            server.runBinary("pgbench", "-n", "-c", "2", "-j", "2", "-t", "400").requireSuccess();
            long end = server.flushWal();
            StringWriter offline = new StringWriter();
            try (Miner m = Miner.builder(DirectorySegmentSource.open(server.walDir()), catalog).fromLsn(from)
                .toLsn(end).build()) {
                m.stream(new JsonLinesWriter(offline, renderer));
                assertEquals(TRANSACTIONS, m.summary().transactions(), "offline: one transaction per pgbench transaction");
            }
            CatalogConnector.Login login = CatalogConnector.resolve(server.jdbcUrl(), null, Map.of(), tmp.toString());

            Run grouped = follow(login, from, renderer, false);
            assertEquals(offline.toString(), grouped.json.toString(), "every transaction handed over, as offline");
            assertTrue(grouped.groups.size() < TRANSACTIONS / 2,
                "a backlog in groups: " + grouped.groups.size() + " for " + TRANSACTIONS);
            int before = 0;
            for (long[] g : grouped.groups) {
                assertEquals(grouped.ended.get((int) g[1] - 1).longValue(), g[0], "committed with the last transaction handed over");
                assertTrue(g[1] - before <= GROUP, "at most " + GROUP + " a group: " + (g[1] - before));
                before = (int) g[1];
            }
            assertEquals(TRANSACTIONS, before, "the last group ends once all that arrived is handled");

            Run single = follow(login, from, renderer, true);
            assertEquals(offline.toString(), single.json.toString());
            assertEquals(TRANSACTIONS, single.groups.size(), "groupFull() ends each group at its first transaction");
            for (int i = 0; i < TRANSACTIONS; i++) {
                assertEquals(single.ended.get(i).longValue(), single.groups.get(i)[0]);
            }
        }
    }

    /** What a follower handed over: the commit LSNs ended, and per committed() call its LSN and how many had ended. */
    private record Run(StringWriter json, List<Long> ended, List<long[]> groups) {
    }

    private Run follow(CatalogConnector.Login login, long from, SqlRenderer renderer, boolean full) throws Exception {
        Follower follower = Follower.builder(login).fromLsn(from).spillDir(tmp)
            .groupCommits(GROUP, Duration.ofHours(1)).build();
        Run run = new Run(new StringWriter(), Collections.synchronizedList(new ArrayList<>()),
            Collections.synchronizedList(new ArrayList<>()));
        JsonLinesWriter json = new JsonLinesWriter(run.json, renderer);
        ChangeHandler handler = new ChangeHandler() {
            @Override
            public void begin(TransactionInfo tx) {
                json.begin(tx);
            }

            @Override
            public void change(TransactionInfo tx, RowChange c) {
                json.change(tx, c);
            }

            @Override
            public void schemaChange(TransactionInfo tx, SchemaChange c) {
                json.schemaChange(tx, c);
            }

            @Override
            public void end(TransactionInfo tx) {
                json.end(tx);
                run.ended.add(tx.commitLsn());
            }
        };
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                follower.follow(handler, new Follower.Committed() {
                    @Override
                    public void committed(TransactionInfo tx) {
                        run.groups.add(new long[] {tx.commitLsn(), run.ended.size()});
                    }

                    @Override
                    public boolean groupFull() {
                        return full;
                    }
                });
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        t.start();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (failed.get() == null && System.nanoTime() < deadline
            && (run.groups.isEmpty() || run.groups.get(run.groups.size() - 1)[1] < TRANSACTIONS)) {
            Thread.sleep(50);
        }
        follower.stop();
        t.join(30_000);
        assertTrue(!t.isAlive() && failed.get() == null, "follow ended cleanly: " + failed.get());
        assertEquals(TRANSACTIONS, run.ended.size(), "each transaction once");
        return run;
    }
}
