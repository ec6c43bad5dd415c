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
import org.xlogminer.catalog.timeline.NewestNames;
import org.xlogminer.catalog.timeline.UnknownHistory;
import org.xlogminer.event.Column;
import org.xlogminer.event.Row;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.Source;
import org.xlogminer.event.TableName;
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
 * <li>UNDO is guarded against later changes as {@link UndoGuard} says: {@link GuardedUndo} writes
 *     those statements, and the text that opens and closes their script.</li>
 * </ul>
 *
 * <p>Thread-safe: holds the key lookup and immutable per-table details.
 */
public final class SqlRenderer {

    /** Name of the function that marks an unrecoverable value; it does not exist on purpose. */
    public static final String UNRECOVERABLE = "xlogminer_unrecoverable";

    private final BiFunction<String, String, List<String>> keyColumns;
    private final boolean changedColumnsOnly;
    private final UndoGuard undoGuard;
    /** Writes UNDO when it is guarded, else null. */
    private final GuardedUndo guarded;
    /** A guarded UNDO script undoes each change by a statement of its own, not each row's net change. */
    private final boolean undoPerChange;
    /** Names UNDO's tables and columns as the newest catalog does, when they changed in the range; else null. */
    private final UndoRenaming renaming;
    /** Tables whose rows are marked incomplete (their schema history is not known), or null. */
    private final UnknownHistory unknownHistory;

    /**
     * With unguarded UNDO.
     *
     * @param keyColumns         (schema, table) to the names of the columns that identify a row;
     *                           empty when the table has no key
     * @param changedColumnsOnly UPDATE sets only the columns whose value changed
     */
    public SqlRenderer(BiFunction<String, String, List<String>> keyColumns, boolean changedColumnsOnly) {
        this(keyColumns, changedColumnsOnly, UndoGuard.NONE, false);
    }

    /**
     * @param undoGuard     how UNDO statements guard against later changes to their rows
     * @param skipConflicts with a guard, the UNDO script skips a row changed since (a NOTICE) instead
     *                      of stopping with an error
     */
    public SqlRenderer(BiFunction<String, String, List<String>> keyColumns, boolean changedColumnsOnly,
                       UndoGuard undoGuard, boolean skipConflicts) {
        this(keyColumns, changedColumnsOnly, undoGuard, skipConflicts, false, null, null);
    }

    /**
     * @param undoPerChange a guarded UNDO script undoes each change by a statement of its own instead
     *                      of folding the changes of a row into one (see {@link UndoFolding})
     */
    public SqlRenderer(BiFunction<String, String, List<String>> keyColumns, boolean changedColumnsOnly,
                       UndoGuard undoGuard, boolean skipConflicts, boolean undoPerChange) {
        this(keyColumns, changedColumnsOnly, undoGuard, skipConflicts, undoPerChange, null, null);
    }

    /**
     * @param newestNames the names UNDO gives tables and columns (the newest catalog's), or null
     *                    for the names as of each change
     */
    public SqlRenderer(BiFunction<String, String, List<String>> keyColumns, boolean changedColumnsOnly,
                       UndoGuard undoGuard, boolean skipConflicts, NewestNames newestNames) {
        this(keyColumns, changedColumnsOnly, undoGuard, skipConflicts, false, newestNames, null);
    }

    /**
     * @param undoPerChange  a guarded UNDO script has a statement per change, not per row's net change
     * @param newestNames    the names UNDO gives tables and columns, or null (as of each change)
     * @param unknownHistory tables whose rows are marked incomplete: a comment line before each of
     *                       their statements says why (null: none)
     */
    public SqlRenderer(BiFunction<String, String, List<String>> keyColumns, boolean changedColumnsOnly,
                       UndoGuard undoGuard, boolean skipConflicts, boolean undoPerChange, NewestNames newestNames,
                       UnknownHistory unknownHistory) {
        this.undoPerChange = undoPerChange;
        this.keyColumns = Objects.requireNonNull(keyColumns);
        this.unknownHistory = unknownHistory;
        this.renaming = newestNames == null ? null : new UndoRenaming(newestNames, keyColumns);
        this.changedColumnsOnly = changedColumnsOnly;
        this.undoGuard = Objects.requireNonNull(undoGuard);
        this.guarded = undoGuard == UndoGuard.NONE ? null
            : new GuardedUndo(this, undoGuard == UndoGuard.ALL, changedColumnsOnly, skipConflicts);
    }

    /** {@link #forCatalog(CatalogSnapshot, boolean, UndoGuard, boolean)} with unguarded UNDO. */
    public static SqlRenderer forCatalog(CatalogSnapshot catalog, boolean changedColumnsOnly) {
        return forCatalog(catalog, changedColumnsOnly, UndoGuard.NONE, false);
    }

    /**
     * A renderer that finds rows of each table of the catalog by its replica-identity key, else its
     * primary key, else (no key) by all old values anchored on the ctid.
     */
    public static SqlRenderer forCatalog(CatalogSnapshot catalog, boolean changedColumnsOnly, UndoGuard undoGuard,
                                         boolean skipConflicts) {
        return forCatalog(catalog, null, null, changedColumnsOnly, undoGuard, skipConflicts, false);
    }

    /**
     * As {@link #forCatalog(CatalogSnapshot, boolean, UndoGuard, boolean)}, UNDO naming tables and
     * columns as {@code newestNames} says (null: as of each change); the keys of its newest catalog's
     * tables are known too.
     */
    public static SqlRenderer forCatalog(CatalogSnapshot catalog, NewestNames newestNames, boolean changedColumnsOnly,
                                         UndoGuard undoGuard, boolean skipConflicts) {
        return forCatalog(catalog, newestNames, null, changedColumnsOnly, undoGuard, skipConflicts, false);
    }

