package org.xlogminer.mine;

import org.xlogminer.catalog.TableInfo;
import org.xlogminer.decode.HeapRecordDecoder;
import org.xlogminer.decode.TupleRef;
import org.xlogminer.event.Row;
import org.xlogminer.event.Source;
import org.xlogminer.tx.TxAssembler.StoredRecord;
import org.xlogminer.wal.WalVersion;
import org.xlogminer.wal.reader.XLogRecordView;

/**
 * A heap change read from a copy of its record, with the tuples its pages held when it was read:
 * each row from the record where it logs the row whole, else from the page's tuple, else unknown
 * with the reason. A TOAST table's chunks are kept on the way ({@link ToastResolver#chunks}).
 *
 * <p>A reusable flyweight; not thread-safe.
 */
final class RecordChange extends HeapChange {

    private final ToastResolver toast;
    private final WalVersion version;
    private final XLogRecordView view = new XLogRecordView();
    /** The record's heap decoder, wrapped on it: what a TRUNCATE's handler reads. */
    final HeapRecordDecoder heap = new HeapRecordDecoder();
    private StoredRecord.Copy kept;
    private long newBlock;
    /** The next of the MULTI_INSERT tuples pages gave (when an image replaced the record's). */
    private int nextFromPage;
    /** The MULTI_INSERT tuple moved to is the page's {@code nextFromPage - 1}, not the record's. */
    private boolean onPage;

    RecordChange(FollowedCatalog catalog, TablePlans plans, RowBuilder rows, ToastResolver toast, WalVersion version) {
        super(catalog, plans, rows);
        this.toast = toast;
        this.version = version;
    }

    /** This change read from {@code s}; null when it has nothing to decode. */
    HeapChange wrap(StoredRecord.Copy s) {
        XLogRecordView r = view.wrapCopy(s.bytes(), s.lsn(), s.endLsn(), version);
        if (!heap.wrap(r)) {
            return null;
        }
        kept = s;
        if (heap.op() == HeapRecordDecoder.Op.TRUNCATE) {
            return set(heap.op(), s.lsn(), null, null, NO_TID, NO_TID, false, false);
        }
        int nb = heap.newBlockIndex();
        TableInfo table = catalog.tableByRelfilenode(Integer.toUnsignedLong(r.tablespace(nb)),
            Integer.toUnsignedLong(r.database(nb)), Integer.toUnsignedLong(r.relNumber(nb)));
        if (table == null) {
            return null; // filtered when kept; a table unknown here was dropped from the catalog meanwhile
        }
        if (table.relkind() == 't') {
            if (rows.values()) {
                toast.chunks(table, heap);
            }
            return null;
        }
        TablePlan plan = plans.plan(table);
        newBlock = r.blockNumber(nb);
        nextFromPage = 0;
        onPage = false;
        long newTid = Source.tid(newBlock, heap.newOffnum());
        // a DELETE's tuple is in its one block, the "new" one
        long oldBlock = r.blockNumber(heap.op() == HeapRecordDecoder.Op.DELETE ? nb : heap.oldBlockIndex());
        return set(heap.op(), s.lsn(), table, plan, Source.tid(oldBlock, heap.oldOffnum()), newTid,
            heap.isSpeculative(), heap.isSuperDelete());
    }

    @Override
    Row newRow(String what) {
        TupleRef t = heap.newTuple();
        if (!RowDecoder.newRowFromPage(heap)) {
            return rows.row(plan(), t, false);
        }
        if (kept.pageNewTuple() != null) {
            return rows.wholeRow(plan(), kept.pageNewTuple());
        }
        if (!t.present()) {
            return rows.unknownRow(plan(), "the " + what + " row is not in the record (a full-page image replaced it) "
                + "and its page was not tracked");
        }
        return rows.unknownRow(plan(), "the record logs only the bytes that differ from the old row version, "
            + "and the old version's page was not tracked");
    }

    @Override
    Row oldRow() {
        TupleRef t = heap.oldTuple();
        if (kept.pageOldTuple() != null && RowDecoder.oldRowFromPage(heap)) {
            return rows.wholeRow(plan(), kept.pageOldTuple());
        }
        if (!t.present()) {
            return rows.unknownRow(plan(), "the old row is neither logged (wal_level=replica, or REPLICA IDENTITY "
                + "NOTHING/DEFAULT) nor on a page tracked since a full-page image");
        }
        return rows.row(plan(), t, heap.oldTupleIsKeyOnly());
    }

    /** First the tuples a page gave when an image replaced the record's, then those the record logs. */
    @Override
    boolean nextInserted() {
        onPage = !heap.multiInsertHasTuples() && nextFromPage < heap.count();
        if (onPage) {
            nextFromPage++;
            return true;
        }
        return heap.nextTuple();
    }

    @Override
    long insertedTid() {
        return Source.tid(newBlock, onPage ? heap.multiInsertOffnum(nextFromPage - 1) : heap.newOffnum());
    }

    @Override
    Row insertedRow() {
        if (!onPage) {
            return rows.row(plan(), heap.newTuple(), false);
        }
        byte[] t = kept.pageMultiTuples() == null ? null : kept.pageMultiTuples()[nextFromPage - 1];
        return t != null ? rows.wholeRow(plan(), t) : rows.unknownRow(plan(),
            "the inserted row is not in the record (a full-page image replaced it) and its page was not tracked");
    }
}
