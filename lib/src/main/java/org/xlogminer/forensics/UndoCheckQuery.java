package org.xlogminer.forensics;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.xlogminer.forensics.UndoCheck.Expected;
import org.xlogminer.forensics.UndoCheck.TableRows;
import org.xlogminer.forensics.UndoCheckReport.ColumnDiff;
import org.xlogminer.forensics.UndoCheckReport.RowVerdict;
import org.xlogminer.forensics.UndoCheckReport.Status;
import org.xlogminer.forensics.UndoCheckReport.TableSummary;
import org.xlogminer.render.SqlRenderer;
import org.xlogminer.sql.SqlText;

/**
 * Compares what an {@link UndoCheck} expects of each row with the database now, in one read-only,
 * repeatable-read transaction: every row is looked at in the same snapshot, and the server refuses
 * any write (the transaction is {@code READ ONLY}, checked with {@code SHOW transaction_read_only}
 * before anything is read).
 *
 * <h2>One query per table per batch of rows</h2>
 * The expected rows of a table go to the server as one text array per key column and per column,
 * unnested, each row looked up by the key (a probe of its index), up to {@link #BATCH} rows a query:
 * <pre>
 * SELECT v.o, t.ctid IS NOT NULL, t.balance::text, (t.balance IS NOT DISTINCT FROM v.c2::numeric), ...
 *   FROM unnest(?::text[], ?::text[], ...) WITH ORDINALITY AS v(k0, c0, c1, c2, ..., o)
 *   LEFT JOIN LATERAL (SELECT t.ctid, t.* FROM public.acct AS t WHERE t.id = v.k0::integer LIMIT 1) AS t ON true
 * </pre>
 *
 * <h2>Values compared as the UNDO compares them</h2>
 * Each value is sent as the text PostgreSQL printed for it and cast on the server to the column's
 * type, then compared with the type's own {@code =} (through {@code IS NOT DISTINCT FROM}, so NULL
 * matches NULL): exactly the comparison a guarded UNDO statement's WHERE makes, for every type
 * (1.0 and 1.00 are equal numerics, as they are to the UNDO). Types without {@code =} (json, xml,
 * point, ...) are compared as text, as the UNDO does. The text is read back under the settings the
 * values were printed with (DateStyle ISO, UTC, hex bytea, lc_monetary C: see docs/types.md), set
 * for the transaction only. A value the WAL read does not hold is not compared.
 *
 * <p>Stateless; a connection must not be used by two checks at once.
 */
public final class UndoCheckQuery {

    /** Rows per query. */
    public static final int BATCH = 10_000;

    private static final String[] SETTINGS = {
        "SET LOCAL DateStyle = 'ISO, MDY'",
        "SET LOCAL IntervalStyle = postgres",
        "SET LOCAL TimeZone = 'UTC'",
        "SET LOCAL extra_float_digits = 1",
        "SET LOCAL bytea_output = hex",
        "SET LOCAL lc_monetary = 'C'",
    };

    private UndoCheckQuery() {
    }

    /**
     * Checks every row {@code check} collected against the database of {@code c}.
     *
     * @param c a connection not inside a transaction; left read-only, its transaction rolled back
     * @throws SQLException          what the server or driver reported
     * @throws IllegalStateException when the server would not make the transaction read-only and
     *                               repeatable-read (nothing is read then)
     */
    public static UndoCheckReport run(Connection c, UndoCheck check) throws SQLException {
        begin(c);
        try {
            List<TableSummary> tables = new ArrayList<>();
            List<RowVerdict> problems = new ArrayList<>();
            for (TableRows rows : check.tables().values()) {
                tables.add(table(c, rows, problems));
            }
            return new UndoCheckReport(tables, problems);
        } finally {
            c.rollback(); // read-only: nothing to keep
        }
    }

