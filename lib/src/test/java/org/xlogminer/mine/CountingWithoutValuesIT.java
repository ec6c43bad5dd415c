package org.xlogminer.mine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xlogminer.catalog.CatalogCapture;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.event.ChangeHandler;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.TransactionInfo;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.testkit.WalRange;
import org.xlogminer.wal.reader.DirectorySegmentSource;

/**
 * {@code MinerBuilder.values(false)}, what {@code xlogminer stats} counts with: the same changes
 * (operation, table, ctids, LSNs, transaction, commit order) as a full mining run, every row
 * without columns, on a real PostgreSQL 15 workload at wal_level=replica with inserts, COPY
 * (multi-inserts), HOT and cold updates, deletes, ON CONFLICT (speculative inserts), savepoints,
 * an aborted transaction and a TRUNCATE.
 */
class CountingWithoutValuesIT {

    private static List<String> mine(PgServer server, CatalogSnapshot catalog, WalRange range, boolean values,
                                     boolean includeAborted) throws Exception {
        List<String> seen = new ArrayList<>();
        try (Miner miner = Miner.builder(DirectorySegmentSource.open(server.walDir()), catalog)
            .fromLsn(range.start()).toLsn(range.end()).values(values).includeAborted(includeAborted).build()) {
            miner.stream(new ChangeHandler() {
                private boolean begun;

                @Override
                public void begin(TransactionInfo tx) {
                    begun = false; // written at the first change: with values, a transaction that only
                    // changed the schema (TRUNCATE at wal_level=replica) comes with no row change
                }

                @Override
                public void change(TransactionInfo tx, RowChange c) {
                    if (c instanceof RowChange.Truncate && c.source().lsn() == tx.commitLsn()) {
                        return; // told by the catalog's new storage (no record at replica): counting does not follow it
                    }
                    if (!begun) {
                        seen.add("begin " + tx);
                        begun = true;
                    }
                    seen.add(c.op() + " " + c.source());
                    if (c instanceof RowChange.Insert i) {
                        seen.add(values ? "columns " + i.after().columns().size() : "no columns " + i.after().columns().isEmpty());
                    } else if (c instanceof RowChange.Update u) {
                        seen.add(values ? "columns " + u.before().columns().size() + " " + u.after().columns().size()
                            : "no columns " + (u.before().columns().isEmpty() && u.after().columns().isEmpty()));
                    } else if (c instanceof RowChange.Delete d) {
                        seen.add(values ? "columns " + d.before().columns().size() : "no columns " + d.before().columns().isEmpty());
                    }
                }

                @Override
                public void end(TransactionInfo tx) {
                    if (begun) {
                        seen.add("end " + tx.xid());
                    }
                }
            });
        }
        return seen;
    }

    @Test
    void countingSeesTheSameChangesWithoutTheirValues() throws Exception {
        try (PgServer server = PgServer.builder(15).start()) {
            server.execute("CREATE TABLE a (id int PRIMARY KEY, v text, n int)",
                "CREATE TABLE b (id int PRIMARY KEY, w text) WITH (fillfactor = 50)");
            CatalogSnapshot catalog;
            try (Connection ro = server.connect()) {
                catalog = CatalogCapture.capture(ro);
            }
            server.checkpoint();
            WalRange range = server.captureRange(() -> {
                server.execute("INSERT INTO a SELECT g, md5(g::text), g FROM generate_series(1, 500) g");
                server.execute("COPY b FROM PROGRAM 'seq 1 300 | sed \"s/$/\\tx/\"'");
                server.execute("UPDATE a SET n = n + 1 WHERE id % 3 = 0", "UPDATE b SET w = 'hot' WHERE id < 50",
                    "UPDATE a SET id = id + 1000 WHERE id % 50 = 0");
                server.execute("DELETE FROM a WHERE id % 7 = 0");
                server.execute("INSERT INTO a VALUES (1, 'x', 0), (9001, 'y', 0) ON CONFLICT (id) DO UPDATE SET n = -1");
                server.execute("BEGIN", "INSERT INTO b VALUES (1001, 'kept')", "SAVEPOINT s",
                    "INSERT INTO b VALUES (1002, 'rolled back')", "ROLLBACK TO s", "UPDATE b SET w = 'sub' WHERE id = 2",
                    "COMMIT");
                server.execute("BEGIN", "DELETE FROM b WHERE id > 200", "ROLLBACK");
                server.execute("TRUNCATE b");
            });
            for (boolean aborted : new boolean[] {false, true}) {
                List<String> full = mine(server, catalog, range, true, aborted);
                List<String> counted = mine(server, catalog, range, false, aborted);
                assertTrue(full.size() > 2000, "a real workload: " + full.size() + " lines");
                assertEquals(full.size(), counted.size());
                for (int i = 0; i < full.size(); i++) {
                    String f = full.get(i);
                    String c = counted.get(i);
                    if (f.startsWith("columns ")) {
                        assertTrue(c.equals("no columns true"), "line " + i + ": " + c);
                    } else {
                        assertEquals(f, c, "line " + i);
                    }
                }
            }
        }
    }
}
