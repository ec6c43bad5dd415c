package org.xlogminer.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.testkit.WalRange;
import org.xlogminer.wal.reader.DirectorySegmentSource;
import org.xlogminer.wal.reader.WalReader;
import org.xlogminer.wal.reader.XLogRecordView;

/**
 * Heap and transaction decoders on real WAL of every major, at wal_level=logical with REPLICA
 * IDENTITY FULL: logged tuple bytes equal the page's tuple (pageinspect), old rows are logged in
 * full, and commit records name the subtransactions and prepared transactions they end.
 */
class DecodersIT {

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 14, 15, 16, 17, 18})
    void decodesRowsAndTransactions(int major) throws Exception {
        try (PgServer server = PgServer.builder(major).walLevel("logical").setting("max_prepared_transactions", "4").start();
             Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION pageinspect");
            s.execute("CREATE TABLE t (id int PRIMARY KEY, name text, amount numeric, note varchar(20))");
            s.execute("ALTER TABLE t REPLICA IDENTITY FULL");
            s.execute("CREATE TABLE gone (x int)");
            long filenode = server.queryLong("SELECT pg_relation_filenode('t')");
            Map<Long, String> txids = new HashMap<>();
            WalRange range = server.captureRange(() -> {
                s.execute("INSERT INTO t SELECT g, 'name ' || g, g * 1.5, CASE WHEN g % 3 = 0 THEN NULL ELSE 'n' END"
                    + " FROM generate_series(1, 20) g");
                s.execute("COPY t (id) FROM PROGRAM 'seq 21 40' WITH (FORMAT text)");
                s.execute("UPDATE t SET amount = amount + 1 WHERE id <= 3");
                s.execute("DELETE FROM t WHERE id BETWEEN 35 AND 36");
                c.setAutoCommit(false);
                s.execute("INSERT INTO t VALUES (100, 'top', 1, NULL)");
                s.execute("SAVEPOINT a");
                s.execute("INSERT INTO t VALUES (101, 'sub a', 2, NULL)");
                s.execute("RELEASE SAVEPOINT a");
                s.execute("SAVEPOINT b");
                s.execute("INSERT INTO t VALUES (102, 'sub b, rolled back', 3, NULL)");
                s.execute("ROLLBACK TO SAVEPOINT b");
                s.execute("SAVEPOINT c");
                s.execute("INSERT INTO t VALUES (103, 'sub c', 4, NULL)");
                try (ResultSet rs = s.executeQuery("SELECT txid_current()::text")) {
                    rs.next();
                    txids.put(100L, rs.getString(1));
                }
                c.commit();
                s.execute("INSERT INTO t VALUES (200, 'prepared', 5, NULL)");
                s.execute("DROP TABLE gone");
                try (ResultSet rs = s.executeQuery("SELECT txid_current()::text")) {
                    rs.next();
                    txids.put(200L, rs.getString(1));
                }
                s.execute("PREPARE TRANSACTION 'g-200'");
                c.setAutoCommit(true);
                s.execute("COMMIT PREPARED 'g-200'");
            });

            // Page truth: tuple bytes (bitmap, padding, data) of every live row of t.
            Map<String, byte[]> pageTuples = new HashMap<>();
            int blocks = (int) server.queryLong("SELECT pg_relation_size('t') / 8192");
            for (int blk = 0; blk < blocks; blk++) {
                try (ResultSet rs = s.executeQuery("SELECT lp, t_hoff, t_bits, t_data FROM heap_page_items(get_raw_page('t', "
                    + blk + ")) WHERE t_data IS NOT NULL")) {
                    while (rs.next()) {
                        pageTuples.put(blk + ":" + rs.getInt(1), tupleBytes(rs.getInt(2), rs.getString(3), rs.getBytes(4)));
                    }
                }
            }

            HeapRecordDecoder heap = new HeapRecordDecoder();
            XactRecordDecoder xact = new XactRecordDecoder();
            int inserts = 0, multiTuples = 0, updates = 0, deletes = 0, compared = 0;
            List<XactSummary> ends = new ArrayList<>();
            try (WalReader reader = WalReader.builder(DirectorySegmentSource.open(server.walDir()))
                .startLsn(range.start()).endLsn(range.end()).build()) {
                XLogRecordView r;
                while ((r = reader.next()) != null) {
                    if (heap.wrap(r) && r.relNumber(heap.newBlockIndex()) == filenode) {
                        switch (heap.op()) {
                            case INSERT -> {
                                inserts++;
                                compared += compare(heap, pageTuples);
                            }
                            case MULTI_INSERT -> {
                                assertTrue(heap.multiInsertHasTuples());
                                while (heap.nextTuple()) {
                                    multiTuples++;
                                    compared += compare(heap, pageTuples);
                                }
                            }
                            case UPDATE, HOT_UPDATE -> {
                                updates++;
                                assertTrue(heap.oldTuple().present(), "REPLICA IDENTITY FULL logs the old row");
                                assertFalse(heap.oldTupleIsKeyOnly());
                                assertEquals(4, heap.oldTuple().natts());
                                assertEquals(0, heap.prefixLength() + heap.suffixLength(), "no prefix/suffix at logical level");
                                compared += compare(heap, pageTuples);
                            }
                            case DELETE -> {
                                deletes++;
                                assertTrue(heap.oldTuple().present());
                                assertFalse(heap.isSuperDelete());
                            }
                            default -> { }
                        }
                    } else if (xact.wrap(r)) {
                        List<Long> subs = new ArrayList<>();
                        for (int i = 0; i < xact.subxactCount(); i++) {
                            subs.add(Integer.toUnsignedLong(xact.subxact(i)));
                        }
                        ends.add(new XactSummary(xact.kind(), Integer.toUnsignedLong(xact.xid()), subs, xact.gid(),
                            xact.databaseOid(), xact.xactTimeMicros()));
                    }
                }
            }
            assertEquals(20 + 4 + 1, inserts, "single-row inserts: 20 from INSERT ... SELECT, 4 in the savepoint block, 1 prepared");
            assertEquals(20, multiTuples, "COPY of 20 rows");
            assertEquals(3, updates);
            assertEquals(2, deletes);
            assertTrue(compared >= 20, "tuples compared with the page: " + compared);

            long top = Long.parseLong(txids.get(100L));
            XactSummary commit = ends.stream().filter(e -> e.kind == XactRecordDecoder.Kind.COMMIT && e.xid == top)
                .findFirst().orElse(null);
            assertNotNull(commit, "commit of the savepoint transaction " + top + " in " + ends);
            // a; b as re-established by ROLLBACK TO (it gets an xid when its child c does); c
            assertEquals(3, commit.subxacts.size(), "committed subtransactions: " + commit);
            XactSummary rolledBack = ends.stream().filter(e -> e.kind == XactRecordDecoder.Kind.ABORT).findFirst().orElse(null);
            assertNotNull(rolledBack, "ROLLBACK TO SAVEPOINT b logs an abort of the subtransaction");
            assertFalse(commit.subxacts.contains(rolledBack.xid));
            assertTrue(rolledBack.xid > top);

            long prepared = Long.parseLong(txids.get(200L));
            assertTrue(ends.stream().anyMatch(e -> e.kind == XactRecordDecoder.Kind.PREPARE && e.xid == prepared), ends.toString());
            XactSummary cp = ends.stream().filter(e -> e.kind == XactRecordDecoder.Kind.COMMIT_PREPARED).findFirst().orElse(null);
            assertNotNull(cp, ends.toString());
            assertEquals(prepared, cp.xid, "two-phase xid, after the dropped-stats items on 15+");
            assertEquals("g-200", cp.gid);
            assertEquals(server.queryLong("SELECT oid FROM pg_database WHERE datname = current_database()"), cp.db);
            assertTrue(cp.timeMicros > commit.timeMicros);
        }
    }

    record XactSummary(XactRecordDecoder.Kind kind, long xid, List<Long> subxacts, String gid, long db, long timeMicros) {
    }

    /** Compares the decoder's new tuple with the page's tuple at its block and offset. */
    private static int compare(HeapRecordDecoder heap, Map<String, byte[]> pageTuples) {
        TupleRef t = heap.newTuple();
        assertTrue(t.present(), "logical level keeps the new tuple");
        byte[] page = pageTuples.get(heap.record().blockNumber(heap.newBlockIndex()) + ":" + heap.newOffnum());
        if (page == null) {
            return 0; // updated or deleted later: that version is no longer on the page
        }
        byte[] logged = new byte[t.length()];
        t.buffer().get(t.offset(), logged);
        assertArrayEquals(page, logged, "tuple at " + heap.newOffnum());
        return 1;
    }

    /** The on-page tuple from offset 23 of its header: bitmap, zero padding to t_hoff, data. */
    private static byte[] tupleBytes(int hoff, String bits, byte[] data) {
        byte[] out = new byte[hoff - 23 + data.length];
        if (bits != null) {
            for (int i = 0; i < bits.length(); i++) {
                if (bits.charAt(i) == '1') {
                    out[i / 8] |= (byte) (1 << (i % 8));
                }
            }
        }
        System.arraycopy(data, 0, out, hoff - 23, data.length);
        return out;
    }
}
