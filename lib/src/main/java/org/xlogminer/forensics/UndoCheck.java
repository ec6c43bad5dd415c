package org.xlogminer.forensics;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.event.ChangeHandler;
import org.xlogminer.event.Row;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.TableName;
import org.xlogminer.event.TransactionInfo;
import org.xlogminer.render.SqlRenderer;
import org.xlogminer.render.UndoGuard;

/**
 * Collects, from the changes of a selection, what guarded UNDO of it expects of each row now: the
 * row as the selection's last change to it left it (absent after a DELETE), and the columns the
 * UNDO compares. {@link UndoCheckQuery} then compares that with the database.
 *
 * <h2>A row changed several times in the selection</h2>
 * Guarded UNDO undoes the changes newest first, so the database must hold what the last change
 * left; undoing it gives back what the change before it left, and so on down the chain. So each
 * row is checked once, against its last change's row, on the union of the columns every change of
 * the chain has its UNDO compare ({@link UndoGuard#CHANGED}: the columns each UPDATE changed, and
 * every column once the chain holds an INSERT, whose UNDO deletes the row only while it is as
 * inserted; {@link UndoGuard#ALL} and {@link UndoGuard#NONE}: every column). A change of the key is
 * followed: the row is looked for under its last key. When the row changed between two changes of
 * the selection, by a change the selection leaves out (another transaction, another operation),
 * the later one's old row tells: undoing the earlier would then conflict, and the row is reported
 * as {@link UndoCheckReport.Status#CHANGED_BETWEEN}, whatever it holds now.
 *
 * <p>A row is named by its table's identity key ({@link RowKey}); rows of tables without one, and
 * rows whose key the WAL read does not hold, are counted as unchecked. A TRUNCATE is counted: its
 * UNDO is not possible anyway. Changes of aborted transactions are left out, as UNDO leaves them.
 *
 * <p>Holds one entry per row of the selection. Not thread-safe: a handler of one mining run.
 */
public final class UndoCheck implements ChangeHandler {

    /** What UNDO expects of one row. Mutable, while changes come in. */
    static final class Expected {
        final RowKey key;
        /** Whether the row should exist (false after a DELETE). */
        boolean present;
        /** The columns of the row as the last change left it (or of the deleted row). */
        String[] names;
        String[] types;
        /** Their text; null is SQL NULL; {@link #kinds} tells known, NULL and unknown. */
        String[] texts;
        byte[] kinds;
        /** The names of the columns the UNDO compares, besides the key; null: every column. */
        Set<String> guarded = new HashSet<>();
        long lastLsn;
        long lastXid;
        String lastOp;
        int changes;
        /**
         * When a change the selection leaves out changed the row between two of its changes: the
         * columns then (as the earlier left them) and "now" (as the later found them), else null.
         */
        List<UndoCheckReport.ColumnDiff> between;
        /** The LSN of the later of those two changes. */
        long betweenLsn;

        Expected(RowKey key) {
            this.key = key;
        }

        static final byte NULL = 0;
        static final byte KNOWN = 1;
        static final byte UNKNOWN = 2;

        /** Takes the row's columns and values as what the row should hold now. */
        void hold(Row row) {
            int n = row.size();
            names = new String[n];
            types = new String[n];
            texts = new String[n];
            kinds = new byte[n];
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                names[i] = row.name(i);
                types[i] = row.type(i);
                if (row.isNull(i)) {
                    kinds[i] = NULL;
                } else if (row.isUnknown(i)) {
                    kinds[i] = UNKNOWN;
                } else {
                    sb.setLength(0);
                    row.appendText(i, sb);
                    texts[i] = sb.toString();
                    kinds[i] = KNOWN;
                }
            }
        }

