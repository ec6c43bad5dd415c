package org.xlogminer.forensics;

import java.util.Arrays;
import java.util.List;

import org.xlogminer.event.Row;
import org.xlogminer.event.TableName;

/**
 * A row of a table named by the values of its identity key (primary key or replica-identity index),
 * each as PostgreSQL prints it ({@code id::text}); SQL NULL is a null element. Equal when table and
 * values are: what a row is matched by, within a selection and against the database now.
 *
 * @param table  the table
 * @param values the key's values, in the order of the key's columns
 */
public record RowKey(TableName table, List<String> values) {

    /**
     * The key of {@code row}, or null when a key column is missing from it or its value is not
     * known (the WAL read does not hold it).
     *
     * @param keyColumns the names of the key's columns
     */
    public static RowKey of(TableName table, List<String> keyColumns, Row row) {
        String[] v = new String[keyColumns.size()];
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < v.length; k++) {
            int i = row.indexOf(keyColumns.get(k));
            if (i < 0 || row.isUnknown(i)) {
                return null;
            }
            if (!row.isNull(i)) {
                sb.setLength(0);
                row.appendText(i, sb);
                v[k] = sb.toString();
            }
        }
        return new RowKey(table, Arrays.asList(v));
    }

    /** {@code id=42}, {@code a=1, b=x}: the key as messages show it, with the column names. */
    public String text(List<String> keyColumns) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < values.size(); k++) {
            sb.append(k == 0 ? "" : ", ").append(keyColumns.get(k)).append('=')
                .append(values.get(k) == null ? "NULL" : values.get(k));
        }
        return sb.toString();
    }
}
