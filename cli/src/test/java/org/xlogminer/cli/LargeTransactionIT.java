package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.Lsn;

/**
 * One UPDATE of 300,000 rows, mined into UNDO SQL by the real command (the shaded jar) in a JVM
 * with a 64 MB heap: the transaction's records spill to disk before the commit, its changes are
 * rendered as they are decoded, and the UNDO is reversed through a temporary file, so the heap
 * never holds the transaction.
 */
class LargeTransactionIT {

    private static final int ROWS = 300_000;

    @TempDir
    Path tmp;

    @Test
    void undoOfAHugeUpdateRunsInASmallHeap() throws Exception {
        Path jar = Path.of("target", "xlogminer.jar").toAbsolutePath();
        assertTrue(Files.exists(jar), "the shaded jar is built before integration tests: " + jar);
        try (PgServer server = PgServer.builder(15).walLevel("logical").start()) {
            server.execute("CREATE TABLE big (id int PRIMARY KEY, label text, amount numeric)",
                "ALTER TABLE big REPLICA IDENTITY FULL",
                "INSERT INTO big SELECT g, 'row ' || g, g FROM generate_series(1, " + ROWS + ") g",
                "CHECKPOINT");
            Path catalog = tmp.resolve("catalog.json");
            CliRun cap = CliRun.of("catalog", "--jdbc-url", server.jdbcUrl(), "--user", "postgres", "-o", catalog.toString());
            assertEquals(0, cap.exitCode(), cap.toString());
            long from = server.currentWalInsertLsn();
            server.execute("UPDATE big SET amount = 0");
            long to = server.flushWal();

            Path out = tmp.resolve("undo.sql");
            Path err = tmp.resolve("stderr.txt");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-jar", jar.toString(), "--wal-dir", server.walDir().toString(), "--catalog",
                catalog.toString(), "--from-lsn", Lsn.format(from), "--to-lsn", Lsn.format(to), "--undo")
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), "finishes");
            String stderr = Files.readString(err);
            assertEquals(0, p.exitValue(), stderr);
            assertTrue(stderr.contains("1 transactions, " + ROWS + " row changes"), stderr);
            assertTrue(!stderr.contains("OutOfMemoryError"), stderr);

            long statements = 0;
            String firstUpdate = null, lastUpdate = null;
            try (BufferedReader r = Files.newBufferedReader(out)) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("EXECUTE xlogminer_1(")) {
                        statements++;
                        if (firstUpdate == null) {
                            firstUpdate = line;
                        }
                        lastUpdate = line;
                    }
                }
            }
            assertEquals(ROWS, statements);
            // the script is whole: BEGIN and the check, the header, the statements, COMMIT (copied as
            // bytes beneath the writer)
            List<String> lines = Files.readAllLines(out);
            assertTrue(lines.get(0).startsWith("-- xlogminer: guarded UNDO, one transaction"), lines.get(0));
            assertTrue(lines.contains("PREPARE xlogminer_1 AS WITH u AS (UPDATE public.big SET amount = $1 WHERE id = $2 "
                + "AND amount = $3 RETURNING 1) SELECT pg_temp.xlogminer_check(count(*), 'public.big', $4, $5) FROM u;"),
                "one prepared statement for every row");
            assertEquals("BEGIN;", lines.get(2));
            int header = lines.indexOf(firstUpdate) - 1;
            assertTrue(lines.get(header).startsWith("-- xid ") && lines.get(header).endsWith("(undo)"), lines.get(header));
            assertEquals(List.of("", "COMMIT;"), lines.subList(lines.size() - 2, lines.size()));
            // newest first: the last row the UPDATE touched is undone first, the first one last
            List<String> order = server.queryRows("SELECT id FROM big ORDER BY ctid DESC LIMIT 1").get(0);
            // EXECUTE xlogminer_1(old amount, id, 0, 'id=...', 'LSN'): the old amount was the id
            String id = order.get(0);
            assertTrue(firstUpdate.startsWith("EXECUTE xlogminer_1(" + id + ", " + id + ", 0, 'id=" + id + "', '"),
                "gives the old amount back where it is still 0: " + firstUpdate);
            assertTrue(lastUpdate.startsWith("EXECUTE xlogminer_1(1, 1, 0, 'id=1', '"), lastUpdate);
        }
    }
}