        boolean guards(String column) {
            return guarded == null || guarded.contains(column);
        }
    }

    /** The rows of one table. */
    static final class TableRows {
        final TableName table;
        final List<String> keyColumns;
        final Map<RowKey, Expected> rows = new LinkedHashMap<>();
        long changes;
        long unchecked;
        long truncates;

        TableRows(TableName table, List<String> keyColumns) {
            this.table = table;
            this.keyColumns = keyColumns;
        }
    }

    private final BiFunction<String, String, List<String>> keyColumns;
    private final boolean guardAll;
    private final Map<TableName, TableRows> tables = new LinkedHashMap<>();

    /**
     * @param keyColumns (schema, table) to the names of its identity key's columns, empty for none
     * @param guard      the guard the UNDO will be written with; {@link UndoGuard#NONE} is checked as
     *                   {@link UndoGuard#ALL}: every later change is one that UNDO would overwrite
     */
    public UndoCheck(BiFunction<String, String, List<String>> keyColumns, UndoGuard guard) {
        this.keyColumns = keyColumns;
        this.guardAll = guard != UndoGuard.CHANGED;
    }

    /** Keys as {@link SqlRenderer#forCatalog} finds rows: replica identity, else primary key. */
    public static UndoCheck forCatalog(CatalogSnapshot catalog, UndoGuard guard) {
        SqlRenderer r = SqlRenderer.forCatalog(catalog, false);
        return new UndoCheck(r::keyColumns, guard);
    }

    @Override
    public void begin(TransactionInfo tx) {
    }

    @Override
    public void end(TransactionInfo tx) {
    }

    @Override
    public void change(TransactionInfo tx, RowChange c) {
        if (!tx.committed()) {
            return; // an aborted transaction's changes are not undone (guarded UNDO comments them out)
        }
        if (c instanceof RowChange.Truncate t) {
            for (TableName n : t.tables()) {
                table(n).truncates++;
            }
            return;
        }
        TableRows rows = table(new TableName(c.source().schema(), c.source().table()));
        rows.changes++;
        if (rows.keyColumns.isEmpty()) {
            rows.unchecked++;
            return;
        }
        Row before = c instanceof RowChange.Update u ? u.before() : c instanceof RowChange.Delete d ? d.before() : null;
        Row after = c instanceof RowChange.Update u ? u.after() : c instanceof RowChange.Insert i ? i.after() : null;
        RowKey oldKey = before == null ? null : RowKey.of(rows.table, rows.keyColumns, before);
        RowKey newKey = after == null ? null : RowKey.of(rows.table, rows.keyColumns, after);
        RowKey key = after != null ? newKey : oldKey;
        if (key == null) {
            rows.unchecked++;
            return;
        }
        Expected e = rows.rows.get(key);
        if (oldKey != null && after != null && !oldKey.equals(newKey)) {
            Expected moved = rows.rows.remove(oldKey); // the key changed: follow the row to its new key
            Expected fresh = new Expected(key);
            if (moved != null) {
                between(moved, before, c);
                fresh.guarded = moved.guarded;
                fresh.changes = moved.changes;
                fresh.between = moved.between;
                fresh.betweenLsn = moved.betweenLsn;
            }
            if (e != null) {
                fresh.changes += e.changes;
            }
            e = fresh;
            rows.rows.put(key, e);
        } else if (e == null) {
            e = new Expected(key);
            rows.rows.put(key, e);
        } else {
            between(e, before, c);
        }
        e.changes++;
        e.lastLsn = c.source().lsn();
        e.lastXid = tx.xid();
        e.lastOp = c.op();
        if (c instanceof RowChange.Delete) {
            e.present = false;
            e.hold(before);
            return;
        }
        e.present = true;
        e.hold(after);
        if (c instanceof RowChange.Insert || guardAll) {
            e.guarded = null;
        } else if (e.guarded != null) {
            changedColumns(before, after, e.guarded);
        }
    }

    /**
     * Notes, once per row, that the row changed between its last change in the selection and the
     * next one ({@code c}, whose old row is {@code before}): the row deleted or inserted between,
     * or a column the UNDO compares not as the earlier change left it. Then undoing the earlier
     * change would conflict, whatever the row holds now. Values compared as text (both are the
     * miner's text of the stored values).
     */
    private static void between(Expected e, Row before, RowChange c) {
        if (e.between != null || e.names == null) {
            return;
        }
        List<UndoCheckReport.ColumnDiff> diffs = new java.util.ArrayList<>();
        boolean changed = e.present != (before != null); // deleted, or inserted, between
        if (e.present && before != null) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < e.names.length; i++) {
                int b = before.indexOf(e.names[i]);
                if (!e.guards(e.names[i]) || e.kinds[i] == Expected.UNKNOWN || b < 0 || before.isUnknown(b)) {
                    continue;
                }
                String now = null;
                if (!before.isNull(b)) {
                    sb.setLength(0);
                    before.appendText(b, sb);
                    now = sb.toString();
                }
                if (!java.util.Objects.equals(now, e.texts[i])) {
                    diffs.add(new UndoCheckReport.ColumnDiff(e.names[i], e.texts[i], now, true));
                }
            }
            changed = !diffs.isEmpty();
        }
        if (changed) {
            e.between = diffs;
            e.betweenLsn = c.source().lsn();
        }
    }

    /**
     * Adds the columns an UPDATE's guarded UNDO sets back and compares: those whose value differs
     * between the two rows (an unknown old value counts as changed); when none does, the first
     * known column, as the UNDO then still touches the row through it.
     */
    static void changedColumns(Row before, Row after, Set<String> into) {
        int n = before.size();
        boolean any = false;
        for (int i = 0; i < n; i++) {
            String name = before.name(i);
            int o = i < after.size() && after.name(i).equals(name) ? i : after.indexOf(name);
            if (o < 0 || !before.sameValue(i, after, o)) {
                into.add(name);
                any = true;
            }
        }
        for (int i = 0; !any && i < n; i++) {
            if (!before.isUnknown(i)) {
                into.add(before.name(i));
                any = true;
            }
        }
    }

    private TableRows table(TableName name) {
        return tables.computeIfAbsent(name, n -> new TableRows(n, keyColumns.apply(n.schema(), n.name())));
    }

    /** The tables seen, in the order of their first change. */
    Map<TableName, TableRows> tables() {
        return tables;
    }
}
