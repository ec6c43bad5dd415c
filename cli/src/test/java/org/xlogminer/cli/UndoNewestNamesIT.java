package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xlogminer.SqlScripts;
import org.xlogminer.testkit.PgBinaries;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.Lsn;

/**
 * UNDO is applied to the database as it is now: after the changes, a table is renamed, a column
 * renamed, another dropped, and a table dropped. UNDO must name the tables and columns as they are
 * now (REDO and JSON as they were at the change), leave a dropped column out, and mark the
 * statements of the dropped table unrecoverable; applied (without the dropped table's statements,
 * which fail as they must), it gives back the earlier contents of every column that still exists.
 * With the snapshot taken before the changes (the run is mined again once the renames are seen) and
 * after them (walked back first, the newest names known from the start).
 */
class UndoNewestNamesIT {

    @TempDir
    Path tmp;

    /** The contents compared: the earlier contents of the columns that exist at the end, by their names then. */
    static final List<String> BEFORE = List.of("(SELECT id, v, w FROM a)", "(SELECT id, w FROM b)");
    static final List<String> NOW = List.of("(SELECT id, label, w FROM a2)", "(SELECT id, w FROM b)");

    @ParameterizedTest(name = "PostgreSQL {0}, wal_level={1}, snapshot {2} the changes")
    @CsvSource({"15, replica, before", "15, replica, after", "17, logical, before"})
    void undoNamesTablesAndColumnsAsTheyAreNow(int major, String walLevel, String when) throws Exception {
        try (PgServer server = PgServer.builder(major).walLevel(walLevel).autovacuum(false).start();
             Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE a (id int PRIMARY KEY, v text, w int)");
            s.execute("INSERT INTO a SELECT g, 'v' || g, g FROM generate_series(1, 10) g");
            s.execute("CREATE TABLE b (id int PRIMARY KEY, x text, w int)");
            s.execute("INSERT INTO b SELECT g, 'x' || g, g FROM generate_series(1, 10) g");
            s.execute("CREATE TABLE doomed (id int PRIMARY KEY, z text)");
            s.execute("INSERT INTO doomed SELECT g, 'z' || g FROM generate_series(1, 3) g");
            s.execute("CHECKPOINT");
            Path catalog = tmp.resolve("catalog.json");
            if (when.equals("before")) {
                CliRun.captureCatalog(server, catalog);
            }
            long from = server.currentWalInsertLsn();
            Map<String, List<String>> before = SqlScripts.contents(c, BEFORE);
            s.execute("UPDATE a SET v = v || '!', w = w + 100 WHERE id <= 3");
            s.execute("DELETE FROM a WHERE id = 4");
            s.execute("INSERT INTO a VALUES (11, 'new', 11)");
            s.execute("UPDATE b SET x = 'changed', w = -w WHERE id <= 2");
            s.execute("UPDATE b SET x = 'only x' WHERE id = 3"); // only the column dropped later
            s.execute("DELETE FROM b WHERE id = 5");
            s.execute("UPDATE doomed SET z = 'zz' WHERE id = 1");
            s.execute("ALTER TABLE a RENAME TO a2");
            s.execute("ALTER TABLE a2 RENAME COLUMN v TO label");
            s.execute("ALTER TABLE b DROP COLUMN x");
            s.execute("DROP TABLE doomed");
            long to = server.flushWal();
            if (when.equals("after")) {
                CliRun.captureCatalog(server, catalog);
                to = server.flushWal();
            }
            String[] range = {"--wal-dir", server.walDir().toString(), "--catalog", catalog.toString(),
                "--from-lsn", Lsn.format(from), "--to-lsn", Lsn.format(to)};
            CliRun undo = CliRun.of(CliRun.concat(range, "--undo"));
            assertEquals(0, undo.exitCode(), undo.toString());
            String sql = undo.stdout();
            assertEquals(when.equals("before"), undo.stderr().contains("mining again"), undo.stderr());
            assertTrue(sql.contains("public.a2") && sql.contains("label") && !sql.contains("public.a ")
                && !sql.contains("\"v\"") && !sql.contains(" v ="), "UNDO names a2 and label:\n" + sql);
            assertTrue(sql.contains("column x of public.b was dropped at"), sql);
            assertTrue(sql.contains("its earlier value cannot be set back"), sql);
            assertTrue(sql.contains("cannot undo the UPDATE") && sql.contains("table public.doomed was dropped at"),
                sql);
            assertTrue(sql.contains("column x of public.b was dropped at") && sql.contains("changed nothing else"), sql);

            CliRun redo = CliRun.of(range);
            assertTrue(redo.stdout().contains("UPDATE public.a SET") && redo.stdout().contains("UPDATE public.doomed SET")
                && redo.stdout().contains("x = 'changed'"), "REDO names them as at the change:\n" + redo.stdout());
            if (when.equals("after")) { // the walk back read the schema changes: stats lists them
                CliRun stats = CliRun.of(CliRun.concat(new String[] {"stats"}, range));
                assertTrue(stats.stdout().contains("# schema changes") && stats.stdout().contains(
                    "table_renamed          public.a2: table renamed from public.a"), stats.stdout());
            }
            CliRun json = CliRun.of(CliRun.concat(range, "--format", "json", "--op", "update"));
            assertTrue(json.stdout().contains("\"table\":\"a\"") && json.stdout().contains("\"v\":\"v1!\""), json.stdout());

            // the statements of the dropped table and of the dropped column alone fail, as they must
            StringBuilder applicable = new StringBuilder();
            for (String line : sql.split("\n")) {
                applicable.append(line.contains("xlogminer_unrecoverable(") ? "-- " + line : line).append('\n');
            }
            Path file = tmp.resolve("undo.sql");
            Files.writeString(file, applicable);
            server.runTool(PgBinaries.debian15Tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", file.toString())
                .requireSuccess(); // Debian's 15: the other majors' binaries have none
            String diff = SqlScripts.difference(before, rename(SqlScripts.contents(c, NOW)));
            assertTrue(diff == null, "UNDO gives back the earlier contents: " + diff + "\n" + sql);
        }
    }

    /** The contents now under the keys of the earlier ones (same order of tables). */
    private static Map<String, List<String>> rename(Map<String, List<String>> now) {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        for (int i = 0; i < NOW.size(); i++) {
            out.put(BEFORE.get(i), now.get(NOW.get(i)));
        }
        return out;
    }
}
