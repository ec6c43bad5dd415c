package org.xlogminer.cli;

import org.xlogminer.SqlScripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.testkit.ProcessResult;

/**
 * The round trip on the command line with a real concurrent workload: pgbench (TPC-B like, two
 * clients) on PostgreSQL 15 at wal_level=logical, every pgbench table REPLICA IDENTITY FULL
 * (pgbench_history has no key at all, so its rows are found by their ctid and old values). The
 * guarded UNDO SQL that {@code xlogminer --undo} prints, applied to the server, gives back exactly
 * the contents from before the run; the REDO SQL applied to those gives exactly the contents after it.
 * Five seconds of pgbench: the folded UNDO of each hot branch and teller row is a few statements,
 * not one per change (which, applied as one transaction, cost time with the square of the changes).
 */
class PgbenchRoundTripIT {

    static final List<String> TABLES = List.of("pgbench_accounts", "pgbench_branches", "pgbench_tellers",
        "pgbench_history");

    private static final Pattern PROCESSED = Pattern.compile("number of transactions actually processed: (\\d+)");
    private static final Pattern SUMMARY = Pattern.compile(
        "xlogminer: (\\d+) transactions, (\\d+) row changes from \\d+ records read from .*");

    @TempDir
    Path tmp;

    static String lsn(long v) {
        return String.format("%X/%08X", v >>> 32, v & 0xFFFFFFFFL);
    }

    @Test
    void undoGivesBackTheContentsBeforePgbenchAndRedoTheContentsAfter() throws Exception {
        try (PgServer server = PgServer.builder(15).walLevel("logical").walSegSizeMb(16).start();
             Connection c = server.connect()) {
            server.runBinary("pgbench", "-i", "-s", "2", "-q").requireSuccess();
            for (String t : TABLES) {
                server.execute("ALTER TABLE " + t + " REPLICA IDENTITY FULL");
            }
            Path catalog = tmp.resolve("catalog.json");
            CliRun cat = CliRun.of("catalog", "--jdbc-url", server.jdbcUrl(), "--user", "postgres", "-o",
                catalog.toString());
            assertEquals(0, cat.exitCode(), cat.toString());
            assertEquals(1, cat.stderrLines().size(), cat.stderr());
            assertTrue(cat.stderrLines().get(0).startsWith("xlogminer: catalog of database postgres (PostgreSQL 15."),
                cat.stderr());
            assertTrue(Files.size(catalog) > 0);

            server.checkpoint();
            Map<String, List<String>> before = SqlScripts.contents(c, TABLES);
            long from = server.currentWalInsertLsn();
            ProcessResult bench = server.runBinary("pgbench", "-n", "-c", "2", "-j", "2", "-T", "5").requireSuccess();
            long to = server.flushWal();
            Map<String, List<String>> after = SqlScripts.contents(c, TABLES);
            Matcher m = PROCESSED.matcher(bench.stdout());
            assertTrue(m.find(), bench.stdout());
            int pgbenchTransactions = Integer.parseInt(m.group(1));
            assertTrue(pgbenchTransactions > 100, "pgbench ran: " + bench.stdout());
            assertNotEquals(before, after);

            String[] range = {"--wal-dir", server.walDir().toString(), "--catalog", catalog.toString(),
                "--from-lsn", lsn(from), "--to-lsn", lsn(to)};
            CliRun undoRun = CliRun.of(with(range, "--undo"));
            CliRun redoRun = CliRun.of(range);
            Path out = Path.of("target", "pgbench-roundtrip");
            Files.createDirectories(out);
            Files.writeString(out.resolve("undo.sql"), undoRun.stdout());
            Files.writeString(out.resolve("redo.sql"), redoRun.stdout());
            Files.writeString(out.resolve("pgbench.txt"), bench.stdout() + bench.stderr());

            for (CliRun run : List.of(undoRun, redoRun)) {
                assertEquals(0, run.exitCode(), run.toString());
                assertSaneSummary(run, pgbenchTransactions);
                assertFalse(run.stdout().contains("xlogminer_unrecoverable"),
                    "every value recovered at REPLICA IDENTITY FULL:\n" + firstLineWith(run.stdout(), "xlogminer_unrecoverable"));
                assertFalse(run.stdout().contains("INCOMPLETE"), firstLineWith(run.stdout(), "INCOMPLETE"));
            }
            assertRedoIsPgbenchsScript(redoRun.stdout(), pgbenchTransactions);
            // keyless history rows: a statement per change; the rows with a key: one per row (a fold per window)
            assertEquals(pgbenchTransactions, undoRun.stdoutLines().stream()
                .filter(l -> l.startsWith("WITH u AS (DELETE FROM public.pgbench_history ")).count());
            long keyed = undoRun.stdoutLines().stream().filter(l -> l.startsWith("EXECUTE ")).count();
            // each transaction's account (rarely one changed before), and 22 tellers and branches a few times each
            assertTrue(keyed <= pgbenchTransactions + 22L * (pgbenchTransactions / 1000 + 1),
                keyed + " statements for " + 3 * pgbenchTransactions + " changes");
            assertTrue(undoRun.stdoutLines().stream().anyMatch(l -> l.matches(
                "-- xlogminer: \\d+ changes of row 'bid=1' of public.pgbench_branches folded into one, set back .*")),
                "the changes of a branch folded");
            assertTrue(undoRun.stdoutLines().get(0).startsWith("-- xlogminer: guarded UNDO"), undoRun.stdoutLines().get(0));
            String historyUndo = firstLineWith(undoRun.stdout(), "DELETE FROM public.pgbench_history");
            assertTrue(historyUndo.startsWith("WITH u AS (DELETE FROM public.pgbench_history WHERE ctid = ")
                && historyUndo.contains("ctid = '("), "a keyless row is found by its ctid: " + historyUndo);

            SqlScripts.apply(c, undoRun.stdout(), "UNDO");
            assertNull(SqlScripts.difference(before, SqlScripts.contents(c, TABLES)),
                "UNDO gives back the contents from before pgbench");
            SqlScripts.apply(c, redoRun.stdout(), "REDO");
            assertNull(SqlScripts.difference(after, SqlScripts.contents(c, TABLES)),
                "REDO gives the contents pgbench left");
        }
    }

