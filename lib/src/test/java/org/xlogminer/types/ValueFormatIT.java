package org.xlogminer.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.sql.SqlText;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.tuple.DatumDecompressor;
import org.xlogminer.tuple.DeformedTuple;
import org.xlogminer.tuple.HeapTupleDeformer;
import org.xlogminer.tuple.Varlena;
import org.xlogminer.tuple.VarlenaKind;

/**
 * The server is the oracle: values of every supported type are stored in real tables, read back raw
 * with pageinspect (bitmap + padding + data, as WAL logs them), deformed and formatted by xlogminer,
 * and compared with the server's own output text ({@code format('%s', col)}, i.e. the type's output
 * function) byte for byte; every SQL literal must read back as the same value
 * ({@code IS NOT DISTINCT FROM} where the type has equality, and {@code ::text} equality always,
 * which also catches -0 and numeric scale).
 *
 * <p>Runs on PostgreSQL 13 to 18 (override with {@code -Dxlogminer.it.majors=15,17}).
 */
class ValueFormatIT {

    static IntStream majors() {
        String p = System.getProperty("xlogminer.it.majors");
        if (p != null && !p.isBlank()) {
            return java.util.Arrays.stream(p.split(",")).mapToInt(s -> Integer.parseInt(s.trim()));
        }
        return IntStream.rangeClosed(13, 18);
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("majors")
    void everyTypeReadsBackAsTheServerPrintsIt(int major) throws Exception {
        try (PgServer server = PgServer.builder(major).start(); Connection c = server.connect()) {
            prepare(c);
            for (String ddl : TypeCases.setup(major)) {
                exec(c, ddl);
            }
            List<String> failures = new ArrayList<>();
            Stats total = new Stats();
            for (TypeCases.Case k : TypeCases.cases(major)) {
                String table = "t_" + k.name();
                exec(c, "CREATE TABLE " + table + " (id int, f bool, v " + k.type() + ", s smallint, w " + k.type() + ")");
                List<String> vals = k.values();
                StringBuilder ins = new StringBuilder("INSERT INTO " + table + " VALUES ");
                for (int i = 0; i < vals.size(); i++) {
                    ins.append(i == 0 ? "" : ", ").append('(').append(i).append(", ").append(i % 2 == 0).append(", ")
                            .append(vals.get(i)).append(", ").append(i).append(", ")
                            .append(vals.get((i + 1) % vals.size())).append(')');
                }
                ins.append(", (-1, NULL, NULL, NULL, ").append(vals.get(0)).append(")");
                exec(c, ins.toString());
                total.add(verifyTable(c, table, major, failures));
            }
            total.add(verifyEvolvedTable(c, major, failures));
            System.err.printf("PostgreSQL %d: %d values, %d literals checked against the server%n",
                    major, total.values, total.literals);
            if (!failures.isEmpty()) {
                fail("PostgreSQL " + major + ": " + failures.size() + " mismatches:\n" + String.join("\n", failures));
            }
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("majors")
    void randomValuesReadBackAsTheServerPrintsThem(int major) throws Exception {
        try (PgServer server = PgServer.builder(major).start(); Connection c = server.connect()) {
            prepare(c);
            exec(c, "CREATE TYPE comp AS (a int, b text, c numeric, d timestamptz, e int[])");
            RandomValues rv = new RandomValues(4242 + major, major);
            Map<String, List<String>> tables = new java.util.LinkedHashMap<>();
            tables.put("double precision", rv.float8(1500));
            tables.put("real", rv.float4(1500));
            tables.put("numeric", rv.numeric(1500));
            tables.put("timestamp", rv.timestamps(800, false));
            tables.put("timestamptz", rv.timestamps(800, true));
            tables.put("date", rv.dates(800));
            tables.put("interval", rv.intervals(800));
            tables.put("text", rv.texts(500));
            tables.put("text[]", rv.textArrays(500));
            tables.put("comp", rv.composites(300));
            tables.put("jsonb", rv.jsonb(400));
            List<String> failures = new ArrayList<>();
            Stats total = new Stats();
            int n = 0;
            for (Map.Entry<String, List<String>> e : tables.entrySet()) {
                String table = "r_" + (n++);
                exec(c, "CREATE TABLE " + table + " (id int, v " + e.getKey() + ")");
                if (List.of("numeric", "text", "text[]", "comp", "jsonb").contains(e.getKey())) {
                    exec(c, "ALTER TABLE " + table + " ALTER v SET STORAGE MAIN"); // inline, compressed if big
                }
                List<String> vals = e.getValue();
                for (int from = 0; from < vals.size(); from += 200) {
                    StringBuilder ins = new StringBuilder("INSERT INTO " + table + " VALUES ");
                    for (int i = from; i < Math.min(vals.size(), from + 200); i++) {
                        ins.append(i == from ? "" : ", ").append('(').append(i).append(", ").append(vals.get(i)).append(')');
                    }
                    exec(c, ins.toString());
                }
                total.add(verifyTable(c, table, major, failures));
            }
            System.err.printf("PostgreSQL %d: %d random values, %d literals checked against the server%n",
                    major, total.values, total.literals);
            if (!failures.isEmpty()) {
                fail("PostgreSQL " + major + ": " + failures.size() + " mismatches:\n"
                        + String.join("\n", failures.subList(0, Math.min(60, failures.size()))));
            }
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("majors")
    void compressedInlineValuesDecompress(int major) throws Exception {
        try (PgServer server = PgServer.builder(major).start(); Connection c = server.connect()) {
            prepare(c);
            exec(c, "CREATE TABLE t_comp (id int, v text, j jsonb, a int[], n numeric)");
            exec(c, "ALTER TABLE t_comp ALTER v SET STORAGE MAIN, ALTER j SET STORAGE MAIN, "
                    + "ALTER a SET STORAGE MAIN, ALTER n SET STORAGE MAIN");
            List<String> methods = new ArrayList<>(List.of("pglz"));
            if (major >= 14 && "t".equals(query(c, "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                    + "WHERE name = 'default_toast_compression'"))) {
                methods.add("lz4");
            }
            int id = 0;
            for (String m : methods) {
                if (major >= 14) {
                    exec(c, "SET default_toast_compression = '" + m + "'");
                }
                for (int r = 0; r < 3; r++) {
                    id++;
                    exec(c, "INSERT INTO t_comp VALUES (" + id + ", repeat('compressible " + m + " text é ', 300) || "
                            + id + ", (SELECT jsonb_agg(jsonb_build_object('k', g % 7, 'v', 'same')) "
                            + "FROM generate_series(1, 150) g), (SELECT array_agg(g % 3) FROM generate_series(1, 1500) g), "
                            + "('1' || repeat('0', 3000))::numeric)");
                }
                id++;
                exec(c, "INSERT INTO t_comp (id, n) VALUES (" + id + ", repeat('1234', 2000)::numeric)");
            }
            List<String> failures = new ArrayList<>();
            Stats s = verifyTable(c, "t_comp", major, failures);
            assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
            assertTrue(s.compressed[0] >= 10, "pglz-compressed values seen: " + s.compressed[0]);
            if (methods.contains("lz4")) {
                assertTrue(s.compressed[1] >= 10, "lz4-compressed values seen: " + s.compressed[1]);
            }
            System.err.printf("PostgreSQL %d: compressed values checked: pglz %d, lz4 %d%n", major,
                    s.compressed[0], s.compressed[1]);
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("majors")
    void undecodableTypesFailLoudly(int major) throws Exception {
        try (PgServer server = PgServer.builder(major).start(); Connection c = server.connect()) {
            prepare(c);
            // a base type of its own, with no formatter: text's I/O functions under another name
            exec(c, "CREATE TYPE opaque_t");
            exec(c, "CREATE FUNCTION opaque_t_in(cstring) RETURNS opaque_t AS 'textin' LANGUAGE internal IMMUTABLE STRICT");
            exec(c, "CREATE FUNCTION opaque_t_out(opaque_t) RETURNS cstring AS 'textout' LANGUAGE internal IMMUTABLE STRICT");
            exec(c, "CREATE TYPE opaque_t (INPUT = opaque_t_in, OUTPUT = opaque_t_out, INTERNALLENGTH = VARIABLE)");
            exec(c, "CREATE DOMAIN opaque_d AS opaque_t");
            String cols = "id int, o opaque_t, a opaque_t[], d opaque_d";
            String vals = "1, 'abc', ARRAY['x'::opaque_t], 'it''s'";
            exec(c, "CREATE TABLE t_undecodable (" + cols + ")");
            exec(c, "INSERT INTO t_undecodable VALUES (" + vals + ")");
            TestCatalog cat = TestCatalog.of(c, "t_undecodable");
            FormatWarnings warnings = new FormatWarnings();
            ValueFormatters vf = new ValueFormatters(cat.types, major, warnings);
            HeapTupleDeformer d = HeapTupleDeformer.forTable(cat.table);
            PageTuples.RawTuple raw = PageTuples.read(c, "t_undecodable").get(0);
            ByteBuffer bb = ByteBuffer.wrap(raw.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            DeformedTuple t = d.deform(bb, 0, raw.bytes().length, raw.infomask2(), raw.infomask(), raw.hoff());
            int undecodable = 0;
            for (ColumnInfo col : cat.table.columns()) {
                if (col.attnum() == 1) {
                    continue;
                }
                ValueFormatter f = vf.forColumn(col);
                assertFalse(f.isDecodable(), col.name());
                undecodable++;
                StringBuilder text = new StringBuilder();
                StringBuilder lit = new StringBuilder();
                assertTrue(TupleValues.appendText(f, text, t, col.attnum() - 1, new DatumDecompressor()));
                TupleValues.appendSqlLiteral(f, lit, t, col.attnum() - 1, new DatumDecompressor());
                assertTrue(text.toString().startsWith("<undecodable "), text::toString);
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT " + lit);
                    fail("the literal of an undecodable value must not execute: " + lit);
                } catch (SQLException e) {
                    assertTrue(e.getMessage().contains("xlogminer_undecodable"), e.getMessage());
                }
            }
            assertEquals(undecodable, warnings.messages().size(), warnings::toString);
        }
    }

    // ------------------------------------------------------------------------------------------- helpers

    static final class Stats {
        int values;
        int literals;
        int missing;
        final int[] compressed = new int[2];

        void add(Stats o) {
            values += o.values;
            literals += o.literals;
            missing += o.missing;
            compressed[0] += o.compressed[0];
            compressed[1] += o.compressed[1];
        }
    }

    private static void prepare(Connection c) throws SQLException {
        exec(c, "SET TimeZone = 'UTC'");
        exec(c, "SET DateStyle = 'ISO, MDY'");
        exec(c, "SET IntervalStyle = 'postgres'");
        exec(c, "SET extra_float_digits = 1");
        exec(c, "SET bytea_output = 'hex'");
        exec(c, "SET lc_monetary = 'C'");
        exec(c, "SET standard_conforming_strings = on");
        exec(c, "CREATE EXTENSION IF NOT EXISTS pageinspect");
    }

    /** Rows before and after DROP COLUMN / ADD COLUMN: dropped bytes skipped, missing values filled. */
    private static Stats verifyEvolvedTable(Connection c, int major, List<String> failures) throws SQLException {
        exec(c, "CREATE TABLE t_evolve (a int, b text, c float8, d int, g numeric)");
        exec(c, "INSERT INTO t_evolve VALUES (1, 'x', 1.5, 10, 1.25), (2, NULL, NULL, NULL, NULL), "
                + "(3, repeat('y', 300), -0.5, 30, -7)");
        exec(c, "ALTER TABLE t_evolve DROP COLUMN b");
        exec(c, "ALTER TABLE t_evolve ADD COLUMN e text DEFAULT 'it''s a default'");
        exec(c, "ALTER TABLE t_evolve ADD COLUMN f int");
        exec(c, "ALTER TABLE t_evolve ADD COLUMN h numeric DEFAULT 2.50");
        exec(c, "INSERT INTO t_evolve VALUES (4, 2.5, 40, 9.9, 'new', 7, 3), (5, NULL, NULL, NULL, NULL, NULL, NULL)");
        Stats s = verifyTable(c, "t_evolve", major, failures);
        if (s.missing < 6) {
            failures.add("t_evolve: expected old rows with missing attributes, saw " + s.missing);
        }
        // composite values written before ALTER TYPE: a dropped attribute still stored, a new one missing
        exec(c, "CREATE TYPE evo AS (a int, b text, c float8)");
        exec(c, "CREATE TABLE t_evo_comp (id int, v evo, w evo[])");
        exec(c, "INSERT INTO t_evo_comp VALUES (1, ROW(1, 'gone', 0.5), ARRAY[ROW(2, 'x', -0)::evo, NULL])");
        exec(c, "ALTER TYPE evo DROP ATTRIBUTE b CASCADE");
        exec(c, "ALTER TYPE evo ADD ATTRIBUTE d text CASCADE");
        exec(c, "INSERT INTO t_evo_comp VALUES (2, ROW(3, 1e-7, 'new'), ARRAY[ROW(4, NULL, 'y')::evo])");
        s.add(verifyTable(c, "t_evo_comp", major, failures));
        return s;
    }

    /**
     * Formats every column of every live tuple of the table and compares with the server; literals must
     * read back. Adds one line per mismatch to failures.
     */
    static Stats verifyTable(Connection c, String table, int major, List<String> failures) throws SQLException {
        TestCatalog cat = TestCatalog.of(c, table);
        FormatWarnings warnings = new FormatWarnings();
        ValueFormatters vf = new ValueFormatters(cat.types, cat.names, major, warnings);
        HeapTupleDeformer deformer = HeapTupleDeformer.forTable(cat.table);
        DatumDecompressor decompressor = new DatumDecompressor();
        List<ColumnInfo> cols = new ArrayList<>();
        for (ColumnInfo col : cat.table.columns()) {
            if (!col.dropped()) {
                cols.add(col);
            }
        }
        ValueFormatter[] formatters = new ValueFormatter[cols.size()];
        boolean[] hasEquality = new boolean[cols.size()];
        StringBuilder select = new StringBuilder("SELECT ctid::text");
        for (int i = 0; i < cols.size(); i++) {
            String q = SqlText.quoteIdentifier(cols.get(i).name());
            formatters[i] = vf.forColumn(cols.get(i));
            if (!formatters[i].isDecodable()) {
                failures.add(table + "." + cols.get(i).name() + ": undecodable " + warnings);
            }
            hasEquality[i] = probeEquality(c, table, q);
            select.append(", CASE WHEN (").append(q).append(")::text IS NULL THEN NULL ELSE format('%s', ")
                    .append(q).append(") END");
        }
        Map<String, String[]> server = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(select + " FROM " + table)) {
            while (rs.next()) {
                String[] v = new String[cols.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = rs.getString(i + 2);
                }
                server.put(rs.getString(1), v);
            }
        }
        Stats stats = new Stats();
        List<PageTuples.RawTuple> tuples = PageTuples.read(c, table);
        if (tuples.size() != server.size()) {
            failures.add(table + ": pageinspect shows " + tuples.size() + " tuples, SELECT " + server.size());
        }
        for (PageTuples.RawTuple raw : tuples) {
            ByteBuffer bb = ByteBuffer.wrap(raw.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            DeformedTuple t = deformer.deform(bb, 0, raw.bytes().length, raw.infomask2(), raw.infomask(), raw.hoff());
            String[] expected = server.get(raw.ctid());
            if (expected == null) {
                failures.add(table + " " + raw.ctid() + ": no such row in SELECT");
                continue;
            }
            StringBuilder checks = new StringBuilder();
            List<String> literals = new ArrayList<>();
            for (int i = 0; i < cols.size(); i++) {
                ColumnInfo col = cols.get(i);
                int index = col.attnum() - 1;
                String where = table + "." + col.name() + " " + raw.ctid();
                String ours;
                String literal = null;
                switch (t.state(index)) {
                    case NULL:
                        ours = null;
                        break;
                    case MISSING:
                        stats.missing++;
                        ours = col.hasMissing() ? col.missingValue() : null;
                        if (ours != null) {
                            StringBuilder l = new StringBuilder();
                            formatters[i].appendSqlLiteralOfText(l, ours);
                            literal = l.toString();
                        }
                        break;
                    case PRESENT: {
                        if (col.len() == -1) {
                            VarlenaKind kind = Varlena.kind(bb, t.offset(index));
                            if (kind == VarlenaKind.COMPRESSED) {
                                stats.compressed[Varlena.compressedMethod(bb, t.offset(index))]++;
                            } else if (kind != VarlenaKind.SHORT && kind != VarlenaKind.PLAIN) {
                                failures.add(where + ": stored " + kind + ", keep test values inline");
                                continue;
                            }
                        }
                        StringBuilder sb = new StringBuilder();
                        TupleValues.appendText(formatters[i], sb, t, index, decompressor);
                        ours = sb.toString();
                        StringBuilder l = new StringBuilder();
                        TupleValues.appendSqlLiteral(formatters[i], l, t, index, decompressor);
                        literal = l.toString();
                        StringBuilder fromText = new StringBuilder();
                        if (formatters[i].appendSqlLiteralOfItsText(fromText, ours) && !fromText.toString().equals(literal)) {
                            failures.add(where + ": literal from the text " + show(fromText.toString()) + " but from the bytes "
                                + show(literal));
                        }
                        if (formatters[i].literalIsItsText() && !ours.equals(literal)) {
                            failures.add(where + ": literal said to be the text " + show(ours) + " but from the bytes "
                                + show(literal));
                        }
                        break;
                    }
                    default:
                        failures.add(where + ": unexpected state " + t.state(index));
                        continue;
                }
                stats.values++;
                if (major < 15 && col.typeOid() == 18 && ours != null && ours.startsWith("\\")) {
                    // 13, 14 send a high-bit "char" as a raw non-UTF-8 byte; xlogminer prints \ooo
                    expected[i] = ours;
                }
                if (!java.util.Objects.equals(ours, expected[i])) {
                    failures.add(where + ": server " + show(expected[i]) + " xlogminer " + show(ours));
                }
                if (literal != null) {
                    String q = SqlText.quoteIdentifier(col.name());
                    if (hasEquality[i]) {
                        checks.append(checks.length() == 0 ? "" : ", ").append("(").append(literal)
                                .append(") IS NOT DISTINCT FROM ").append(q);
                        literals.add(col.name() + " = " + literal);
                    }
                    checks.append(checks.length() == 0 ? "" : ", ").append("(").append(literal)
                            .append(")::text IS NOT DISTINCT FROM (").append(q).append(")::text");
                    literals.add(col.name() + " ::text " + literal);
                }
            }
            if (checks.length() == 0) {
                continue;
            }
            String sql = "SELECT " + checks + " FROM " + table + " WHERE ctid = '" + raw.ctid() + "'";
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                for (int k = 0; k < literals.size(); k++) {
                    stats.literals++;
                    if (!rs.getBoolean(k + 1)) {
                        failures.add(table + " " + raw.ctid() + ": literal does not read back: " + literals.get(k));
                    }
                }
            } catch (SQLException e) {
                failures.add(table + " " + raw.ctid() + ": literals fail: " + e.getMessage().split("\n")[0]
                        + " in " + literals);
            }
        }
        return stats;
    }

    private static boolean probeEquality(Connection c, String table, String col) {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + col + " IS NOT DISTINCT FROM " + col + " FROM " + table)) {
            while (rs.next()) {
                rs.getBoolean(1);
            }
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static String show(String s) {
        if (s == null) {
            return "NULL";
        }
        String shown = s.length() > 300 ? s.substring(0, 300) + "...(" + s.length() + " chars)" : s;
        return "[" + shown.replace("\n", "\\n") + "]";
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
