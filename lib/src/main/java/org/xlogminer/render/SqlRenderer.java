package org.xlogminer.render;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiFunction;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.event.Column;
import org.xlogminer.event.Row;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.Source;
import org.xlogminer.event.TableName;
import org.xlogminer.event.Value;
import org.xlogminer.sql.SqlText;

/**
 * Renders row changes as SQL: REDO (the change again) and UNDO (its inverse). Statements are
 * psql-ready, one per line, ending in a semicolon.
 *
 * <ul>
 * <li>Rows are found by the table's key (replica identity, else primary key) with the key's old
 *     values. A table without a key is matched on all old values, anchored on the row's ctid from
 *     the WAL where that row is still there, so the statement touches exactly one row, even among
 *     identical rows, and stays an index-free ctid lookup in the common case.</li>
 * <li>UPDATE sets every column by default, only the changed ones when asked.</li>
 * <li>A value the WAL read does not hold is never guessed: a statement that would need it gets the
 *     call {@code xlogminer_unrecoverable('why')}, which parses but fails if applied, and a comment
 *     line saying what is missing. An UPDATE leaves such columns out of its SET list when they did
 *     not change (a TOAST value logged only as the same pointer).</li>
 * </ul>
 *
 * <p>Thread-safe: holds the key lookup and immutable per-table details.
 */
public final class SqlRenderer {

    /** Name of the function that marks an unrecoverable value; it does not exist on purpose. */
    public static final String UNRECOVERABLE = "xlogminer_unrecoverable";

    private final BiFunction<String, String, List<String>> keyColumns;
    private final boolean changedColumnsOnly;

    /**
     * @param keyColumns         (schema, table) to the names of the columns that identify a row;
     *                           empty when the table has no key
     * @param changedColumnsOnly UPDATE sets only the columns whose value changed
     */
    public SqlRenderer(BiFunction<String, String, List<String>> keyColumns, boolean changedColumnsOnly) {
        this.keyColumns = Objects.requireNonNull(keyColumns);
        this.changedColumnsOnly = changedColumnsOnly;
    }

    /**
     * A renderer that finds rows of each table of the catalog by its replica-identity key, else its
     * primary key, else (no key) by all old values anchored on the ctid.
     */
    public static SqlRenderer forCatalog(CatalogSnapshot catalog, boolean changedColumnsOnly) {
        Map<TableName, List<String>> keys = new HashMap<>();
        for (TableInfo t : catalog.tables()) {
            List<Integer> attnums = !t.identityKey().isEmpty() ? t.identityKey() : t.primaryKey();
            List<String> names = new ArrayList<>(attnums.size());
            for (int a : attnums) {
                ColumnInfo c = t.column(a);
                if (c != null) {
                    names.add(c.name());
                }
            }
            keys.put(new TableName(t.schema(), t.name()), List.copyOf(names));
        }
        return new SqlRenderer((s, n) -> keys.getOrDefault(new TableName(s, n), List.of()), changedColumnsOnly);
    }

    /**
     * What the statements of one table share: its qualified name, its key, and its columns' names as
     * SQL writes them (from the first row seen; a row with other names has them quoted one by one).
     * Immutable.
     */
    private static final class TableSql {
        final String schema;
        final String name;
        final String qualified;
        final List<String> key;
        final String[] names;
        final String[] quoted;
        /** Where the key's columns are in rows with {@link #names}. */
        final int[] keyIndexes;

        TableSql(String schema, String name, List<String> key, Row row) {
            this.schema = schema;
            this.name = name;
            this.qualified = SqlText.qualifiedName(schema, name);
            this.key = key;
            names = new String[row.size()];
            quoted = new String[names.length];
            for (int i = 0; i < names.length; i++) {
                names[i] = row.name(i);
                quoted[i] = SqlText.quoteIdentifier(names[i]);
            }
            keyIndexes = indexesOf(key, row);
        }

        /** Where each of {@code key}'s columns is in {@code row}, -1 for one it lacks. */
        private static int[] indexesOf(List<String> key, Row row) {
            int[] k = new int[key.size()];
            for (int i = 0; i < k.length; i++) {
                k[i] = row.indexOf(key.get(i));
            }
            return k;
        }

        boolean is(String schema, String name) {
            return this.name.equals(name) && Objects.equals(this.schema, schema);
        }

        void appendName(StringBuilder sb, Row row, int i) {
            String n = row.name(i);
            if (i < names.length && names[i].equals(n)) {
                sb.append(quoted[i]);
            } else {
                SqlText.appendIdentifier(sb, n);
            }
        }

