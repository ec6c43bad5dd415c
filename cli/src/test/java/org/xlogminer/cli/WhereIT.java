package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xlogminer.testkit.PgServer;

/**
 * {@code --where} against the server's own evaluation of the same condition: rows inserted,
 * updated (an UPDATE without WHERE, the accident) and deleted on a real server, mined with
 * {@code --where EXPR}; the keys of the changes selected must be exactly those the server's
 * {@code SELECT id ... WHERE EXPR} gives (for old./new., over a copy of the table before the
 * accident joined to the table after it). Every operator, NULLs, values that need quoting, numbers,
 * times, text, booleans. Bad expressions are usage errors that quote the part not understood.
 */
class WhereIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Conditions on the inserted rows (bare columns: the new values). */
    private static final List<String> ON_INSERTS = List.of(
        "n = 5", "n <> 5", "n != 5", "n < 5", "n <= 5", "n > 5", "n >= 5", "5 < n",
        "amount = 10.5", "amount = '10.50'", "amount > 100", "amount = 1e1", "amount < -0.001", "amount = 12345678901.99",
        "r = 0.1", "r = '0.1'", "d = 0.1", "d > 1e300", "d = 'NaN'", "d > 1000", "d < '-Infinity'", "r::numeric > 1",
        "flag", "NOT flag", "flag IS TRUE", "flag IS NOT FALSE", "flag = 't'", "flag IS NULL",
        "name = 'it''s'", "name = E'back\\\\slash'", "name = 'ünï 日本'", "name = E'\\u00fcn\\u00ef \\u65e5\\u672c'",
        "name LIKE 'it%'", "name ILIKE 'IT%'", "name NOT LIKE '%\\%%'", "name LIKE 'a!_b' ESCAPE '!'",
        "name LIKE '_n_ %'", "name > 'm'", "name <= 'b'",
        "name IN ('x', 'it''s', NULL)", "name NOT IN ('x', NULL)", "name NOT IN ('x', 'y')",
        "name IS NULL", "name IS NOT NULL", "code = 'ab'", "code LIKE 'ab%'", "code LIKE 'ab'", "code::text = 'ab'",
        "code < 'b'",
        "ts > '2026-01-01 12:00:00+02'", "ts BETWEEN '2026-01-01' AND '2026-06-01'", "ts::date = '2026-03-01'",
        "ts = 'infinity'", "ts >= '2026-03-01T10:00:00.5Z'", "t < '2026-01-01 10:00'", "day = '2026-02-03'",
        "day < ts", "t::date = day", "CAST(ts AS date) >= day", "t = '2026-03-01 10:00:00.123456'",
        "u = 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'", "u::text LIKE 'a0%'", "tags = '{a,b}'", "tags IS NULL",
        "n BETWEEN 3 AND 7", "n NOT BETWEEN 3 AND 7", "n BETWEEN 7 AND 3", "n IN (1, 2, 3)", "n NOT IN (1, 2)",
        "(n > 3 AND name IS NULL) OR NOT (amount < 50)", "n IS DISTINCT FROM 3", "n IS NOT DISTINCT FROM NULL",
        "CAST(amount AS bigint) = 11", "amount::bigint = 11", "n::numeric(5,1) = 5.0", "n::text = '5'",
        "name::text = 'x'", "amount::text = '10.50'", "n = NULL", "NOT (n = NULL)", "NOT (n > 5 OR name IS NULL)",
        "\"Mixed Case\" = 'v1'", "\"Mixed Case\" IS NULL AND n > 2");

    /** Conditions on the accident's UPDATE: old and new values. */
    private static final List<String> ON_UPDATE = List.of(
        "new.amount = 0 AND old.amount <> 0", "old.amount IS NULL", "old.amount = 0",
        "old.name IS DISTINCT FROM new.name", "old.name = new.name", "new.name LIKE '%!' AND old.n > 10",
        "old.ts < new.ts", "old.flag AND NOT new.flag", "old.n BETWEEN 2 AND 4", "new.code <> old.code");

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {14, 16})
    void selectsWhatTheServerSelects(int major) throws Exception {
        try (PgServer server = PgServer.builder(major).start(); Connection c = server.connect();
             Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            s.execute("CREATE TABLE w (id int PRIMARY KEY, n int, amount numeric(14,2), r real, d double precision, "
                + "flag boolean, name text, code char(5), ts timestamptz, t timestamp, day date, u uuid, tags text[], "
                + "\"Mixed Case\" text)");
            s.execute("CREATE TABLE other (id int PRIMARY KEY, note text)");
            // a value stored out of line before the range: its chunks are not in the WAL read
            s.execute("CREATE TABLE docs (id int PRIMARY KEY, big text, n int)");
            s.execute("INSERT INTO docs SELECT 1, string_agg(md5(g::text), ''), 0 FROM generate_series(1, 400) g");
            Path catalog = tmp.resolve("catalog.json");
            CliRun.captureCatalog(server, catalog);
            s.execute("CHECKPOINT");

            long from = server.currentWalInsertLsn();
            s.execute("INSERT INTO w SELECT g, CASE WHEN g % 7 = 0 THEN NULL ELSE g % 12 END, "
                + "CASE g % 5 WHEN 0 THEN NULL WHEN 1 THEN 0 ELSE g * 10.5 END, "
                + "CASE WHEN g % 4 = 0 THEN 0.1 ELSE g / 3.0 END, "
                + "CASE g % 9 WHEN 0 THEN 'NaN' WHEN 1 THEN 0.1 WHEN 2 THEN 1e301 WHEN 3 THEN '-Infinity' ELSE g * 100.25 END, "
                + "CASE WHEN g % 3 = 0 THEN NULL ELSE g % 2 = 0 END, "
                + "(ARRAY[E'it''s', E'back\\\\slash', 'ünï 日本', 'a_b', 'axb', 'x', 'zebra', NULL, 'b', E'50% off', 'It''s big', "
                + "'ÜNÏ up'])[g % 12 + 1], "
                + "(ARRAY['ab', 'ab c', 'b', NULL, 'abc'])[g % 5 + 1], "
                + "CASE WHEN g = 17 THEN 'infinity' WHEN g % 6 = 0 THEN NULL "
                + "ELSE timestamptz '2026-01-01 00:00:00+00' + g * interval '6 days 3 hours' END, "
                + "CASE WHEN g = 11 THEN timestamp '2026-03-01 10:00:00.123456' "
                + "ELSE timestamp '2025-12-31 22:00' + g * interval '7 hours' END, "
                + "date '2026-01-01' + g * 3, "
                + "CASE WHEN g % 4 = 1 THEN 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid ELSE md5(g::text)::uuid END, "
                + "CASE WHEN g % 5 = 0 THEN NULL ELSE ARRAY['a', CASE WHEN g % 2 = 0 THEN 'b' ELSE 'c' END] END, "
                + "CASE WHEN g % 3 = 0 THEN NULL ELSE 'v' || (g % 4) END "
                + "FROM generate_series(1, 60) g");
            s.execute("INSERT INTO w (id, amount) VALUES (61, 12345678901.99), (62, -0.005)");
            s.execute("INSERT INTO other SELECT g, 'note ' || g FROM generate_series(1, 5) g");
            s.execute("CREATE TABLE w_before AS SELECT * FROM w");
            long accident = server.currentWalInsertLsn();
            s.execute("UPDATE w SET amount = 0, name = name || '!', ts = ts + interval '1 day', "
                + "flag = NOT flag, code = 'zz'");
            s.execute("UPDATE docs SET n = 1");
            long deletes = server.currentWalInsertLsn();
            s.execute("DELETE FROM w WHERE id > 50");
            long to = server.flushWal();
            String[] base = {"--wal-dir", server.walDir().toString(), "--catalog", catalog.toString(), "--format", "json"};

            for (String expr : ON_INSERTS) {
                TreeSet<Integer> expected = ids(s, "SELECT id FROM w_before WHERE " + expr);
                assertEquals(expected, mined(base, from, accident, expr, "insert"), "--where " + expr);
            }
            for (String expr : ON_UPDATE) {
                String sql = "SELECT a.id FROM w_before o JOIN w a USING (id) WHERE "
                    + expr.replace("old.", "o.").replace("new.", "a.");
                // the rows deleted afterwards are not in w: left out on both sides
                TreeSet<Integer> expected = ids(s, sql);
                TreeSet<Integer> got = mined(base, accident, deletes, expr, "update");
                got.removeIf(id -> id > 50);
                assertEquals(expected, got, "--where " + expr);
            }
            // the balance example finds the accident's rows that had a balance
            assertEquals(ids(s, "SELECT id FROM w_before WHERE amount <> 0"),
                mined(base, accident, deletes, "new.amount = 0 AND old.amount <> 0", "update"));
            // a bare column of a DELETE is the old value
            assertEquals(ids(s, "SELECT id FROM w_before WHERE id > 50 AND n > 5"),
                mined(base, deletes, to, "n > 5", "delete"));
            assertEquals(ids(s, "SELECT id FROM w_before WHERE id > 50"), mined(base, deletes, to, "new.n IS NULL", "delete"));

            // stats counts what --where selects
            CliRun stats = CliRun.of("stats", "--wal-dir", server.walDir().toString(), "--catalog", catalog.toString(),
                "--from-lsn", PgbenchRoundTripIT.lsn(accident), "--to-lsn", PgbenchRoundTripIT.lsn(deletes),
                "--where", "new.amount = 0 AND old.amount <> 0");
            assertEquals(0, stats.exitCode(), stats.toString());
            int n = ids(s, "SELECT id FROM w_before WHERE amount <> 0").size();
            assertTrue(stats.stdout().matches("(?s).*\npublic\\.w\\s+0\\s+" + n + "\\s+0\\s+0 .*"), stats.stdout());

            // a value not in the WAL read: the change is not selected, and counted on stderr
            String[] docs = CliRun.concat(base, "--from-lsn", PgbenchRoundTripIT.lsn(accident), "--to-lsn",
                PgbenchRoundTripIT.lsn(deletes), "--table", "public.docs");
            CliRun unknown = CliRun.of(CliRun.concat(docs, "--where", "new.big LIKE 'c4ca%' AND n = 1"));
            assertEquals(0, unknown.exitCode(), unknown.toString());
            assertTrue(unknown.stdout().isEmpty(), unknown.stdout());
            assertTrue(unknown.stderr().contains("xlogminer: 1 row changes not selected by --where: a value it reads is"
                + " not in the WAL read (unrecoverable old values)"), unknown.stderr());
            CliRun known = CliRun.of(CliRun.concat(docs, "--where", "new.big LIKE 'c4ca%' OR n = 1"));
            assertEquals(1, known.stdoutLines().size(), known.toString());
            assertFalse(known.stderr().contains("not selected"), known.stderr());

            // what it does not understand: exit 2, quoting the part
            String[] range = {"--wal-dir", server.walDir().toString(), "--catalog", catalog.toString()};
            assertUsage(range, "n = ", "syntax error at \"=\"");
            assertUsage(range, "(n = 1", "syntax error at the end of the expression");
            assertUsage(range, "n == 1", "syntax error at \"== 1\"");
            assertUsage(range, "name = 'open", "syntax error at \"'open\"");
            assertUsage(range, "lower(name) = 'x'", "cannot evaluate \"lower(name)\": functions are not supported");
            assertUsage(range, "n + 1 = 2", "cannot evaluate \"n + 1\"");
            assertUsage(range, "n = 'abc'", "cannot evaluate \"n = 'abc'\": 'abc' is not a number");
            assertUsage(range, "ts > 'yesterday-ish'", "'yesterday-ish' is not a timestamp with time zone");
            assertUsage(range, "name = 5", "does not compare with 5");
            assertUsage(range, "nosuch = 1 OR n = 1", "no table mined has a column \"nosuch\"");
            assertUsage(range, "w.n = 1", "cannot evaluate \"w.n\"");
            assertUsage(range, "n IN (SELECT 1)", "IN takes a list of values");
            assertUsage(range, "n > 1 AND amount LIKE '1%'", "LIKE compares text, and amount is a number");
            // a column only some tables have: the others' rows are not selected; one no selected table has: an error
            assertEquals(0, CliRun.of(CliRun.concat(range, "--where", "note = 'note 3'")).exitCode());
            assertUsage(CliRun.concat(range, "--table", "public.w"), "note = 'x'", "no table mined has a column \"note\"");
        }
    }

    private static TreeSet<Integer> mined(String[] base, long from, long to, String expr, String op) throws Exception {
        CliRun run = CliRun.of(CliRun.concat(base, "--from-lsn", PgbenchRoundTripIT.lsn(from), "--to-lsn",
            PgbenchRoundTripIT.lsn(to), "--table", "public.w", "--op", op, "--where", expr));
        assertEquals(0, run.exitCode(), "--where " + expr + ": " + run);
        TreeSet<Integer> ids = new TreeSet<>();
        for (String line : run.stdoutLines()) {
            JsonNode j = JSON.readTree(line);
            assertEquals(op, j.get("op").asText(), line);
            JsonNode row = j.get(op.equals("delete") ? "before" : "after");
            assertTrue(ids.add(row.get("id").asInt()), "one change per row: " + line);
        }
        return ids;
    }

    private static TreeSet<Integer> ids(Statement s, String sql) throws Exception {
        TreeSet<Integer> ids = new TreeSet<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }

    private static void assertUsage(String[] range, String expr, String message) {
        CliRun run = CliRun.of(CliRun.concat(range, "--where", expr));
        assertEquals(2, run.exitCode(), "--where " + expr + ": " + run);
        assertTrue(run.stderr().contains(message), "--where " + expr + ": expected " + message + " in " + run.stderr());
        assertTrue(run.stdout().isEmpty(), run.stdout());
    }
}
