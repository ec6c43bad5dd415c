package org.xlogminer.forensics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.event.ChangeHandler;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.SchemaChange;
import org.xlogminer.event.TableName;
import org.xlogminer.event.TransactionInfo;

/**
 * Passes on the changes of one row of one table, oldest first: a handler between a miner and what
 * prints the row's history.
 *
 * <p>The row is named by its table's identity key ({@link RowKey}: each value as PostgreSQL prints
 * it). A change is the row's when its old row or its new row has that key: an INSERT of it, an
 * UPDATE from it (or to it: a row whose key changed into the one asked for), a DELETE of it, and a
 * TRUNCATE of the table. An UPDATE that changes the key is followed: from then on the row is looked
 * for under its new key. When the WAL read does not hold an old row's key (old rows not recovered),
 * the row is recognised by where its last change left it (the ctid), as long as the chain holds.
 *
 * <p>Not thread-safe: a handler of one mining run.
 */
public final class RowHistory implements ChangeHandler {

    private final TableName table;
    private final List<String> keyColumns;
    private final ChangeHandler next;
    private RowKey key;
    /** Where the row's last change left it, "(block,offset)", or null. */
    private String ctid;
    private boolean begun;
    private long changes;

    /**
     * @param keyColumns the table's identity key's columns
     * @param keyValues  the row's values of them, as PostgreSQL prints them (null: SQL NULL)
     * @param next       what gets the row's changes
     */
    public RowHistory(TableName table, List<String> keyColumns, List<String> keyValues, ChangeHandler next) {
        if (keyColumns.isEmpty() || keyColumns.size() != keyValues.size()) {
            throw new IllegalArgumentException("a key needs a value for each of its columns");
        }
        this.table = table;
        this.keyColumns = List.copyOf(keyColumns);
        this.key = new RowKey(table, Arrays.asList(keyValues.toArray(new String[0])));
        this.next = next;
    }

    /**
     * The history of the row of {@code table} whose identity key is {@code key} (column to value,
     * in any order), checked against the catalog.
     *
     * @throws IllegalArgumentException when the table is not in the catalog, has no identity key,
     *                                  or {@code key} names other columns than its key's
     */
    public static RowHistory of(CatalogSnapshot catalog, TableName table, Map<String, String> key, ChangeHandler next) {
        List<String> columns = keyColumns(catalog, table);
        if (!key.keySet().equals(new java.util.HashSet<>(columns))) {
            throw new IllegalArgumentException("the key of " + table + " is (" + String.join(", ", columns)
                + "): give a value for each of these columns and no other (given: "
                + String.join(", ", key.keySet()) + ")");
        }
        List<String> values = new ArrayList<>();
        for (String c : columns) {
            values.add(key.get(c));
        }
        return new RowHistory(table, columns, values, next);
    }

    /**
     * The columns of the table's identity key: its replica-identity index, else its primary key.
     *
     * @throws IllegalArgumentException when the table is not in the catalog or has neither
     */
    public static List<String> keyColumns(CatalogSnapshot catalog, TableName table) {
        for (TableInfo t : catalog.tables()) {
            if (t.schema().equals(table.schema()) && t.name().equals(table.name()) && t.relkind() != 't') {
                List<Integer> attnums = !t.identityKey().isEmpty() ? t.identityKey() : t.primaryKey();
                if (attnums.isEmpty()) {
                    throw new IllegalArgumentException("table " + table
                        + " has no primary key or replica identity index to name a row by");
                }
                List<String> names = new ArrayList<>();
                for (int a : attnums) {
                    ColumnInfo c = t.column(a);
                    names.add(c == null ? "?" : c.name());
                }
                return names;
            }
        }
        throw new IllegalArgumentException("table " + table + " is not in the catalog");
    }

    /** The key the row has now (after the changes seen so far). */
    public RowKey key() {
        return key;
    }

    /** The key's columns. */
    public List<String> keyColumns() {
        return keyColumns;
    }

    /** How many changes of the row were passed on. */
    public long changes() {
        return changes;
    }

    @Override
    public void begin(TransactionInfo tx) {
        begun = false;
    }

    @Override
    public void change(TransactionInfo tx, RowChange c) {
        if (c instanceof RowChange.Truncate t) {
            if (t.tables().contains(table)) {
                pass(tx, c);
                ctid = null;
            }
            return;
        }
        if (!c.source().schema().equals(table.schema()) || !c.source().table().equals(table.name())) {
            return;
        }
        if (c instanceof RowChange.Insert ins) {
            if (key.equals(RowKey.of(table, keyColumns, ins.after()))) {
                ctid = c.source().newCtid();
                pass(tx, c);
            }
        } else if (c instanceof RowChange.Update up) {
            RowKey before = RowKey.of(table, keyColumns, up.before());
            RowKey after = RowKey.of(table, keyColumns, up.after());
            boolean from = before != null ? key.equals(before) : ctid != null && ctid.equals(c.source().oldCtid());
            if (from || key.equals(after)) {
                if (from && after != null) {
                    key = after; // the key changed: follow the row
                }
                ctid = c.source().newCtid();
                pass(tx, c);
            }
        } else if (c instanceof RowChange.Delete del) {
            RowKey before = RowKey.of(table, keyColumns, del.before());
            if (before != null ? key.equals(before) : ctid != null && ctid.equals(c.source().oldCtid())) {
                ctid = null;
                pass(tx, c);
            }
        }
    }

    private void pass(TransactionInfo tx, RowChange c) {
        if (!begun) {
            next.begin(tx);
            begun = true;
        }
        changes++;
        next.change(tx, c);
    }

    @Override
    public void schemaChange(TransactionInfo tx, SchemaChange c) {
    }

    @Override
    public void end(TransactionInfo tx) {
        if (begun) {
            next.end(tx);
            begun = false;
        }
    }
}
