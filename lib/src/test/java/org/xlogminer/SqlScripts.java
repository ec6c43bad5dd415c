package org.xlogminer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the end-to-end tests of mined SQL share: table contents as sorted multisets of
 * {@code whole_row::text}, a short description of how two such contents differ, and applying a
 * psql-style script (one statement a line, {@code --} comments, a {@code BEGIN; ... COMMIT;} block
 * per transaction) block by block, naming the statement that fails.
 */
public final class SqlScripts {

    /** At most this many differing rows are shown per table and side. */
    private static final int SHOWN_ROWS = 5;
    /** Rows and statements are cut to this many characters in messages. */
    private static final int SHOWN_CHARS = 300;

    private SqlScripts() {
    }

    /** Every table's rows as text, sorted (a multiset), by table name. */
    public static Map<String, List<String>> contents(Connection c, List<String> tables) throws SQLException {
        Map<String, List<String>> out = new TreeMap<>();
        try (Statement s = c.createStatement()) {
            for (String t : tables) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT whole_row::text FROM " + t + " whole_row")) {
                    while (rs.next()) {
                        rows.add(rs.getString(1));
                    }
                }
                Collections.sort(rows);
                out.put(t, rows);
            }
        }
        return out;
    }

    /**
     * Null when both contents hold the same multisets of rows, else a short description: per table
     * the row counts and the first rows only one side has (with multiplicity).
     */
    public static String difference(Map<String, List<String>> expected, Map<String, List<String>> actual) {
        StringBuilder sb = new StringBuilder();
        for (String t : union(expected, actual)) {
            List<String> e = expected.getOrDefault(t, List.of());
            List<String> a = actual.getOrDefault(t, List.of());
            if (e.equals(a)) {
                continue;
            }
            List<String> onlyExpected = new ArrayList<>();
            List<String> onlyActual = new ArrayList<>();
            int missing = 0;
            int extra = 0;
            int i = 0;
            int j = 0;
            while (i < e.size() || j < a.size()) {
                int cmp = i == e.size() ? 1 : j == a.size() ? -1 : e.get(i).compareTo(a.get(j));
                if (cmp == 0) {
                    i++;
                    j++;
                } else if (cmp < 0) {
                    missing++;
                    if (onlyExpected.size() < SHOWN_ROWS) {
                        onlyExpected.add(e.get(i));
                    }
                    i++;
                } else {
                    extra++;
                    if (onlyActual.size() < SHOWN_ROWS) {
                        onlyActual.add(a.get(j));
                    }
                    j++;
                }
            }
            sb.append(t).append(": expected ").append(e.size()).append(" rows, found ").append(a.size())
                .append("; ").append(missing).append(" expected rows missing, ").append(extra)
                .append(" rows not expected\n");
            for (String r : onlyExpected) {
                sb.append("  missing:    ").append(cut(r)).append('\n');
            }
            for (String r : onlyActual) {
                sb.append("  unexpected: ").append(cut(r)).append('\n');
            }
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    private static List<String> union(Map<String, ?> a, Map<String, ?> b) {
        TreeMap<String, Boolean> all = new TreeMap<>();
        a.keySet().forEach(k -> all.put(k, true));
        b.keySet().forEach(k -> all.put(k, true));
        return new ArrayList<>(all.keySet());
    }

    /** The statements of a script: every line that is not blank, a comment, BEGIN; or COMMIT;. */
    public static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        for (String line : script.split("\n")) {
            if (!line.isBlank() && !line.startsWith("--") && !line.equals("BEGIN;") && !line.equals("COMMIT;")) {
                out.add(line);
            }
        }
        return out;
    }

    /** The transaction blocks of a script, each from its first line after the previous COMMIT; to its COMMIT;. */
    public static List<List<String>> blocks(String script) {
        List<List<String>> out = new ArrayList<>();
        List<String> cur = new ArrayList<>();
        for (String line : script.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            cur.add(line);
            if (line.equals("COMMIT;")) {
                out.add(cur);
                cur = new ArrayList<>();
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }

    /**
     * Applies a script on an autocommit connection, one transaction block per round trip. On an
     * error, rolls back and finds the failing statement by replaying the block's statements one by
     * one in a transaction that is rolled back too; throws an AssertionError naming it.
     */
    public static void apply(Connection c, String script, String what) throws SQLException {
        List<List<String>> blocks = blocks(script);
        try (Statement s = c.createStatement()) {
            for (int b = 0; b < blocks.size(); b++) {
                List<String> block = blocks.get(b);
                try {
                    s.execute(String.join("\n", block));
                } catch (SQLException e) {
                    s.execute("ROLLBACK");
                    String failing = failingStatement(s, block);
                    throw new AssertionError(what + ": transaction block " + (b + 1) + " of " + blocks.size()
                        + " (" + cut(block.get(0)) + ") fails: " + e.getMessage() + "\n  statement: " + failing, e);
                }
            }
        }
    }

    private static String failingStatement(Statement s, List<String> block) throws SQLException {
        s.execute("BEGIN");
        try {
            for (String line : block) {
                if (line.startsWith("--") || line.equals("BEGIN;") || line.equals("COMMIT;")) {
                    continue;
                }
                try {
                    s.execute(line);
                } catch (SQLException e) {
                    return cut(line);
                }
            }
            return "(none fails on its own)";
        } finally {
            s.execute("ROLLBACK");
        }
    }

    public static String cut(String s) {
        return s.length() <= SHOWN_CHARS ? s : s.substring(0, SHOWN_CHARS) + "... (" + s.length() + " chars)";
    }

    /** The first lines of a text, for messages. */
    public static String head(String text, int lines) {
        String[] all = text.split("\n", lines + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(lines, all.length); i++) {
            sb.append(cut(all[i])).append('\n');
        }
        if (all.length > lines) {
            sb.append("...\n");
        }
        return sb.toString();
    }
}
