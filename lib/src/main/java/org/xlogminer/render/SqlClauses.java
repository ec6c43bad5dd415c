package org.xlogminer.render;

import org.xlogminer.event.Row;
import org.xlogminer.event.Source;
import org.xlogminer.event.Value;
import org.xlogminer.sql.SqlText;

/**
 * The parts SQL statements are built of, shared by plain and guarded UNDO and by REDO: an INSERT's
 * column and value lists, an UPDATE's SET list, the WHERE that finds a row (by key, else by all
 * values anchored on the ctid), a value as a literal, and the comment lines for values that cannot
 * be recovered. Each appends to the caller's builder, noting where values go in a {@link ValueSpans}
 * when one is given.
 *
 * <p>Stateless: static methods only.
 */
final class SqlClauses {

    private SqlClauses() {
    }

    /** {@code INSERT INTO table (columns) VALUES (values)}, without the semicolon; the values' places noted in {@code spans} (or null). */
    static void insertStatement(StringBuilder sb, TableSql table, Row row, ValueSpans spans) {
        int n = row.size();
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
            literal(sb, row, i, spans);
        }
        sb.append(')');
    }

    /**
     * Puts in {@code set} the columns of {@code target} an UPDATE to it sets: every known one when
     * {@code everyKnown}, else those whose value differs from {@code other}'s (the row's other
     * version); an unknown one only when it changed. Never none: with nothing to set, the first
     * known column, so that the statement still touches the row. Returns how many.
     */
    static int setColumns(Row target, Row other, boolean everyKnown, int[] set) {
        int n = target.size();
        int count = 0;
        for (int i = 0; i < n; i++) {
            boolean unknown = target.isUnknown(i);
            if (!unknown && everyKnown) {
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
        return count;
    }

    /** {@code UPDATE table SET} the columns {@code set} of {@code target} to its values, noted in {@code spans} (or null). */
    static void updateSet(StringBuilder sb, TableSql table, Row target, int[] set, int count, ValueSpans spans) {
        sb.append("UPDATE ").append(table.qualified).append(" SET ");
        for (int k = 0; k < count; k++) {
            int i = set[k];
            if (k > 0) {
                sb.append(", ");
            }
            table.appendName(sb, target, i);
            sb.append(" = ");
            literal(sb, target, i, spans);
        }
    }

    /**
     * WHERE the row {@code match} describes: by the table's key, else by all its values anchored on
     * the row version's ctid (the new one's when {@code newCtid}, else the old one's).
     */
    static void where(StringBuilder sb, TableSql table, Row match, Source s, boolean newCtid) {
        if (!table.key.isEmpty()) {
            int[] cond = table.keyIndexes(match);
            sb.append(" WHERE ");
            conditions(sb, table, match, cond, cond.length, null);
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
            conditions(sb, table, match, null, n, null);
            to = sb.length();
            sb.append("), ");
        }
        sb.append("(SELECT ctid FROM ").append(table.qualified).append(" WHERE ");
        if (from >= 0) {
            sb.append(sb, from, to); // the same conditions again: copied, not formatted twice
        } else {
            conditions(sb, table, match, null, n, null);
        }
        sb.append(" LIMIT 1))");
    }

    /** The conditions on the columns {@code cols} (null: all) of the row, joined by AND; values noted in {@code spans} (or null). */
    static void conditions(StringBuilder sb, TableSql table, Row row, int[] cols, int count, ValueSpans spans) {
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
                if (spans != null) {
                    spans.add(at, sb.length());
                }
            } else {
                sb.append(" = ");
                literal(sb, row, i, spans);
            }
        }
    }

    /**
     * Whether a column type (as {@link Row#type(int)} names it) has the default {@code =} the guards
     * compare with; those without it (json, xml, point, ...) are compared as text.
     */
    public static boolean hasEquality(String type) {
        String t = type.endsWith("[]") ? type.substring(0, type.length() - 2) : type;
        switch (t) {
            case "json", "xml", "point", "line", "lseg", "box", "path", "polygon", "circle":
                return false;
            default:
                return true;
        }
    }

    /** The value as an SQL literal, its place noted in {@code spans} (when not null). */
    static void literal(StringBuilder sb, Row row, int i, ValueSpans spans) {
        int at = sb.length();
        if (row.isNull(i)) {
            sb.append("NULL");
        } else if (row.isUnknown(i)) {
            sb.append(SqlRenderer.UNRECOVERABLE).append('(');
            SqlText.appendLiteral(sb, ((Value.Unknown) row.value(i)).reason());
            sb.append(')');
        } else {
            row.appendSqlLiteral(i, sb);
        }
        if (spans != null) {
            spans.add(at, sb.length());
        }
    }

    /** A comment line per value the statement cannot know, of the columns {@code cols} (null: all). */
    static void comments(StringBuilder sb, Row row, int[] cols, int count, String what) {
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
