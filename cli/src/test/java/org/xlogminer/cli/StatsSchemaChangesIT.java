package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.Lsn;

/**
 * {@code stats} decodes no values, yet names every row change under the catalog as of its LSN, as
 * {@code mine} does: rows written after a TRUNCATE, a VACUUM FULL and an ALTER COLUMN TYPE (new
 * relfilenodes), into a table created in the range, and into one dropped in it. With the snapshot
 * taken before the range (the catalog followed forward) and after it (walked back first). The
 * per-table counts must equal the statements' own row counts and those of {@code mine --format json},
 * nothing may be counted under a relation the catalog does not know, the rows a rewrite copies must
 * not count, and the schema changes are listed as mine shows them.
 */
class StatsSchemaChangesIT {

    @TempDir
    Path tmp;

    private static final Pattern PER_TABLE = Pattern.compile(
        "^(public\\.\\w+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s", Pattern.MULTILINE);
    private static final Pattern JSON_CHANGE = Pattern.compile(
        "^\\{\"op\":\"(insert|update|delete|truncate)\",\"schema\":\"(\\w+)\",\"table\":\"(\\w+)\"", Pattern.MULTILINE);
    private static final Pattern JSON_DDL = Pattern.compile(
        "^\\{\"op\":\"ddl\",\"schema\":\"(\\w+)\",\"table\":\"(\\w+)\",\"kind\":\"(\\w+)\"", Pattern.MULTILINE);
    private static final Pattern STATS_DDL = Pattern.compile(
        "^\\d+\\s+\\S+\\s+(\\w+)\\s+(\\w+\\.\\w+): ", Pattern.MULTILINE);

    /** Per table: inserts, updates, deletes, truncates, as the statements reported them. */
    private final Map<String, long[]> truth = new TreeMap<>();

    @ParameterizedTest(name = "PostgreSQL {0}, wal_level={1}, snapshot {2} the range")
    @CsvSource({"15, replica, before", "15, replica, after"})
    void statsCountsEachRowUnderItsTableAcrossSchemaChanges(int major, String walLevel, String when) throws Exception {
        try (PgServer server = PgServer.builder(major).walLevel(walLevel).autovacuum(false).start();
             Connection c = server.connect(); Statement s = c.createStatement()) {
            for (String t : new String[] {"trunc", "vacfull", "retyped", "doomed"}) {
                s.execute("CREATE TABLE " + t + " (id int PRIMARY KEY, v int, w text)");
                s.execute("INSERT INTO " + t + " SELECT g, g, 'w' || g FROM generate_series(1, 20) g");
            }
            s.execute("CHECKPOINT");
            Path catalog = tmp.resolve("catalog.json");
            if (when.equals("before")) {
                CliRun.captureCatalog(server, catalog);
            }
            long from = server.currentWalInsertLsn();
            for (String t : new String[] {"trunc", "vacfull", "retyped"}) {
                dml(s, t, 100);
            }
            dml(s, "doomed", 100);
            s.execute("TRUNCATE trunc");
            count("trunc", 3, 1);
            s.execute("VACUUM FULL vacfull");
            s.execute("ALTER TABLE retyped ALTER COLUMN v TYPE bigint"); // copies every row: none may count
            s.execute("CREATE TABLE created (id int PRIMARY KEY, v int, w text)");
            s.execute("DROP TABLE doomed");
            for (String t : new String[] {"trunc", "vacfull", "retyped", "created"}) {
                dml(s, t, 200);
            }
            long to = server.flushWal();
            if (when.equals("after")) {
                CliRun.captureCatalog(server, catalog);
                to = server.flushWal();
            }
            String[] range = {"--wal-dir", server.walDir().toString(), "--catalog", catalog.toString(),
                "--from-lsn", Lsn.format(from), "--to-lsn", Lsn.format(to)};

            CliRun stats = CliRun.of(CliRun.concat(new String[] {"stats", "--top", "0"}, range));
            assertEquals(0, stats.exitCode(), stats.toString());
            CliRun json = CliRun.of(CliRun.concat(range, "--format", "json"));
            assertEquals(0, json.exitCode(), json.toString());

            Map<String, String> expected = new TreeMap<>();
            truth.forEach((t, n) -> expected.put(t, n[0] + " " + n[1] + " " + n[2] + " " + n[3]));
            assertEquals(expected, statsCounts(stats.stdout()), "stats against the statements:\n" + stats);
            assertEquals(mineCounts(json.stdout()), statsCounts(stats.stdout()), "stats against mine:\n" + json.stdout());
            assertFalse(stats.stderr().contains("is not in the catalog"), "nothing under an unknown relation:\n" + stats);

            TreeSet<String> mineDdl = new TreeSet<>();
            Matcher m = JSON_DDL.matcher(json.stdout());
            while (m.find()) {
                mineDdl.add(m.group(3) + " " + m.group(1) + "." + m.group(2));
            }
            String out = stats.stdout();
            TreeSet<String> statsDdl = new TreeSet<>();
            int at = out.indexOf("# schema changes");
            assertTrue(at >= 0, "stats lists the schema changes:\n" + out);
            m = STATS_DDL.matcher(out.substring(at));
            while (m.find()) {
                statsDdl.add(m.group(1) + " " + m.group(2));
            }
            mineDdl.add("table_truncated public.trunc"); // mine shows it as a change, stats lists it too
            assertEquals(mineDdl, statsDdl, out);
            for (String e : new String[] {"table_created public.created", "table_dropped public.doomed",
                "table_rewritten public.vacfull", "column_type_changed public.retyped"}) {
                assertTrue(statsDdl.contains(e), e + " listed:\n" + out);
            }
        }
    }

