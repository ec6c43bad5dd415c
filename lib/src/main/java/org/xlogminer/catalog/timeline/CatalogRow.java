package org.xlogminer.catalog.timeline;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import org.xlogminer.event.Row;
import org.xlogminer.event.Value;

/**
 * One row of a system catalog (pg_class, pg_attribute, ...) as the WAL gave it: each column's text
 * form ({@code col::text}, null for SQL NULL), and which columns the WAL read did not recover.
 * Immutable.
 */
public final class CatalogRow {

    /** The marker of a value that is not known, kept apart from SQL NULL (null). */
    private static final String UNKNOWN = new String("<unknown>");

    private final Map<String, String> values;

    private CatalogRow(Map<String, String> values) {
        this.values = values;
    }

    /** The row of a mined change; null for null. */
    public static CatalogRow of(Row row) {
        if (row == null) {
            return null;
        }
        Map<String, String> m = new HashMap<>(row.size() * 2);
        for (int i = 0; i < row.size(); i++) {
            Value v = row.value(i);
            m.put(row.name(i), v instanceof Value.Known k ? k.text() : v instanceof Value.Null ? null : UNKNOWN);
        }
        return new CatalogRow(m);
    }

    /** A row of these column texts (null for NULL), every one known: for tests. */
    public static CatalogRow of(Map<String, String> texts) {
        return new CatalogRow(new HashMap<>(texts));
    }

    /** Whether the column is in the row and its value known (NULL is known). */
    public boolean known(String column) {
        return values.containsKey(column) && values.get(column) != UNKNOWN;
    }

    /** Whether every one of these columns is known. */
    public boolean known(String... columns) {
        for (String c : columns) {
            if (!known(c)) {
                return false;
            }
        }
        return true;
    }

    /** The column's text, null for NULL or a column the row does not have; an unknown value throws. */
    public String text(String column) {
        String v = values.get(column);
        if (v == UNKNOWN) {
            throw new IllegalStateException("the value of " + column + " is not known");
        }
        return v;
    }

    /** The column's text, or {@code otherwise} when NULL, absent or unknown. */
    public String textOr(String column, String otherwise) {
        String v = values.get(column);
        return v == null || v == UNKNOWN ? otherwise : v;
    }

    /** An oid, int2 or int4 column as a long (0 when NULL or absent). */
    public long number(String column) {
        String v = text(column);
        return v == null ? 0 : Long.parseLong(v);
    }

    /** A boolean column ('t' or 'f' as text); false when NULL or absent. */
    public boolean bool(String column) {
        return "t".equals(text(column));
    }

    /** A "char" column; '\0' when empty, NULL or absent. */
    public char character(String column) {
        String v = text(column);
        return v == null || v.isEmpty() ? '\0' : v.charAt(0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CatalogRow r && r.values.equals(values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