    /**
     * Begins the read-only, repeatable-read transaction the check reads in, on a connection not
     * inside a transaction ({@link Connection#setReadOnly}, then {@code SET TRANSACTION ... READ
     * ONLY}), and makes sure the server agrees; with the settings the values are compared under.
     *
     * @throws IllegalStateException when the server reports another mode (nothing is read then)
     */
    public static void begin(Connection c) throws SQLException {
        c.setReadOnly(true);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            String ro = show(st, "transaction_read_only");
            String iso = show(st, "transaction_isolation");
            if (!"on".equals(ro) || !"repeatable read".equals(iso)) {
                c.rollback();
                throw new IllegalStateException("the server did not make the session read-only and repeatable-read"
                    + " (transaction_read_only=" + ro + ", transaction_isolation=" + iso + "): nothing was read");
            }
            for (String s : SETTINGS) {
                st.execute(s);
            }
        }
    }

    private static String show(Statement st, String setting) throws SQLException {
        try (ResultSet rs = st.executeQuery("SHOW " + setting)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Counts of one table, while its rows are checked. */
    private static final class Counts {
        long applicable;
        long laterKept;
        long conflicts;
        long gone;
    }

    private static TableSummary table(Connection c, TableRows rows, List<RowVerdict> problems) throws SQLException {
        String qualified = SqlText.qualifiedName(rows.table.schema(), rows.table.name());
        Counts n = new Counts();
        String missing = null;
        if (!rows.rows.isEmpty()) {
            Set<String> now = columnsNow(c, qualified);
            if (now == null) {
                missing = "table " + qualified + " does not exist now";
            } else if (!now.containsAll(rows.keyColumns)) {
                missing = "a key column of " + qualified + " does not exist now";
            }
            if (missing != null) {
                for (Expected e : rows.rows.values()) {
                    if (e.between != null) {
                        n.conflicts++;
                        problems.add(verdict(rows, e, Status.CHANGED_BETWEEN, e.between));
                    } else if (e.present) {
                        n.gone++;
                        problems.add(verdict(rows, e, Status.GONE, List.of()));
                    } else {
                        n.applicable++;
                    }
                }
            } else {
                // rows of one layout (the table's columns when the change was made) per query
                Map<List<String>, List<Expected>> layouts = new LinkedHashMap<>();
                for (Expected e : rows.rows.values()) {
                    List<String> layout = new ArrayList<>(Arrays.asList(e.names));
                    layout.addAll(Arrays.asList(e.types));
                    layouts.computeIfAbsent(layout, k -> new ArrayList<>()).add(e);
                }
                for (List<Expected> group : layouts.values()) {
                    check(c, rows, qualified, now, group, n, problems);
                }
            }
        }
        return new TableSummary(rows.table, rows.keyColumns, rows.changes, rows.rows.size(), n.applicable, n.laterKept,
            n.conflicts, n.gone, rows.unchecked, rows.truncates, missing);
    }

    /** The table's columns now, or null when it does not exist. */
    private static Set<String> columnsNow(Connection c, String qualified) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname FROM pg_catalog.pg_class r "
            + "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped "
            + "WHERE r.oid = pg_catalog.to_regclass(?)")) {
            ps.setString(1, qualified);
            try (ResultSet rs = ps.executeQuery()) {
                Set<String> names = null;
                while (rs.next()) {
                    names = names == null ? new HashSet<>() : names;
                    if (rs.getString(1) != null) {
                        names.add(rs.getString(1));
                    }
                }
                return names;
            }
        }
    }

    /** Checks rows of one layout, a batch per query. */
    private static void check(Connection c, TableRows rows, String qualified, Set<String> now, List<Expected> group,
                              Counts n, List<RowVerdict> problems) throws SQLException {
        Expected first = group.get(0);
        int[] keys = new int[rows.keyColumns.size()];
        for (int k = 0; k < keys.length; k++) {
            keys[k] = Arrays.asList(first.names).indexOf(rows.keyColumns.get(k));
        }
        List<Integer> cols = new ArrayList<>(); // the columns that exist now
        for (int i = 0; i < first.names.length; i++) {
            if (now.contains(first.names[i])) {
                cols.add(i);
            }
        }
        String sql = query(qualified, rows.keyColumns, first, keys, cols);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int from = 0; from < group.size(); from += BATCH) {
                List<Expected> batch = group.subList(from, Math.min(group.size(), from + BATCH));
                int p = 1;
                for (int k = 0; k < keys.length; k++) {
                    String[] a = new String[batch.size()];
                    for (int r = 0; r < a.length; r++) {
                        a[r] = batch.get(r).key.values().get(k);
                    }
                    ps.setArray(p++, c.createArrayOf("text", a));
                }
                for (int i : cols) {
                    String[] a = new String[batch.size()];
                    for (int r = 0; r < a.length; r++) {
                        Expected e = batch.get(r);
                        a[r] = e.present ? e.texts[i] : null;
                    }
                    Array arr = c.createArrayOf("text", a);
                    ps.setArray(p++, arr);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Expected e = batch.get(rs.getInt(1) - 1);
                        verdict(rows, e, rs, cols, n, problems);
                    }
                }
            }
        }
    }

    /** The batch query: see the class comment. */
    private static String query(String qualified, List<String> keyColumns, Expected layout, int[] keys,
                                List<Integer> cols) {
        StringBuilder sb = new StringBuilder("SELECT v.o, t.ctid IS NOT NULL");
        for (int i : cols) {
            sb.append(", t.");
            SqlText.appendIdentifier(sb, layout.names[i]);
            sb.append("::text");
        }
        for (int j = 0; j < cols.size(); j++) {
            int i = cols.get(j);
            sb.append(", (t.");
            SqlText.appendIdentifier(sb, layout.names[i]);
            if (SqlRenderer.hasEquality(layout.types[i])) {
                sb.append(" IS NOT DISTINCT FROM v.c").append(j).append("::").append(layout.types[i]).append(')');
            } else {
                sb.append("::text IS NOT DISTINCT FROM v.c").append(j).append(')');
            }
        }
        sb.append(" FROM unnest(");
        int arrays = keys.length + cols.size();
        for (int a = 0; a < arrays; a++) {
            sb.append(a == 0 ? "" : ", ").append("?::text[]");
        }
        sb.append(") WITH ORDINALITY AS v(");
        for (int k = 0; k < keys.length; k++) {
            sb.append('k').append(k).append(", ");
        }
        for (int j = 0; j < cols.size(); j++) {
            sb.append('c').append(j).append(", ");
        }
        // LATERAL: a probe of the key's index per row, whatever the size of the table (a plain join
        // may hash the whole table for every batch)
        sb.append("o) LEFT JOIN LATERAL (SELECT t.ctid, t.* FROM ").append(qualified).append(" AS t WHERE ");
        for (int k = 0; k < keys.length; k++) {
            sb.append(k == 0 ? "" : " AND ").append("t.");
            SqlText.appendIdentifier(sb, keyColumns.get(k));
            sb.append(" = v.k").append(k).append("::").append(layout.types[keys[k]]);
        }
        // LIMIT: the key is unique anyway; it keeps the planner from flattening the subquery into a join
        return sb.append(" LIMIT 1) AS t ON true").toString();
    }

    /** The verdict on one row from its result row. */
    private static void verdict(TableRows rows, Expected e, ResultSet rs, List<Integer> cols, Counts n,
                                List<RowVerdict> problems) throws SQLException {
        if (e.between != null) {
            n.conflicts++;
            problems.add(verdict(rows, e, Status.CHANGED_BETWEEN, e.between));
            return;
        }
        boolean found = rs.getBoolean(2);
        int m = cols.size();
        if (!found) {
            if (e.present) {
                n.gone++;
                problems.add(verdict(rows, e, Status.GONE, List.of()));
            } else {
                n.applicable++;
            }
            return;
        }
        if (!e.present) {
            List<ColumnDiff> row = new ArrayList<>(m);
            for (int j = 0; j < m; j++) {
                row.add(new ColumnDiff(e.names[cols.get(j)], null, rs.getString(3 + j), true));
            }
            n.conflicts++;
            problems.add(verdict(rows, e, Status.EXISTS_AGAIN, row));
            return;
        }
        List<ColumnDiff> guarded = new ArrayList<>();
        List<ColumnDiff> other = new ArrayList<>();
        for (int j = 0; j < m; j++) {
            int i = cols.get(j);
            if (e.kinds[i] == Expected.UNKNOWN || rs.getBoolean(3 + m + j)) {
                continue;
            }
            boolean g = e.guards(e.names[i]);
            (g ? guarded : other).add(new ColumnDiff(e.names[i], e.texts[i], rs.getString(3 + j), g));
        }
        if (guarded.isEmpty()) {
            n.applicable++;
            if (!other.isEmpty()) {
                n.laterKept++;
            }
            return;
        }
        guarded.addAll(other);
        n.conflicts++;
        problems.add(verdict(rows, e, Status.CONFLICT, guarded));
    }

    private static RowVerdict verdict(TableRows rows, Expected e, Status s, List<ColumnDiff> columns) {
        return new RowVerdict(rows.table, e.key.text(rows.keyColumns), s, e.lastLsn, e.lastXid, e.lastOp, e.changes,
            columns, s == Status.CHANGED_BETWEEN ? e.betweenLsn : 0);
    }
}
