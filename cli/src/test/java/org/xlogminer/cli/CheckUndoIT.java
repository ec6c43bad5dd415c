package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xlogminer.forensics.UndoCheckQuery;
import org.xlogminer.testkit.PgServer;

/**
 * {@code xlogminer check-undo} on issue 17's scenario, on real servers at wal_level=replica: an
 * accident of 15,000 rows in one transaction (an UPDATE of them all, a second UPDATE of a hundred of
 * them, a key changed, two rows deleted), then later changes in other transactions: to the same
 * columns of some rows, to other columns of others, deletes, a deleted key inserted again. The
 * rows check-undo reports are compared with what the server itself says: the accident's rows as
 * they were before and after it (copied into tables), and the table now; and with the rows the
 * guarded UNDO script, applied by psql with conflicts skipped, skips.
 */
class CheckUndoIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ODD = "\"Odd \"\"T\"\"\"";
    private static final String ODD_KEY = "\"Key 'k'\"";

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {15, 17})
    void findsExactlyTheRowsChangedSince(int major) throws Exception {
        try (PgServer server = PgServer.builder(major).start(); Connection c = server.connect();
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE acct (id int PRIMARY KEY, owner text, balance numeric(12,2), note text, meta json, "
                + "ts timestamptz)");
            s.execute("INSERT INTO acct SELECT g, 'owner ' || g, g * 10 + 0.5, CASE WHEN g % 3 = 0 THEN NULL "
                + "ELSE E'it''s \\\\ ünï ' || g END, json_build_object('g', g), "
                + "timestamptz '2026-01-01 00:00:00+02' + g * interval '1 minute' FROM generate_series(1, 20000) g");
            s.execute("CREATE TABLE " + ODD + " (" + ODD_KEY + " text PRIMARY KEY, v text)");
            s.execute("INSERT INTO " + ODD + " SELECT E'it''s ' || g, 'v' || g FROM generate_series(1, 5) g");
            s.execute("CREATE TABLE acct_before AS SELECT * FROM acct");
            Path catalog = tmp.resolve("catalog.json");
            CliRun cat = CliRun.of("catalog", "--jdbc-url", server.jdbcUrl(), "-o", catalog.toString());
            assertEquals(0, cat.exitCode(), cat.toString());
            s.execute("CHECKPOINT");

            long from = server.currentWalInsertLsn();
            c.setAutoCommit(false);
            int changes = s.executeUpdate("UPDATE acct SET balance = 0 WHERE id <= 15000");  // the accident
            changes += s.executeUpdate("UPDATE acct SET note = 'x' WHERE id <= 100");
            changes += s.executeUpdate("UPDATE acct SET id = 100000 WHERE id = 120");
            changes += s.executeUpdate("DELETE FROM acct WHERE id IN (150, 151)");
            int oddChanges = s.executeUpdate("UPDATE " + ODD + " SET v = 'zero'");
            long xid = longOf(s, "SELECT txid_current()");
            c.commit();
            c.setAutoCommit(true);
            s.execute("CREATE TABLE acct_after AS SELECT * FROM acct");
            long to = server.flushWal();
            String[] args = {"check-undo", "--wal-dir", server.walDir().toString(), "--catalog", catalog.toString(),
                "--from-lsn", PgbenchRoundTripIT.lsn(from), "--to-lsn", PgbenchRoundTripIT.lsn(to),
                "--xid", Long.toString(xid), "--jdbc-url", server.jdbcUrl()};

            // nothing changed since: every UNDO applies
            CliRun clean = run(args);
            assertEquals(0, clean.exitCode(), clean.toString());
            assertTrue(clean.stdout().contains("every row is as the selection left it"), clean.stdout());
            assertTrue(clean.stdout().matches("(?s).*\\npublic\\.acct +" + changes + " +15000 +15000 +0 +0 +0\\n.*"),
                clean.stdout());
            assertTrue(clean.stdout().matches("(?s).*\\npublic\\.Odd \"T\" +" + oddChanges + " +5 +5 +0 +0 +0\\n.*"),
                clean.stdout());

            // later changes, each in a transaction of its own
            s.execute("UPDATE acct SET balance = 5 WHERE id IN (2, 3)");        // a column the accident changed
            s.execute("UPDATE acct SET owner = 'renamed' WHERE id IN (4, 5)");  // another column: kept by the UNDO
            s.execute("UPDATE acct SET note = 'later' WHERE id IN (7, 200)");   // changed by the accident in 7 only
            s.execute("UPDATE acct SET balance = 0.000 WHERE id = 11");         // the same value again
            s.execute("UPDATE acct SET meta = '{\"g\": 13}' WHERE id = 13");    // json: compared as text
            s.execute("UPDATE acct SET balance = 1 WHERE id = 100000");         // the row whose key changed
            s.execute("UPDATE acct SET ts = ts + interval '1 second' WHERE id = 14");
            s.execute("DELETE FROM acct WHERE id IN (9, 12000)");               // gone
            s.execute("INSERT INTO acct (id, owner) VALUES (150, 'again')");    // a deleted key again
            s.execute("UPDATE acct SET balance = 7 WHERE id = 19000");          // not a row of the accident
            s.execute("UPDATE " + ODD + " SET v = E'lat''er' WHERE " + ODD_KEY + " = E'it''s 2'");

            for (String guard : new String[] {"changed", "all"}) {
                CliRun check = run(CliRun.concat(args, "--undo-guard", guard, "--format", "json"));
                assertEquals(Main.EXIT_CONFLICTS, check.exitCode(), check.toString());
                Map<String, String> found = new TreeMap<>();
                for (String line : check.stdoutLines()) {
                    JsonNode n = JSON.readTree(line);
                    if (n.get("kind").asText().equals("row")) {
                        found.put(n.get("table").asText() + " " + n.get("key").asText(), n.get("status").asText());
                    }
                }
                assertEquals(expected(c, guard.equals("all")), found, "--undo-guard " + guard);
            }

            CliRun text = run(args);
            assertEquals(Main.EXIT_CONFLICTS, text.exitCode(), text.toString());
            java.nio.file.Files.createDirectories(Path.of("target", "check-undo"));
            java.nio.file.Files.writeString(Path.of("target", "check-undo", "pg" + major + ".txt"), text.stdout());
            assertTrue(text.stdout().contains("public.acct id=2: changed since the update at "), text.stdout());
            assertTrue(text.stdout().contains("    balance: then 0.00, now 5.00\n"), text.stdout());
            assertTrue(text.stdout().contains("public.acct id=7: changed since the update at "), text.stdout());
            assertTrue(text.stdout().contains("the last of 2 changes to it"), text.stdout());
            assertTrue(text.stdout().contains("    note: then x, now later\n"), text.stdout());
            assertTrue(text.stdout().contains("public.acct id=9: gone, deleted since the update at "), text.stdout());
            assertTrue(text.stdout().contains("public.acct id=150: exists again since the delete at "), text.stdout());
            assertTrue(text.stdout().contains("    owner: now again\n"), text.stdout());
            assertTrue(text.stdout().contains("public.Odd \"T\" Key 'k'=it's 2: changed since the update at "),
                text.stdout());
            assertTrue(text.stdout().contains("    v: then zero, now lat'er\n"), text.stdout());

            // the guarded UNDO itself, conflicts skipped, skips exactly those rows (the row whose key
            // changed is skipped under its old key: undoing the key change applies, the UPDATE before it not)
            Set<String> reported = reported(run(CliRun.concat(args, "--format", "json")));
            reported.remove("public.acct id=100000");
            reported.add("public.acct id=120");
            assertEquals(reported, skippedByUndo(server, args, "--xid", Long.toString(xid)));
        }
    }

    /**
     * A row changed between two transactions of the selection by one it leaves out: undoing the
     * earlier would conflict, though the row is now as the later left it. check-undo says so, and
     * the guarded UNDO skips the row.
     */
    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {15, 17})
    void aRowChangedBetweenTheSelectionsChanges(int major) throws Exception {
        try (PgServer server = PgServer.builder(major).start(); Connection c = server.connect();
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE g (id int PRIMARY KEY, v int, w int)");
            s.execute("INSERT INTO g SELECT i, 0, 0 FROM generate_series(1, 5) i");
            Path catalog = tmp.resolve("catalog.json");
            assertEquals(0, CliRun.of("catalog", "--jdbc-url", server.jdbcUrl(), "-o", catalog.toString()).exitCode());
            s.execute("CHECKPOINT");
            long from = server.currentWalInsertLsn();
            long p = txOf(c, "UPDATE g SET v = 1 WHERE id IN (1, 2, 3, 4)");
            // left out of the selection: a column p changed, another one, a row deleted and put back
            // as it was (as good as untouched to the UNDO, which compares values), a row deleted
            txOf(c, "UPDATE g SET v = 2 WHERE id = 1");
            txOf(c, "UPDATE g SET w = 5 WHERE id = 2");
            txOf(c, "DELETE FROM g WHERE id = 3; INSERT INTO g VALUES (3, 1, 0)");
            txOf(c, "DELETE FROM g WHERE id = 4");
            long r = txOf(c, "UPDATE g SET w = 1 WHERE id IN (1, 2, 3); INSERT INTO g VALUES (4, 9, 9)");
            long to = server.flushWal();
            String[] args = {"check-undo", "--wal-dir", server.walDir().toString(), "--catalog", catalog.toString(),
                "--from-lsn", PgbenchRoundTripIT.lsn(from), "--to-lsn", PgbenchRoundTripIT.lsn(to),
                "--xid", Long.toString(p), "--xid", Long.toString(r), "--jdbc-url", server.jdbcUrl()};
            CliRun check = run(args);
            assertEquals(Main.EXIT_CONFLICTS, check.exitCode(), check.toString());
            assertTrue(check.stdout().contains("public.g id=1: changed before the change at "), check.stdout());
            assertTrue(check.stdout().contains("    v: then 1, later 2\n"), check.stdout());
            assertTrue(check.stdout().contains("public.g id=4: changed before the change at "), check.stdout());
            assertTrue(check.stdout().contains("(the row was deleted or inserted between)"), check.stdout());
            Set<String> reported = reported(run(CliRun.concat(args, "--format", "json")));
            assertEquals(Set.of("public.g id=1", "public.g id=4"), reported);
            assertEquals(reported, skippedByUndo(server, args, "--xid", Long.toString(p), "--xid", Long.toString(r)));
        }
    }

    /** The rows a JSON check-undo reports, as the UNDO's NOTICEs name them: "public.acct id=2". */
    private static Set<String> reported(CliRun json) throws Exception {
        Set<String> keys = new TreeSet<>();
        for (String line : json.stdoutLines()) {
            JsonNode n = JSON.readTree(line);
            if (n.get("kind").asText().equals("row")) {
                keys.add(org.xlogminer.sql.SqlText.qualifiedName(n.get("schema").asText(), n.get("table").asText())
                    + " " + n.get("key").asText());
            }
        }
        return keys;
    }

    /**
     * The rows the guarded UNDO of the range skips (its NOTICEs), applied with psql, conflicts
     * skipped: "public.acct id=2". Takes the range from check-undo's arguments.
     */
    private Set<String> skippedByUndo(PgServer server, String[] checkArgs, String... selection) throws Exception {
        java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of("mine", "--undo", "--undo-conflicts=skip"));
        for (int i = 1; i < checkArgs.length; i += 2) {
            if (java.util.List.of("--wal-dir", "--catalog", "--from-lsn", "--to-lsn").contains(checkArgs[i])) {
                a.add(checkArgs[i]);
                a.add(checkArgs[i + 1]);
            }
        }
        a.addAll(java.util.List.of(selection));
        CliRun undo = CliRun.of(a.toArray(new String[0]));
        assertEquals(0, undo.exitCode(), undo.toString());
        Path script = java.nio.file.Files.writeString(tmp.resolve("undo-skip.sql"), undo.stdout());
        org.xlogminer.testkit.ProcessResult psql = server.runTool(org.xlogminer.testkit.PgBinaries.debian15Tool("psql"),
            "-X", "-v", "ON_ERROR_STOP=1", "-f", script.toString()).requireSuccess();
        Set<String> keys = new TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("skipped: row (.+?) of (.+?) is not as the change")
            .matcher(psql.stderr());
        while (m.find()) {
            keys.add(m.group(2) + " " + m.group(1));
        }
        return keys;
    }

    private static long txOf(Connection c, String sql) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute(sql);
            long xid = longOf(s, "SELECT txid_current()");
            c.commit();
            return xid;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /**
     * What the server says UNDO of the accident meets now: per row of the accident, "conflict" when
     * the row is there but differs from the accident's row in a column the guard compares (all, or
     * those the accident changed in it), "gone" when it is not there, "exists_again" for a deleted
     * row whose key is there again. Keys as check-undo names them.
     */
    private static Map<String, String> expected(Connection c, boolean all) throws SQLException {
        Map<String, String> m = new TreeMap<>();
        String[] cols = {"owner", "balance", "note", "meta::text", "ts"};
        StringBuilder differs = new StringBuilder("false");
        for (String col : cols) {
            String a = "a." + col;
            differs.append(" OR (").append(all ? "true" : a + " IS DISTINCT FROM b." + col)
                .append(") AND n.").append(col).append(" IS DISTINCT FROM ").append(a);
        }
        String sql = "SELECT a.id, n.id IS NULL, " + differs + " FROM acct_after a "
            + "JOIN acct_before b ON b.id = CASE WHEN a.id = 100000 THEN 120 ELSE a.id END "
            + "LEFT JOIN acct n ON n.id = a.id WHERE b.id <= 15000";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                if (rs.getBoolean(2)) {
                    m.put("acct id=" + rs.getInt(1), "gone");
                } else if (rs.getBoolean(3)) {
                    m.put("acct id=" + rs.getInt(1), "conflict");
                }
            }
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT b.id FROM acct_before b "
            + "JOIN acct n USING (id) WHERE b.id <= 15000 AND b.id <> 120 AND b.id NOT IN (SELECT id FROM acct_after)")) {
            while (rs.next()) {
                m.put("acct id=" + rs.getInt(1), "exists_again");
            }
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + ODD_KEY + " FROM " + ODD
            + " WHERE v <> 'zero'")) {
            while (rs.next()) {
                m.put("Odd \"T\" Key 'k'=" + rs.getString(1), "conflict");
            }
        }
        return m;
    }

    /** The check's transaction is read-only, and the server, not only the driver, refuses a write in it. */
    @Test
    void theSessionIsReadOnly() throws Exception {
        try (PgServer server = PgServer.builder(17).start(); Connection c = server.connect()) {
            server.execute("CREATE TABLE t (id int PRIMARY KEY)");
            UndoCheckQuery.begin(c);
            try (Statement s = c.createStatement()) {
                assertEquals("on", stringOf(s, "SHOW transaction_read_only"));
                assertEquals("repeatable read", stringOf(s, "SHOW transaction_isolation"));
                SQLException e = assertThrows(SQLException.class, () -> s.execute("INSERT INTO t VALUES (1)"));
                assertEquals("25006", e.getSQLState(), e.getMessage()); // read_only_sql_transaction
            }
            c.rollback();
        }
    }

    private static CliRun run(String[] args) {
        long t0 = System.nanoTime();
        CliRun r = CliRun.of(args);
        System.out.println("check-undo " + String.join(" ", args).replaceAll(".* --xid", "--xid") + ": "
            + (System.nanoTime() - t0) / 1_000_000 + " ms");
        return r;
    }


    private static long longOf(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String stringOf(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