        /** Where the key's columns are in {@code row}. */
        int[] keyIndexes(Row row) {
            int[] k = keyIndexes;
            for (int i = 0; i < k.length; i++) {
                if (k[i] < 0 || k[i] >= row.size() || !row.name(k[i]).equals(key.get(i))) {
                    return keyIndexesOf(row);
                }
            }
            return k;
        }

        private int[] keyIndexesOf(Row row) {
            int[] k = indexesOf(key, row);
            for (int i = 0; i < k.length; i++) {
                if (k[i] < 0) {
                    throw new IllegalStateException("key column " + key.get(i) + " missing from a row of " + qualified);
                }
            }
            return k;
        }
    }

    /** Recently rendered tables, by hash: a few per transaction, looked up per statement. */
    private final AtomicReferenceArray<TableSql> tables = new AtomicReferenceArray<>(64);

    private TableSql table(Source s, Row row) {
        String schema = s.schema();
        String name = s.table();
        int slot = (name.hashCode() * 31 + Objects.hashCode(schema)) & (tables.length() - 1);
        TableSql t = tables.get(slot);
        if (t == null || !t.is(schema, name)) {
            t = new TableSql(schema, name, keyColumns.apply(schema, name), row);
            tables.set(slot, t);
        }
        return t;
    }

    /** The columns rows of this table are found by (empty: matched on all old values and the ctid). */
    public List<String> keyColumns(String schema, String table) {
        return keyColumns.apply(schema, table);
    }

    /** The statement that makes the change again. */
    public String redo(RowChange change) {
        StringBuilder sb = new StringBuilder(256);
        redo(change, sb);
        return sb.toString();
    }

    /** Appends the statement that makes the change again to {@code sb} (for a writer that reuses one). */
    public void redo(RowChange change, StringBuilder sb) {
        Source s = change.source();
        if (change instanceof RowChange.Insert ins) {
            insert(sb, table(s, ins.after()), ins.after());
        } else if (change instanceof RowChange.Update up) {
            update(sb, table(s, up.after()), up.after(), up.before(), up.before(), s, false);
        } else if (change instanceof RowChange.Delete del) {
            delete(sb, table(s, del.before()), del.before(), s, false);
        } else if (change instanceof RowChange.Truncate tr) {
            sb.append("TRUNCATE ");
            for (int i = 0; i < tr.tables().size(); i++) {
                TableName t = tr.tables().get(i);
                sb.append(i == 0 ? "" : ", ").append(SqlText.qualifiedName(t.schema(), t.name()));
            }
            if (tr.restartSequences()) {
                sb.append(" RESTART IDENTITY");
            }
            if (tr.cascade()) {
                sb.append(" CASCADE");
            }
            sb.append(';');
        }
    }

    /** The statement that undoes the change. */
    public String undo(RowChange change) {
        StringBuilder sb = new StringBuilder(256);
        undo(change, sb);
        return sb.toString();
    }

    /** Appends the statement that undoes the change to {@code sb} (for a writer that reuses one). */
    public void undo(RowChange change, StringBuilder sb) {
        Source s = change.source();
        if (change instanceof RowChange.Insert ins) {
            delete(sb, table(s, ins.after()), ins.after(), s, true);
        } else if (change instanceof RowChange.Update up) {
            update(sb, table(s, up.before()), up.before(), up.after(), up.after(), s, true);
        } else if (change instanceof RowChange.Delete del) {
            insert(sb, table(s, del.before()), del.before());
        } else if (change instanceof RowChange.Truncate tr) {
            sb.append("-- xlogminer: a TRUNCATE cannot be undone from WAL: the rows it removed are not logged (")
                .append(tr.tables().stream().map(TableName::toString).collect(java.util.stream.Collectors.joining(", ")))
                .append(")\n")
                .append("SELECT ").append(UNRECOVERABLE).append('(')
                .append(SqlText.quoteLiteral("rows removed by TRUNCATE")).append(");");
        }
    }

