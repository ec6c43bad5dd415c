package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xlogminer.SqlScripts;
import org.xlogminer.testkit.PgBinaries;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.testkit.ProcessResult;

/**
 * Issue 17's scenario on real servers at the default wal_level=replica (old rows from the pages):
 * an accident (an UPDATE without WHERE, then a DELETE and a stray INSERT), noticed later, mined
 * once into guarded UNDO. Applied with {@code psql -v ON_ERROR_STOP=1 -1}:
 * <ol>
 * <li>with no later changes it gives back exactly the earlier contents;</li>
 * <li>the accident made again (its REDO), a later change to other columns of some rows: the UNDO
 *     with {@code --undo-guard=all} stops at such a row, naming table, key and LSN, and changes
 *     nothing;</li>
 * <li>later changes to the same columns and a deleted key inserted again: the UNDO stops at the
 *     first such row and changes nothing (with a statement per change, the deleted row inserted
 *     again comes first; folded, the rows the accident updated and then deleted are set back at
 *     their first change, so a row of the second table comes first);</li>
 * <li>with {@code --undo-conflicts=skip} it restores every row not changed since, keeps the later
 *     change to other columns, leaves the rows changed since as they are now, and reports how many
 *     it skipped.</li>
 * </ol>
 * Keys and guarded values need quoting (quotes, backslashes, unicode, NULLs, json without =).
 */
class GuardedUndoIT {