    /** One summary line on stderr, naming as many transactions as pgbench committed and four row changes each. */
    private static void assertSaneSummary(CliRun run, int pgbenchTransactions) {
        List<String> err = run.stderrLines();
        assertEquals(1, err.size(), "only the summary on stderr: " + run.stderr());
        Matcher s = SUMMARY.matcher(err.get(0));
        assertTrue(s.matches(), err.get(0));
        assertEquals(pgbenchTransactions, Long.parseLong(s.group(1)), err.get(0));
        assertEquals(4L * pgbenchTransactions, Long.parseLong(s.group(2)), err.get(0));
        assertFalse(run.stderr().contains("not in the catalog"), run.stderr());
    }

    /**
     * pgbench's TPC-B like script, transaction after transaction: UPDATE accounts, (SELECT), UPDATE
     * tellers, UPDATE branches, INSERT history.
     */
    private static void assertRedoIsPgbenchsScript(String redo, int pgbenchTransactions) {
        List<List<String>> blocks = SqlScripts.blocks(redo);
        assertEquals(pgbenchTransactions, blocks.size(), "one block per pgbench transaction:\n" + SqlScripts.head(redo, 20));
        List<String> expected = List.of("UPDATE public.pgbench_accounts SET ", "UPDATE public.pgbench_tellers SET ",
            "UPDATE public.pgbench_branches SET ", "INSERT INTO public.pgbench_history ");
        for (List<String> b : blocks) {
            String block = String.join("\n", b);
            assertEquals(7, b.size(), block);
            assertTrue(b.get(0).matches("-- xid \\d+ committed at [0-9A-F]+/[0-9A-F]{8} .*"), block);
            assertEquals("BEGIN;", b.get(1), block);
            for (int i = 0; i < 4; i++) {
                assertTrue(b.get(2 + i).startsWith(expected.get(i)) && b.get(2 + i).endsWith(";"), block);
            }
            assertEquals("COMMIT;", b.get(6), block);
        }
    }

    private static String firstLineWith(String text, String word) {
        for (String l : text.split("\n")) {
            if (l.contains(word)) {
                return SqlScripts.cut(l);
            }
        }
        return "(no line with " + word + ")";
    }

    private static String[] with(String[] args, String... more) {
        String[] a = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, a, args.length, more.length);
        return a;
    }
}
