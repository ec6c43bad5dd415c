package org.xlogminer.types;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xlogminer.testkit.PgServer;

/**
 * The contrib types citext, hstore (installed in a schema of its own, as extensions may be) and
 * ltree, checked like {@link ValueFormatIT} checks built-in types: xlogminer's text equals the
 * server's output text, and the literal reads back as the same value. An extension a server does not
 * ship is skipped with an assumption (the Debian 15 package and the zonky 13-18 binaries ship all
 * three).
 */
class ContribTypesIT {

    static java.util.stream.IntStream majors() {
        return ValueFormatIT.majors();
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("majors")
    void contribTypesReadBackAsTheServerPrintsThem(int major) throws Exception {
        try (PgServer server = PgServer.builder(major).start(); Connection c = server.connect()) {
            for (String s : List.of("SET TimeZone = 'UTC'", "SET standard_conforming_strings = on",
                    "CREATE EXTENSION IF NOT EXISTS pageinspect", "CREATE SCHEMA ext")) {
                exec(c, s);
            }
            Map<String, List<String>> tables = new LinkedHashMap<>();
            if (available(c, "citext")) {
                exec(c, "CREATE EXTENSION citext");
                tables.put("citext", List.of("'Hello'", "''", "'it''s'", "'ÄÖ é'", "' x '"));
                tables.put("citext[]", List.of("ARRAY['A'::citext, NULL, 'b c']"));
            }
            if (available(c, "hstore")) {
                exec(c, "CREATE EXTENSION hstore SCHEMA ext");
                tables.put("ext.hstore", List.of("''", "'a=>1'", "'a=>1, b=>NULL, \"c d\"=>\"x y\"'",
                        "$$\"q\\\"uote\"=>\"back\\\\slash\", \"null\"=>\"NULL\"$$", "'\"empty\"=>\"\"'",
                        "ext.hstore(ARRAY['k1','k2','k3'], ARRAY['v1', NULL, 'é😀'])",
                        "(SELECT ext.hstore(array_agg('k' || g), array_agg(CASE WHEN g % 5 = 0 THEN NULL "
                                + "ELSE repeat('v', g) END)) FROM generate_series(1, 40) g)", "'\"\"=>x'"));
                tables.put("ext.hstore[]", List.of("ARRAY['a=>1'::ext.hstore, NULL, '']"));
            }
            if (available(c, "ltree")) {
                exec(c, "CREATE EXTENSION ltree");
                List<String> trees = new ArrayList<>(List.of("''", "'a'", "'Top.Science.Astronomy'",
                        "'a.b.c.d.e.f.g'", "'a_b.c1.D9'", "repeat('x', 100)::ltree", "'a.bb.ccc.dddd.eeeee.ffffff.ggggggg'"));
                if (major >= 16) {
                    trees.add("'a-b.c'");
                }
                tables.put("ltree", trees);
                tables.put("ltree[]", List.of("ARRAY['a.b'::ltree, '', NULL]"));
            }
            assumeTrue(!tables.isEmpty(), "none of citext, hstore, ltree is available on PostgreSQL " + major);
            List<String> failures = new ArrayList<>();
            int n = 0;
            for (Map.Entry<String, List<String>> e : tables.entrySet()) {
                String table = "x_" + (n++);
                exec(c, "CREATE TABLE " + table + " (id int, f bool, v " + e.getKey() + ", w " + e.getKey() + ")");
                List<String> vals = e.getValue();
                StringBuilder ins = new StringBuilder("INSERT INTO " + table + " VALUES ");
                for (int i = 0; i < vals.size(); i++) {
                    ins.append(i == 0 ? "" : ", ").append('(').append(i).append(", ").append(i % 2 == 0)
                            .append(", ").append(vals.get(i)).append(", ").append(vals.get((i + 1) % vals.size())).append(')');
                }
                exec(c, ins.toString());
                ValueFormatIT.verifyTable(c, table, major, failures);
            }
            System.err.printf("PostgreSQL %d: contrib types checked: %s%n", major, tables.keySet());
            if (!failures.isEmpty()) {
                fail("PostgreSQL " + major + ": " + failures.size() + " mismatches:\n" + String.join("\n", failures));
            }
        }
    }

    private static boolean available(Connection c, String extension) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_available_extensions WHERE name = '" + extension + "'")) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
