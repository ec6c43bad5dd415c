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
 * Guarded UNDO folds the changes of a row within the range into one statement, on real servers:
 * a hot row updated 20,000 times (in one transaction that also inserts more rows of another table
 * than the folding window holds, then in transactions of their own), a row inserted, updated and deleted (nothing to undo), a row deleted
 * and inserted again with other values, a row whose key changes and which is updated under its new
 * key, and rows that need quoting. Applied with {@code psql -v ON_ERROR_STOP=1 -1}:
 * <ol>
 * <li>it gives back exactly the earlier contents, with a few statements for the hot row, where the
 *     script per change ({@code --undo-per-change}) has one per change and does the same;</li>
 * <li>the changes made again (their REDO), then the hot row changed after the range: the folded
 *     UNDO stops at it, naming table, key and the LSN of its last change in the range, and changes
 *     nothing;</li>
 * <li>with {@code --undo-conflicts=skip} it leaves the hot row as it is now, restores every other
 *     row, and reports the hot row's two folds skipped.</li>
 * </ol>
 */
class FoldedUndoIT {

    private static final int HOT_CHANGES = 20_000;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {15, 18})
    void aHotRowIsSetBackByOneStatementAndItsConflictIsFound(int major) throws Exception {
        try (PgServer server = PgServer.builder(major).start(); Connection c = server.connect();
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE hot (id int PRIMARY KEY, n bigint, note text)");
            s.execute("INSERT INTO hot SELECT g, g, E'it''s \\\\ 日本 ' || g FROM generate_series(1, 20) g");
            s.execute("CREATE TABLE hot_earlier AS SELECT * FROM hot");
            s.execute("CREATE TABLE trail (i int PRIMARY KEY, n bigint)");
            Path catalog = tmp.resolve("catalog.json");
            CliRun cat = CliRun.of("catalog", "--jdbc-url", server.jdbcUrl(), "--user", "postgres", "-o", catalog.toString());
            assertEquals(0, cat.exitCode(), cat.toString());
            s.execute("CHECKPOINT");
            Map<String, List<String>> earlier = SqlScripts.contents(c, List.of("hot", "trail"));

            long from = server.currentWalInsertLsn();
            s.execute("DO $$ BEGIN FOR i IN 1.." + (HOT_CHANGES - 200) + " LOOP "
                + "UPDATE hot SET n = n + 1, note = 'v' || i WHERE id = 1; INSERT INTO trail VALUES (i, i); END LOOP; END $$");
            for (int i = 0; i < 100; i++) {
                s.execute("UPDATE hot SET n = n + 1 WHERE id = 1; UPDATE hot SET note = E'x''\\n' || n WHERE id = 2");
                s.execute("UPDATE hot SET note = 'last ' || n WHERE id = 1");
            }
            s.execute("INSERT INTO hot VALUES (100, 0, 'short-lived'); UPDATE hot SET n = 5 WHERE id = 100");
            s.execute("DELETE FROM hot WHERE id = 100");
            s.execute("DELETE FROM hot WHERE id = 3");
            s.execute("INSERT INTO hot VALUES (3, -3, 'again')");
            s.execute("UPDATE hot SET id = 1004 WHERE id = 4");
            s.execute("UPDATE hot SET n = 44 WHERE id = 1004");
            s.execute("UPDATE hot SET note = NULL WHERE id = 5");
            long to = server.flushWal();
            Map<String, List<String>> after = SqlScripts.contents(c, List.of("hot", "trail"));
            String[] range = {"--wal-dir", server.walDir().toString(), "--catalog", catalog.toString(),
                "--from-lsn", PgbenchRoundTripIT.lsn(from), "--to-lsn", PgbenchRoundTripIT.lsn(to)};
            Path undo = mine(range, "undo.sql", "--undo");
            Path perChange = mine(range, "undo-per-change.sql", "--undo", "--undo-per-change");
            Path skip = mine(range, "undo-skip.sql", "--undo", "--undo-conflicts=skip");
            Path redo = mine(range, "redo.sql");

            List<String> lines = Files.readAllLines(undo);
            long statements = lines.stream().filter(l -> l.startsWith("EXECUTE ")).count();
            long hotFolds = lines.stream().filter(l -> l.startsWith("EXECUTE ") && l.contains(", 'id=1', '")).count();
            // more rows than the window between its first and its last change: two folds
            assertEquals(2, hotFolds, "the hot row: a statement per window of rows, not one per change");
            assertEquals(2, lines.stream().filter(l -> l.contains(" changes of row 'id=1' of public.hot folded into one")).count());
            assertEquals(HOT_CHANGES - 200 + 7, statements, "one statement per row of trail, and 7 for hot");
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("-- xlogminer: 3 changes of row 'id=100' of public.hot "
                + "folded into one, inserted and deleted: nothing to undo (LSN ")), "inserted, updated, deleted");
            assertEquals(2 * HOT_CHANGES - 200 + 100 + 8, Files.readAllLines(perChange).stream()
                .filter(l -> l.startsWith("EXECUTE ")).count(), "a statement per change");

            // 1. nothing changed since: the earlier contents, by the folded script and by the script per change
            long t0 = System.nanoTime();
            psql(server, undo).requireSuccess();
            long folded = System.nanoTime() - t0;
            assertEquals(earlier, SqlScripts.contents(c, List.of("hot", "trail")), "folded UNDO gives back the earlier contents");
            psql(server, redo).requireSuccess();
            assertEquals(after, SqlScripts.contents(c, List.of("hot", "trail")), "the changes again");
            t0 = System.nanoTime();
            psql(server, perChange).requireSuccess();
            long each = System.nanoTime() - t0;
            assertEquals(earlier, SqlScripts.contents(c, List.of("hot", "trail")), "UNDO per change gives back the earlier contents");
            System.out.printf("PostgreSQL %d: folded UNDO applied in %d ms, per change in %d ms%n", major,
                folded / 1_000_000, each / 1_000_000);

            // 2. the hot row changed after the range: a conflict, named by the LSN of its last change
            psql(server, redo).requireSuccess();
            s.execute("UPDATE hot SET n = n + 1 WHERE id = 1");
            Map<String, List<String>> now = SqlScripts.contents(c, List.of("hot", "trail"));
            ProcessResult stop = psql(server, undo);
            GuardedUndoIT.assertStoppedAt(stop, undo, "public.hot", "id=1");
            assertEquals(now, SqlScripts.contents(c, List.of("hot", "trail")), "stopped: nothing applied");

            // 3. skipping it: every other row back as it was, the hot row as it is now
            ProcessResult skipped = psql(server, skip).requireSuccess();
            // both folds of the hot row: the older one's guard is the row as its own last change left it
            assertTrue(skipped.stderr().contains("NOTICE:  xlogminer: 2 rows skipped"), skipped.stderr());
            s.execute("UPDATE hot_earlier SET n = h.n, note = h.note FROM hot h WHERE hot_earlier.id = 1 AND h.id = 1");
            assertEquals(SqlScripts.contents(c, List.of("hot_earlier")).get("hot_earlier"),
                SqlScripts.contents(c, List.of("hot")).get("hot"), "every other row restored, the hot row as it is now");
            assertEquals(List.of(), SqlScripts.contents(c, List.of("trail")).get("trail"));
        }
    }

    private Path mine(String[] range, String name, String... more) throws Exception {
        String[] args = java.util.Arrays.copyOf(range, range.length + more.length);
        System.arraycopy(more, 0, args, range.length, more.length);
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run.toString());
        assertFalse(run.stdout().contains("xlogminer_unrecoverable"), "every old row recovered: " + name);
        Path out = Path.of("target", "folded-undo");
        Files.createDirectories(out);
        Files.writeString(out.resolve(name), run.stdout());
        return Files.writeString(tmp.resolve(name), run.stdout());
    }

    private static ProcessResult psql(PgServer server, Path script) {
        return server.runTool(PgBinaries.debian15Tool("psql"), "-X", "-v", "ON_ERROR_STOP=1", "-1", "-f", script.toString());
    }
}