    /**
     * As above, the rows of the tables {@code unknownHistory} names marked incomplete (null: none);
     * {@code undoPerChange}: a guarded UNDO script has a statement per change instead of one per
     * row's net change.
     */
    public static SqlRenderer forCatalog(CatalogSnapshot catalog, NewestNames newestNames,
                                         UnknownHistory unknownHistory, boolean changedColumnsOnly,
                                         UndoGuard undoGuard, boolean skipConflicts, boolean undoPerChange) {
        Map<TableName, List<String>> keys = new HashMap<>();
        keys(catalog, keys);
        if (newestNames != null) {
            keys(newestNames.newest(), keys);
        }
        return new SqlRenderer((s, n) -> keys.getOrDefault(new TableName(s, n), List.of()), changedColumnsOnly,
            undoGuard, skipConflicts, undoPerChange, newestNames, unknownHistory);
    }

    /** Why the schema history of the change's table is not known (its row is incomplete), or null. */
    public String unknownHistory(RowChange change) {
        return unknownHistory == null ? null : unknownHistory.why(change.source().schema(), change.source().table());
    }

    /** A comment line marking the change incomplete when its table's history is not known. */
    private void incomplete(RowChange change, StringBuilder sb) {
        String why = unknownHistory(change);
        if (why != null) {
            String text = "-- xlogminer: INCOMPLETE: the schema history of " + change.source().schema() + "."
                + change.source().table() + " is not known (" + why + "): its row may be decoded or named "
                + "under other columns than it was written with";
            sb.append(text.replace('\n', ' ').replace('\r', ' ')).append('\n');
        }
    }

    /** Each table's key columns by name: its replica-identity key, else its primary key. */
    private static void keys(CatalogSnapshot catalog, Map<TableName, List<String>> keys) {
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
    }

    /** How UNDO statements guard against later changes. */
    public UndoGuard undoGuard() {
        return undoGuard;
    }

    /** Whether a guarded UNDO script folds each row's changes into one statement (see {@link UndoFolding}). */
    boolean undoFolds() {
        return guarded != null && !undoPerChange;
    }

    /** The text a guarded UNDO script opens with (its transaction and its check), else "". */
    String undoScriptStart() {
        return guarded == null ? "" : guarded.scriptStart();
    }

    /** The text a guarded UNDO script ends with, else "". */
    String undoScriptEnd() {
        return guarded == null ? "" : guarded.scriptEnd();
    }

    /** Recently rendered tables, by hash: a few per transaction, looked up per statement. */
    private final AtomicReferenceArray<TableSql> tables = new AtomicReferenceArray<>(64);

    TableSql table(Source s, Row row) {
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
        if (unknownHistory != null) {
            incomplete(change, sb);
        }
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

    /**
     * As {@link #undo(RowChange, StringBuilder)}, noting in {@code spans} where a guarded statement
     * and its values are (for {@link PreparedUndo}); any other is not preparable.
     */
    void undo(RowChange change, StringBuilder sb, ValueSpans spans) {
        if (guarded != null && !(change instanceof RowChange.Truncate)) {
            if (unknownHistory != null) {
                incomplete(change, sb);
            }
            if (renaming != null && (change = renaming.apply(change, sb)) == null) {
                spans.reset(); // its table is gone: written as unrecoverable
                spans.notPreparable();
                return;
            }
            guarded.undo(change, sb, spans);
        } else {
            spans.reset();
            spans.notPreparable();
            undo(change, sb);
        }
    }

    /** Appends the statement that undoes the change to {@code sb} (for a writer that reuses one). */
    public void undo(RowChange change, StringBuilder sb) {
        if (unknownHistory != null) {
            incomplete(change, sb);
        }
        if (renaming != null && (change = renaming.apply(change, sb)) == null) {
            return; // its table is gone: written as unrecoverable
        }
        Source s = change.source();
        if (guarded != null && !(change instanceof RowChange.Truncate)) {
            guarded.undo(change, sb);
        } else if (change instanceof RowChange.Insert ins) {
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

    private static void insert(StringBuilder sb, TableSql table, Row row) {
        SqlClauses.comments(sb, row, null, row.size(), "INSERT");
        SqlClauses.insertStatement(sb, table, row, null);
        sb.append(';');
    }

    /**
     * UPDATE table SET (target values) WHERE (row found by {@code match}); {@code other} is the
     * row's other version, to tell changed columns.
     */
    private void update(StringBuilder sb, TableSql table, Row target, Row other, Row match, Source s,
                        boolean newCtid) {
        int[] set = new int[target.size()];
        int count = SqlClauses.setColumns(target, other, !changedColumnsOnly, set);
        SqlClauses.comments(sb, target, set, count, "UPDATE");
        SqlClauses.updateSet(sb, table, target, set, count, null);
        SqlClauses.where(sb, table, match, s, newCtid);
        sb.append(';');
    }

    private void delete(StringBuilder sb, TableSql table, Row match, Source s, boolean newCtid) {
        sb.append("DELETE FROM ").append(table.qualified);
        SqlClauses.where(sb, table, match, s, newCtid);
        sb.append(';');
    }

    /**
     * Whether a column type (as {@link Row#type(int)} names it) has the default {@code =} the guards
     * compare with; those without it (json, xml, point, ...) are compared as text.
     */
    public static boolean hasEquality(String type) {
        return SqlClauses.hasEquality(type);
    }
}
