package org.xlogminer.page;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.testkit.WalRange;
import org.xlogminer.wal.reader.DirectorySegmentSource;

/**
 * Updates on the same page at wal_level=replica log only what differs from the old tuple; the
 * tracker keeps such new tuples as patches of the image's old one. After a real server's rows
 * were updated several times each (the second update's old tuple is then a patch), deleted and
 * inserted again, every tuple the server's pages hold (read with pageinspect) must be the one the
 * tracker gives at the same block and offset number: with a roomy budget and with one so small
 * that the patches go to the spill file and back.
 */
class PageTrackerPatchPg15IT {

    @TempDir
    Path tmp;

    @Test
    void everyTupleOnTheServersPagesIsTheTrackersWhetherKeptAsAPatchOrNot() throws Exception {
        try (PgServer server = PgServer.builder(15).walSegSizeMb(1).start();
             Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION pageinspect");
            // a long shared prefix and suffix around the changing column: logged as a few bytes
            s.execute("CREATE TABLE t (id int PRIMARY KEY, head text, n int, note text, tail text) WITH (fillfactor = 40)");
            s.execute("INSERT INTO t SELECT g, repeat('h', 40 + g % 7), g, NULL, repeat(md5(g::text), 2)"
                + " FROM generate_series(1, 3000) g");
            server.checkpoint();
            WalRange range = server.captureRange(() -> {
                s.execute("UPDATE t SET n = n + 1000 WHERE id > 2000"); // updated once: patches to the end
                for (int round = 0; round < 5; round++) {
                    // overlapping sets: most rows are updated several times (the first is a patch, the later
                    // ones start from one)
                    s.execute("UPDATE t SET n = n + 1 WHERE id <= 2000 AND id % 3 <> " + (round % 3));
                    s.execute("UPDATE t SET note = 'r" + round + "' WHERE id <= 2000 AND id % 11 = " + round); // NULL to text
                    s.execute("DELETE FROM t WHERE id % 53 = " + round);
                }
                s.execute("INSERT INTO t SELECT g, 'x', g, NULL, 'y' FROM generate_series(3001, 3100) g");
            });
            long rel = server.queryLong("SELECT pg_relation_filenode('t')");
            long db = server.queryLong("SELECT oid FROM pg_database WHERE datname = current_database()");
            long spc = server.queryLong("SELECT oid FROM pg_tablespace WHERE spcname = 'pg_default'");
            long blocks = server.queryLong("SELECT pg_relation_size('t') / 8192");

            for (long budget : new long[] {1L << 30, 8 * 1024}) {
                try (PageTracker tracker = new PageTracker(budget, (a, b, r) -> r == rel, tmp,
                    DirectorySegmentSource.open(server.walDir()), 4096)) {
                    TrackerDrive.tuples(server, range, tracker);
                    assertTrue(tracker.patches() > 2500, "patches: " + tracker.patches());
                    if (budget < 1 << 20) {
                        assertTrue(tracker.spilledPages() > 100, "spills: " + tracker.spilledPages());
                    }
                    int compared = 0;
                    int patched = 0;
                    try (ResultSet rs = s.executeQuery("SELECT b, lp, t_hoff, t_data FROM generate_series(0, "
                        + (blocks - 1) + ") b, heap_page_items(get_raw_page('t', b::int))"
                        + " WHERE lp_flags = 1 ORDER BY b, lp")) {
                        while (rs.next()) {
                            long block = rs.getLong(1);
                            int lp = rs.getInt(2);
                            byte[] data = rs.getBytes(4);
                            byte[] t = tracker.tupleAt((int) spc, (int) db, (int) rel, block, lp);
                            String where = "budget " + budget + ", (" + block + "," + lp + ")";
                            assertNotNull(t, where);
                            assertEquals(rs.getInt(3), t[22] & 0xFF, where + ": t_hoff");
                            byte[] ours = java.util.Arrays.copyOfRange(t, t[22] & 0xFF, t.length);
                            assertArrayEquals(data, ours, where + ": " + HexFormat.of().formatHex(ours));
                            compared++;
                            patched += tracker.patchedAt((int) spc, (int) db, (int) rel, block, lp) ? 1 : 0;
                        }
                    }
                    assertTrue(compared > 2800, "tuples compared: " + compared);
                    assertTrue(patched > 900, "of them kept as patches: " + patched);
                }
            }
        }
    }
}
