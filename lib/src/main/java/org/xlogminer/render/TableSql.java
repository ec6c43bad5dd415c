package org.xlogminer.render;

import java.util.List;
import java.util.Objects;

import org.xlogminer.event.Row;
import org.xlogminer.sql.SqlText;

/**
 * What the statements of one table share: its qualified name, its key, and its columns' names as
 * SQL writes them (from the first row seen; a row with other names has them quoted one by one).
 * Used by {@link SqlRenderer} and {@link GuardedUndo}.
 *
 * <p>Immutable, so thread-safe.
 */
final class TableSql {
    final String schema;
    final String name;
    final String qualified;
    /** {@link #qualified} as a string literal, for messages the script's checks print. */
    final String qualifiedLiteral;
    final List<String> key;
    final String[] names;
    final String[] quoted;
    /** Where the key's columns are in rows with {@link #names}. */
    final int[] keyIndexes;

    TableSql(String schema, String name, List<String> key, Row row) {
        this.schema = schema;
        this.name = name;
        this.qualified = SqlText.qualifiedName(schema, name);
        this.qualifiedLiteral = SqlText.quoteLiteral(qualified);
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