    /** An insert of three rows, an update of two, a delete of one, counted as the server reports them. */
    private void dml(Statement s, String table, int base) throws Exception {
        long ins = s.executeUpdate("INSERT INTO " + table + " SELECT g, g, 'n' || g FROM generate_series("
            + base + ", " + (base + 2) + ") g");
        long upd = s.executeUpdate("UPDATE " + table + " SET w = w || '!' WHERE id IN (" + base + ", " + (base + 1) + ")");
        long del = s.executeUpdate("DELETE FROM " + table + " WHERE id = " + (base + 2));
        long[] n = truth.computeIfAbsent("public." + table, k -> new long[4]);
        n[0] += ins;
        n[1] += upd;
        n[2] += del;
    }

    private void count(String table, int op, long n) {
        truth.computeIfAbsent("public." + table, k -> new long[4])[op] += n;
    }

    /** The "# per table" section: table to "inserts updates deletes truncates". */
    private static Map<String, String> statsCounts(String out) {
        String section = out.substring(0, out.indexOf("# per transaction"));
        Map<String, String> counts = new TreeMap<>();
        Matcher m = PER_TABLE.matcher(section);
        while (m.find()) {
            counts.put(m.group(1), m.group(2) + " " + m.group(3) + " " + m.group(4) + " " + m.group(5));
        }
        return counts;
    }

    /** The row changes of mine's JSON lines, counted as stats does. */
    private static Map<String, String> mineCounts(String json) {
        Map<String, long[]> n = new TreeMap<>();
        Matcher m = JSON_CHANGE.matcher(json);
        while (m.find()) {
            int op = switch (m.group(1)) {
                case "insert" -> 0;
                case "update" -> 1;
                case "delete" -> 2;
                default -> 3;
            };
            n.computeIfAbsent(m.group(2) + "." + m.group(3), k -> new long[4])[op]++;
        }
        Map<String, String> counts = new TreeMap<>();
        n.forEach((t, c) -> counts.put(t, c[0] + " " + c[1] + " " + c[2] + " " + c[3]));
        return counts;
    }
}
