package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.testkit.ProcessResult;
import org.xlogminer.wal.Lsn;

/**
 * pgbench at the default wal_level=replica with default replica identity (issue 4): after
 * {@code pgbench -i -s 10} and 20,000 transactions from 4 clients, the UNDO mined from the start of
 * the run, applied with psql, restores pgbench_accounts, _branches, _tellers and _history (a table
 * without a key) exactly; the REDO then gives the contents pgbench left. Old rows come from
 * full-page images and the tracked pages. The durations of pgbench and of psql applying the UNDO
 * are written to target/pgbench-replica/timings.txt (measured, not asserted: speed belongs to the
 * benchmarks).
 */
class PgbenchReplicaRoundTripIT {

    static final List<String> TABLES = List.of("pgbench_accounts", "pgbench_branches", "pgbench_tellers",
        "pgbench_history");

    /** Per table: row count and a sum of 60-bit md5 prefixes of the rows' text, a multiset fingerprint. */
    static List<String> fingerprint(PgServer server) throws Exception {
        List<String> out = new ArrayList<>();
        for (String t : TABLES) {
            out.add(t + " " + server.queryString("SELECT count(*) || ' ' || coalesce(sum(('x' || substr(md5(r::text), 1, 15))"
                + "::bit(60)::bigint), 0) FROM " + t + " r"));
        }
        return out;
    }

    @Test
    void undoOfTwentyThousandPgbenchTransactionsRestoresEveryTable() throws Exception {
        Path out = Path.of("target", "pgbench-replica").toAbsolutePath();
        Files.createDirectories(out);
        try (PgServer server = PgServer.builder(15).walLevel("replica").walSegSizeMb(16).start()) {
            server.runBinary("pgbench", "-i", "-s", "10", "-q").requireSuccess();
            Path catalog = out.resolve("catalog.json");
            CliRun.captureCatalog(server, catalog);
            server.checkpoint();
            List<String> before = fingerprint(server);
            long from = server.currentWalInsertLsn();
            long t0 = System.nanoTime();
            ProcessResult bench = server.runBinary("pgbench", "-n", "-c", "4", "-j", "2", "-t", "5000").requireSuccess();
            double pgbenchSeconds = (System.nanoTime() - t0) / 1e9;
            List<String> after = fingerprint(server);
            long to = server.flushWal();
            assertTrue(bench.stdout().contains("number of transactions actually processed: 20000/20000"), bench.stdout());

            String[] range = {"--wal-dir", server.walDir().toString(), "--catalog", catalog.toString(),
                "--from-lsn", Lsn.format(from), "--to-lsn", Lsn.format(to)};
            long m0 = System.nanoTime();
            CliRun undo = CliRun.of(CliRun.concat(range, "--undo"));
            double mineSeconds = (System.nanoTime() - m0) / 1e9;
            assertEquals(0, undo.exitCode(), undo.stderr());
            assertTrue(undo.stderr().contains("20000 transactions, 80000 row changes"), undo.stderr());
            assertTrue(!undo.stdout().contains("xlogminer_unrecoverable"), "every old row recovered from the pages");
            CliRun redo = CliRun.of(range);
            assertEquals(0, redo.exitCode(), redo.stderr());
            Path undoFile = out.resolve("undo.sql");
            Path redoFile = out.resolve("redo.sql");
            Files.writeString(undoFile, undo.stdout());
            Files.writeString(redoFile, redo.stdout());

            long a0 = System.nanoTime();
            server.runBinary("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", undoFile.toString()).requireSuccess();
            double undoSeconds = (System.nanoTime() - a0) / 1e9;
            assertEquals(before, fingerprint(server), "UNDO restores the contents from before the run");
            server.runBinary("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", redoFile.toString()).requireSuccess();
            assertEquals(after, fingerprint(server), "REDO gives the contents pgbench left");

            Files.writeString(out.resolve("timings.txt"), String.format(
                "pgbench 20000 tx: %.1f s%nmining UNDO: %.1f s%npsql applying UNDO: %.1f s (%.2f x pgbench)%n",
                pgbenchSeconds, mineSeconds, undoSeconds, undoSeconds / pgbenchSeconds));
        }
    }
}
