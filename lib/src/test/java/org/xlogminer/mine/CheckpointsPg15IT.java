package org.xlogminer.mine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.reader.DirectorySegmentSource;
import org.xlogminer.wal.reader.SegmentSource;

/**
 * The checkpoint mining starts from is the last one whose record starts at or before the requested
 * start, however far back it lies: on a real server with 1 MB segments, two checkpoints some thirty
 * segments apart (several of the groups the search reads at a time), each found from near it and
 * from far after it, as the server's own pg_control_checkpoint() reported it.
 */
class CheckpointsPg15IT {

    @Test
    void findsTheLastCheckpointAtOrBeforeAnLsnNearOrFar() throws Exception {
        try (PgServer server = PgServer.builder(15).walSegSizeMb(1).start()) {
            server.execute("CREATE TABLE t (id int, pad text)");
            server.checkpoint();
            Checkpoints.Checkpoint first = control(server);
            server.execute("INSERT INTO t SELECT g, repeat(md5(g::text), 16) FROM generate_series(1, 50000) g");
            long beforeSecond = server.currentWalInsertLsn();
            assertEquals(first, control(server), "no other checkpoint meanwhile");
            server.checkpoint();
            Checkpoints.Checkpoint second = control(server);
            server.execute("INSERT INTO t SELECT g, repeat(md5(g::text), 16) FROM generate_series(1, 30000) g");
            long end = server.flushWal();
            assertEquals(second, control(server), "no other checkpoint meanwhile");
            long segment = server.walSegmentSize();
            assertTrue((second.lsn() - first.lsn()) / segment > 6 * Checkpoints.GROUP,
                "the checkpoints are several groups apart: " + Lsn.format(first.lsn()) + ", " + Lsn.format(second.lsn()));
            assertTrue((end - second.lsn()) / segment > 3 * Checkpoints.GROUP, "the end is groups after the second");

            try (SegmentSource wal = DirectorySegmentSource.open(server.walDir())) {
                assertEquals(second, Checkpoints.lastAtOrBefore(wal, end), "from far after the second");
                assertEquals(second, Checkpoints.lastAtOrBefore(wal, second.lsn()), "from its own record");
                assertEquals(second, Checkpoints.lastAtOrBefore(wal, second.lsn() + 1), "from just after it");
                assertEquals(first, Checkpoints.lastAtOrBefore(wal, second.lsn() - 1), "from just before the second");
                assertEquals(first, Checkpoints.lastAtOrBefore(wal, beforeSecond), "from far after the first");
                assertEquals(first, Checkpoints.lastAtOrBefore(wal, first.lsn()), "from the first's own record");
                Checkpoints.Checkpoint earlier = Checkpoints.lastAtOrBefore(wal, first.lsn() - 1);
                assertNotNull(earlier, "initdb's and the start-up's checkpoints are in the WAL too");
                assertTrue(earlier.lsn() < first.lsn(), "an earlier one: " + Lsn.format(earlier.lsn()));
            }
        }
    }

    /** The server's latest checkpoint: its record's LSN, its REDO point and the next xid it saw. */
    private static Checkpoints.Checkpoint control(PgServer server) throws Exception {
        return new Checkpoints.Checkpoint(
            Lsn.parse(server.queryString("SELECT checkpoint_lsn FROM pg_control_checkpoint()")).value(),
            Lsn.parse(server.queryString("SELECT redo_lsn FROM pg_control_checkpoint()")).value(),
            (int) server.queryLong("SELECT (regexp_replace(next_xid, '^.*:', ''))::bigint FROM pg_control_checkpoint()"));
    }
}
