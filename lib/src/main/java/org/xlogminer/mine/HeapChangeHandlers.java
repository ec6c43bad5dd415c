package org.xlogminer.mine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.xlogminer.catalog.TableInfo;
import org.xlogminer.decode.HeapLayout;
import org.xlogminer.decode.HeapRecordDecoder;
import org.xlogminer.event.Row;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.Source;
import org.xlogminer.event.TableName;

/**
 * One small handler per heap operation, chosen from a table by the operation (as PostgreSQL's
 * {@code heap_redo} in heapam_xlog.c calls {@code heap_xlog_insert}, {@code heap_xlog_update},
 * ...): each turns a {@link HeapChange}, read from a record or from a summary alike, into the row
 * changes it makes and hands them to the transaction's {@link ChangeSink}. An operation without a
 * handler of its own is skipped.
 *
 * <p>Stateless; the table is built once.
 */
final class HeapChangeHandlers {

    /** Turns one heap change into its row changes. */
    @FunctionalInterface
    interface Handler {
        void decode(HeapChange c, ChangeSink out);
    }

    private static final Handler[] BY_OP = table();

    private HeapChangeHandlers() {
    }

    private static Handler[] table() {
        Handler[] t = new Handler[HeapRecordDecoder.Op.values().length];
        Arrays.fill(t, (Handler) HeapChangeHandlers::skip);
        t[HeapRecordDecoder.Op.INSERT.ordinal()] = HeapChangeHandlers::insert;
        t[HeapRecordDecoder.Op.MULTI_INSERT.ordinal()] = HeapChangeHandlers::multiInsert;
        t[HeapRecordDecoder.Op.CONFIRM.ordinal()] = HeapChangeHandlers::confirm;
        t[HeapRecordDecoder.Op.UPDATE.ordinal()] = HeapChangeHandlers::update;
        t[HeapRecordDecoder.Op.HOT_UPDATE.ordinal()] = HeapChangeHandlers::update;
        t[HeapRecordDecoder.Op.DELETE.ordinal()] = HeapChangeHandlers::delete;
        t[HeapRecordDecoder.Op.TRUNCATE.ordinal()] = HeapChangeHandlers::truncate;
        return t;
    }

    /** The handler of {@code op}. */
    static Handler of(HeapRecordDecoder.Op op) {
        return BY_OP[op.ordinal()];
    }

    private static void skip(HeapChange c, ChangeSink out) {
        // an operation that changes no row
    }

    private static void insert(HeapChange c, ChangeSink out) {
        out.insert(new RowChange.Insert(out.source(c.lsn(), c.table(), c.partitionRoot(), HeapChange.NO_TID,
            c.newTid()), c.newRow("inserted")), c.isSpeculative());
    }

    private static void multiInsert(HeapChange c, ChangeSink out) {
        while (c.nextInserted()) {
            out.add(new RowChange.Insert(out.source(c.lsn(), c.table(), c.partitionRoot(), HeapChange.NO_TID,
                c.insertedTid()), c.insertedRow()));
        }
    }

    /** The speculative insertion at the ctid won: handed on. */
    private static void confirm(HeapChange c, ChangeSink out) {
        out.confirm(Source.ctidText(c.newTid()));
    }

    /** UPDATE and HOT_UPDATE. */
    private static void update(HeapChange c, ChangeSink out) {
        Row before = c.oldRow();
        Row after = c.rows.unchangedToastFromOld(c.newRow("updated"), before);
        out.add(new RowChange.Update(out.source(c.lsn(), c.table(), c.partitionRoot(), c.oldTid(), c.newTid()),
            before, after));
    }

    private static void delete(HeapChange c, ChangeSink out) {
        if (c.isSuperDelete()) {
            out.superDelete(Source.ctidText(c.oldTid()));
            return;
        }
        out.add(new RowChange.Delete(out.source(c.lsn(), c.table(), c.partitionRoot(), c.oldTid(),
            HeapChange.NO_TID), c.oldRow()));
    }

    /**
     * The tables of the catalog's database a TRUNCATE names, as one change shown on the first of them
     * (with that one's partition root, as of the record); only ever from a record.
     */
    private static void truncate(HeapChange c, ChangeSink out) {
        if (!(c instanceof RecordChange r) || r.heap.truncateDatabase() != c.catalog.databaseOid()) {
            return;
        }
        HeapRecordDecoder heap = r.heap;
        List<TableName> names = new ArrayList<>();
        TableInfo first = null;
        for (int i = 0; i < heap.count(); i++) {
            TableInfo t = c.catalog.tableByOid(heap.truncatedRelid(i));
            if (t != null && t.relkind() != 't') {
                names.add(new TableName(t.schema(), t.name()));
                if (first == null) {
                    first = t;
                }
            }
        }
        if (first != null) {
            int f = heap.flags();
            // the root of the table the change is shown on, as a row change of that partition names it
            out.add(new RowChange.Truncate(out.source(c.lsn(), first, c.partitionRoot(first), HeapChange.NO_TID,
                HeapChange.NO_TID), names,
                (f & HeapLayout.XLH_TRUNCATE_CASCADE) != 0, (f & HeapLayout.XLH_TRUNCATE_RESTART_SEQS) != 0));
        }
    }
}