    private void insert(StringBuilder sb, TableSql table, Row row) {
        int n = row.size();
        comments(sb, row, null, n, "INSERT");
        sb.append("INSERT INTO ").append(table.qualified).append(" (");
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            table.appendName(sb, row, i);
        }
        sb.append(") VALUES (");
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            literal(sb, row, i);
        }
        sb.append(");");
    }

    /**
     * UPDATE table SET (target values) WHERE (row found by {@code match}); {@code other} is the
     * row's other version, to tell changed columns.
     */
    private void update(StringBuilder sb, TableSql table, Row target, Row other, Row match, Source s,
                        boolean newCtid) {
        int n = target.size();
        int[] set = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            boolean unknown = target.isUnknown(i);
            if (!unknown && !changedColumnsOnly) {
                set[count++] = i; // every known value is set: no need to compare
                continue;
            }
            // both versions come from one table's plan, in the same order: look at the same place first
            String name = target.name(i);
            int o = i < other.size() && other.name(i).equals(name) ? i : other.indexOf(name);
            boolean changed = o < 0 || !target.sameValue(i, other, o);
            if (!changed) {
                continue; // unchanged: left out when asked, and an unknown one (the same TOAST pointer) always
            }
            set[count++] = i;
        }
        if (count == 0) {
            // Nothing to set (e.g. only unchanged values): keep a statement that touches the row.
            for (int i = 0; i < n; i++) {
                if (!target.isUnknown(i)) {
                    set[count++] = i;
                    break;
                }
            }
        }
        comments(sb, target, set, count, "UPDATE");
        sb.append("UPDATE ").append(table.qualified).append(" SET ");
        for (int k = 0; k < count; k++) {
            int i = set[k];
            if (k > 0) {
                sb.append(", ");
            }
            table.appendName(sb, target, i);
            sb.append(" = ");
            literal(sb, target, i);
        }
        where(sb, table, match, s, newCtid);
        sb.append(';');
    }

    private void delete(StringBuilder sb, TableSql table, Row match, Source s, boolean newCtid) {
        sb.append("DELETE FROM ").append(table.qualified);
        where(sb, table, match, s, newCtid);
        sb.append(';');
    }

    /**
     * WHERE the row {@code match} describes: by the table's key, else by all its values anchored on
     * the row version's ctid (the new one's when {@code newCtid}, else the old one's).
     */
    private void where(StringBuilder sb, TableSql table, Row match, Source s, boolean newCtid) {
        if (!table.key.isEmpty()) {
            int[] cond = table.keyIndexes(match);
            sb.append(" WHERE ");
            conditions(sb, table, match, cond, cond.length);
            return;
        }
        int n = match.size();
        sb.append(" WHERE ctid = COALESCE(");
        int from = -1;
        int to = -1;
        String ctid = newCtid ? s.newCtid() : s.oldCtid(); // written here only: keyed tables need none
        if (ctid != null) {
            sb.append("(SELECT ctid FROM ").append(table.qualified).append(" WHERE ctid = ");
            SqlText.appendLiteral(sb, ctid);
            sb.append("::tid AND ");
            from = sb.length();
            conditions(sb, table, match, null, n);
            to = sb.length();
            sb.append("), ");
        }
        sb.append("(SELECT ctid FROM ").append(table.qualified).append(" WHERE ");
        if (from >= 0) {
            sb.append(sb, from, to); // the same conditions again: copied, not formatted twice
        } else {
            conditions(sb, table, match, null, n);
        }
        sb.append(" LIMIT 1))");
    }

    /** The conditions on the columns {@code cols} (null: all) of the row, joined by AND. */
    private static void conditions(StringBuilder sb, TableSql table, Row row, int[] cols, int count) {
        for (int k = 0; k < count; k++) {
            int i = cols == null ? k : cols[k];
            if (k > 0) {
                sb.append(" AND ");
            }
            table.appendName(sb, row, i);
            if (row.isNull(i)) {
                sb.append(" IS NULL");
            } else if (!row.isUnknown(i) && !hasEquality(row.type(i))) {
                // json, xml, point and friends have no = operator: compare their text
                sb.append("::text = ");
                int at = sb.length();
                sb.append('\'');
                row.appendText(i, sb);
                SqlText.escapeQuotesFrom(sb, at + 1);
                sb.append('\'');
            } else {
                sb.append(" = ");
                literal(sb, row, i);
            }
        }
    }

    /** Types without a default equality operator. */
    private static boolean hasEquality(String type) {
        String t = type.endsWith("[]") ? type.substring(0, type.length() - 2) : type;
        switch (t) {
            case "json", "xml", "point", "line", "lseg", "box", "path", "polygon", "circle":
                return false;
            default:
                return true;
        }
    }

    private static void literal(StringBuilder sb, Row row, int i) {
        if (row.isNull(i)) {
            sb.append("NULL");
        } else if (row.isUnknown(i)) {
            sb.append(UNRECOVERABLE).append('(');
            SqlText.appendLiteral(sb, ((Value.Unknown) row.value(i)).reason());
            sb.append(')');
        } else {
            row.appendSqlLiteral(i, sb);
        }
    }

    /** A comment line per value the statement cannot know, of the columns {@code cols} (null: all). */
    private static void comments(StringBuilder sb, Row row, int[] cols, int count, String what) {
        for (int k = 0; k < count; k++) {
            int i = cols == null ? k : cols[k];
            if (row.isUnknown(i)) {
                sb.append("-- xlogminer: ").append(what).append(" needs column ").append(row.name(i))
                    .append(", which cannot be recovered: ")
                    .append(((Value.Unknown) row.value(i)).reason().replace('\n', ' ')).append('\n');
            }
        }
    }
}
