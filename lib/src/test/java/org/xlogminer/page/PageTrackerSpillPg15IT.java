package org.xlogminer.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.testkit.WalRange;
import org.xlogminer.wal.reader.DirectorySegmentSource;

/**
 * WAL of a real server (updates scattered over a table's pages, after a checkpoint, at
 * wal_level=replica) through the page tracker as the miner drives it, with a budget far too
 * small: overlays go to the spill file, come back, and the file is compacted again and again.
 * Every tuple it hands out must be the one it hands out with room to spare; once with a spill
 * buffer larger than the overlays, once with one smaller (each overlay then goes to the file,
 * and is moved, on its own).
 */
class PageTrackerSpillPg15IT {

    @TempDir
    Path tmp;

    @Test
    void tuplesAreTheSameWhateverWentToTheSpillFile() throws Exception {
        try (PgServer server = PgServer.builder(15).walSegSizeMb(1).start();
             Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY, v text) WITH (fillfactor = 50)");
            s.execute("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 4000) g");
            server.checkpoint();
            WalRange range = server.captureRange(() -> {
                for (int round = 0; round < 6; round++) {
                    // a different stride each round: pages are left and come back
                    s.execute("UPDATE t SET v = v || '" + round + "' WHERE id % 6 = " + round);
                    s.execute("DELETE FROM t WHERE id % 97 = " + round);
                }
            });
            List<String> expected;
            try (PageTracker roomy = tracker(server, 1L << 30, 1 << 20)) {
                expected = TrackerDrive.tuples(server, range, roomy);
                assertEquals(0, roomy.spilledPages());
            }
            long known = expected.stream().filter(t -> t.contains(" old [")).count();
            assertTrue(known > 3000, "old tuples known: " + known + " of " + expected.size());
            for (int buffer : new int[] {64 * 1024, 256}) {
                try (PageTracker tight = tracker(server, 16 * 1024, buffer)) {
                    List<String> got = TrackerDrive.tuples(server, range, tight);
                    assertEquals(expected.size(), got.size());
                    for (int i = 0; i < got.size(); i++) {
                        assertEquals(expected.get(i), got.get(i), "buffer " + buffer + ", record " + i);
                    }
                    assertTrue(tight.spilledPages() > 300, "spills: " + tight.spilledPages());
                    assertTrue(tight.spillCompactions() > 3, "compactions: " + tight.spillCompactions());
                    // compacted whenever the dead bytes outgrow both the live ones and the budget:
                    // the file holds a fraction of all that went through it (a third here)
                    assertTrue(tight.spillFileBytes() * 2 < tight.spillAppendedBytes(), "spill file "
                        + tight.spillFileBytes() + " bytes of " + tight.spillAppendedBytes() + " written to it");
                }
            }
        }
    }

    private PageTracker tracker(PgServer server, long budget, int spillBuffer) throws IOException {
        return new PageTracker(budget, (spc, db, rel) -> true, tmp, DirectorySegmentSource.open(server.walDir()), spillBuffer);
    }
}