    private static final String ODD = "\"Odd \"\"Names\"\"\"";
    private static final String ODD_KEY = "\"Key 'k'\"";
    /** Rows of acct the later changes touch in the columns the accident changed, or whose key they insert again. */
    private static final String CHANGED_SINCE = "2, 3, 7, 27";

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 14, 15, 16, 17, 18})
    void guardedUndoNeverOverwritesALaterChange(int major) throws Exception {
        try (PgServer server = PgServer.builder(major).start(); Connection c = server.connect();
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE acct (id int PRIMARY KEY, owner text, balance numeric(12,2), note text, "
                + "meta json, tags text[])");
            s.execute("INSERT INTO acct SELECT g, 'owner ' || g, g * 10, CASE WHEN g % 3 = 0 THEN NULL "
                + "ELSE E'it''s \\\\ ünï 日本 ' || g END, json_build_object('g', g), ARRAY['a', NULL] "
                + "FROM generate_series(1, 30) g");
            s.execute("CREATE TABLE " + ODD + " (" + ODD_KEY + " text PRIMARY KEY, \"select\" text, n int)");
            s.execute("INSERT INTO " + ODD + " SELECT E'it''s \\\\ 日本 ' || g, 'v' || g, g FROM generate_series(1, 5) g");
            s.execute("CREATE TABLE acct_expected AS SELECT * FROM acct");
            s.execute("CREATE TABLE odd_expected AS SELECT * FROM " + ODD);
            Path catalog = tmp.resolve("catalog.json");
            CliRun cat = CliRun.of("catalog", "--jdbc-url", server.jdbcUrl(), "--user", "postgres", "-o", catalog.toString());
            assertEquals(0, cat.exitCode(), cat.toString());
            s.execute("CHECKPOINT");
            Map<String, List<String>> earlier = contents(c);

            long from = server.currentWalInsertLsn();
            s.execute("UPDATE acct SET balance = 0, note = NULL");                                  // the accident
            s.execute("UPDATE " + ODD + " SET n = 0");
            s.execute("DELETE FROM acct WHERE id > 25; INSERT INTO acct VALUES (31, 'stray', 0, NULL, '{\"x\": 1}', "
                + "'{a,NULL}')");
            long to = server.flushWal();
            Map<String, List<String>> accident = contents(c);
            String[] range = {"--wal-dir", server.walDir().toString(), "--catalog", catalog.toString(),
                "--from-lsn", PgbenchRoundTripIT.lsn(from), "--to-lsn", PgbenchRoundTripIT.lsn(to)};
            Path undo = mine(range, "undo.sql", "--undo");
            Path undoAll = mine(range, "undo-all.sql", "--undo", "--undo-guard=all");
            Path undoPerChange = mine(range, "undo-per-change.sql", "--undo", "--undo-per-change");
            Path undoSkip = mine(range, "undo-skip.sql", "--undo", "--undo-conflicts=skip");
            Path redo = mine(range, "redo.sql");

            // 1. nothing changed since: the earlier contents exactly
            psql(server, undo).requireSuccess();
            assertEquals(earlier, contents(c), "guarded UNDO with no later change gives back the earlier contents");
            psql(server, redo).requireSuccess();
            assertEquals(accident, contents(c), "the accident again");

            // 2. a later change to other columns: a conflict for --undo-guard=all only
            s.execute("UPDATE acct SET owner = 'renamed' WHERE id IN (4, 5)");
            s.execute("UPDATE acct_expected SET owner = 'renamed' WHERE id IN (4, 5)");
            Map<String, List<String>> now = contents(c);
            ProcessResult all = psql(server, undoAll);
            assertStoppedAt(all, undoAll, "public.acct", "id=5");
            assertEquals(now, contents(c), "stopped: nothing applied");

            // 3. later changes to the same columns, a deleted key inserted again: the default stops
            s.execute("UPDATE acct SET balance = 5 WHERE id IN (2, 3)");
            s.execute("UPDATE acct SET note = 'later' WHERE id = 7");
            s.execute("INSERT INTO acct VALUES (27, 'new 27', 1, NULL, NULL, NULL)");
            s.execute("UPDATE " + ODD + " SET n = 42 WHERE " + ODD_KEY + " = E'it''s \\\\ 日本 3'");
            now = contents(c);
            ProcessResult stop = psql(server, undoPerChange);
            assertStoppedAt(stop, undoPerChange, "public.acct", "id=27"); // the DELETE is undone first, newest row first
            assertEquals(now, contents(c), "stopped: nothing applied");
            stop = psql(server, undo);
            assertNotEquals(0, stop.exitCode(), stop.stdout());
            assertTrue(stop.stderr().contains(": row Key 'k'=it's \\ 日本 3 of public." + ODD + " is not as that change left it"),
                stop.stderr());
            assertEquals(now, contents(c), "stopped: nothing applied");

            // 4. skipping conflicts: rows changed since as they are now, every other row restored
            s.execute("DELETE FROM acct_expected WHERE id IN (" + CHANGED_SINCE + ")");
            s.execute("INSERT INTO acct_expected SELECT * FROM acct WHERE id IN (" + CHANGED_SINCE + ")");
            s.execute("DELETE FROM odd_expected WHERE n = 3");
            s.execute("INSERT INTO odd_expected SELECT * FROM " + ODD + " WHERE n = 42");
            ProcessResult skip = psql(server, undoSkip).requireSuccess();
            assertEquals(contents(c, "acct_expected", "odd_expected"), contents(c, "acct", ODD),
                "restored where not changed since");
            // 27 (updated and deleted by the accident: one folded statement), 2, 3, 7 and the odd row 3
            assertTrue(skip.stderr().contains("NOTICE:  xlogminer: 5 rows skipped"), skip.stderr());
            assertTrue(skip.stderr().contains("NOTICE:  xlogminer: skipped: row Key 'k'=it's \\ 日本 3 of public."
                + ODD + " is not as the change at LSN "), skip.stderr());
            assertFalse(skip.stderr().contains("ERROR"), skip.stderr());
        }
    }

    /** Mines the range with more options into a file. */
    private Path mine(String[] range, String name, String... more) throws Exception {
        String[] args = java.util.Arrays.copyOf(range, range.length + more.length);
        System.arraycopy(more, 0, args, range.length, more.length);
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run.toString());
        assertFalse(run.stdout().contains("xlogminer_unrecoverable"), "every old row recovered: " + name);
        Path out = Path.of("target", "guarded-undo");
        Files.createDirectories(out);
        Files.writeString(out.resolve(name), run.stdout());
        return Files.writeString(tmp.resolve(name), run.stdout());
    }

    /** psql (Debian's 15: the other majors' binaries have none) as the README says to apply UNDO. */
    private static ProcessResult psql(PgServer server, Path script) {
        return server.runTool(PgBinaries.debian15Tool("psql"), "-X", "-v", "ON_ERROR_STOP=1", "-1", "-f", script.toString());
    }

    /**
     * psql stopped at the first conflict, which the error names by table, key and the LSN of its
     * change; the statement is the EXECUTE of a prepared one, whose last values are the key and LSN.
     */
    static void assertStoppedAt(ProcessResult run, Path script, String table, String key) throws Exception {
        assertNotEquals(0, run.exitCode(), run.stdout());
        String line = Files.readAllLines(script).stream()
            .filter(l -> l.startsWith("EXECUTE ") && l.contains(", '" + key + "', '")).findFirst().orElseThrow();
        String lsn = line.substring(line.lastIndexOf(", '") + 3, line.lastIndexOf("');"));
        assertTrue(run.stderr().contains("ERROR:  xlogminer: conflict undoing the change at LSN " + lsn + ": row " + key
            + " of " + table + " is not as that change left it"), run.stderr());
    }

    private static Map<String, List<String>> contents(Connection c) throws Exception {
        return SqlScripts.contents(c, List.of("acct", ODD));
    }

    /** The rows of two tables under the names acct and odd, to compare tables of different names. */
    private static Map<String, List<String>> contents(Connection c, String acct, String odd) throws Exception {
        Map<String, List<String>> m = SqlScripts.contents(c, List.of(acct, odd));
        return Map.of("acct", m.get(acct), "odd", m.get(odd));
    }
}
