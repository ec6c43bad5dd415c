package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.xlogminer.oracle.OracleRecord;
import org.xlogminer.oracle.PgWaldump;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.testkit.WalRange;
import org.xlogminer.wal.Lsn;

/**
 * {@code xlogminer records} lists exactly the records pg_waldump lists on a pgbench WAL of several
 * segments: same LSNs, prev-links, resource managers, types, xids, lengths and block references.
 */
class RecordsCommandIT {

    @Test
    void listsWhatPgWaldumpListsOnPgbenchWal() throws Exception {
        try (PgServer server = PgServer.builder(15).walSegSizeMb(1).walCompression("lz4").start()) {
            WalRange range = server.captureRange(() -> {
                server.runBinary("pgbench", "-i", "-s", "3", "-q").requireSuccess();
                server.checkpoint();
                server.runBinary("pgbench", "-n", "-c", "2", "-t", "400").requireSuccess();
            });
            assertTrue(range.end() / (1 << 20) - range.start() / (1 << 20) >= 4, "the WAL spans several segments");

            CliRun run = CliRun.of("records", "--wal-dir", server.walDir().toString(),
                "--from-lsn", Lsn.format(range.start()), "--to-lsn", Lsn.format(range.end()));
            assertEquals(0, run.exitCode(), run.toString());

            List<OracleRecord> dump = PgWaldump.records(server.walDir(), range.start(), range.end());
            List<String> lines = run.stdoutLines();
            assertEquals(dump.size(), lines.size(), "records listed");
            for (int i = 0; i < lines.size(); i++) {
                OracleRecord ours = RecordLine.parse(lines.get(i));
                OracleRecord theirs = dump.get(i);
                String at = lines.get(i);
                assertEquals(Lsn.format(theirs.lsn()), Lsn.format(ours.lsn()), at);
                assertEquals(Lsn.format(theirs.prev()), Lsn.format(ours.prev()), at);
                assertEquals(theirs.rmgr(), ours.rmgr(), at);
                assertEquals(theirs.type(), ours.type(), at);
                assertEquals(theirs.xid(), ours.xid(), at);
                assertEquals(theirs.totalLength(), ours.totalLength(), at);
                assertEquals(theirs.fpiLength(), ours.fpiLength(), at);
                assertEquals(theirs.blocks().size(), ours.blocks().size(), at);
                for (int k = 0; k < ours.blocks().size(); k++) {
                    OracleRecord.OracleBlock a = ours.blocks().get(k), b = theirs.blocks().get(k);
                    assertEquals(b.id(), a.id(), at);
                    assertEquals(b.tablespace() + "/" + b.database() + "/" + b.relNumber() + " " + b.fork() + " " + b.block(),
                        a.tablespace() + "/" + a.database() + "/" + a.relNumber() + " " + a.fork() + " " + a.block(), at);
                    assertEquals(b.hasImage(), a.hasImage(), at);
                    assertEquals(b.imageLength(), a.imageLength(), at);
                    assertEquals(b.compression(), a.compression(), at);
                    assertEquals(b.holeOffset(), a.holeOffset(), at);
                    assertEquals(b.holeLength(), a.holeLength(), at);
                    assertEquals(b.apply(), a.apply(), at);
                }
            }
            assertTrue(run.stderr().contains("reached the end LSN"), run.stderr());
        }
    }
}
