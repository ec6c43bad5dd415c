package org.xlogminer.mine;

import org.xlogminer.catalog.TableInfo;
import org.xlogminer.decode.HeapRecordDecoder;
import org.xlogminer.page.PageTracker;
import org.xlogminer.wal.reader.XLogRecordView;

/**
 * The handlers of Heap and Heap2 row changes, one per record type as PostgreSQL's
 * {@code heap_xlog_insert}, {@code heap_xlog_update}, ... in {@code heapam_xlog.c}: each keeps its
 * record, in its transaction, with what the tracked pages know that the record does not. That is the
 * old row of an UPDATE or DELETE (read before the record changes the page, else from its image), the
 * new row of an INSERT or UPDATE logged as an image or as a difference from the old, the tuples of a
 * MULTI_INSERT that an image replaced. Where whole tuples hold all the change needs, a summary goes in
 * the record's place with them ({@link RowDecoder#decoded}): no copy of the record, and no second
 * parse where it is decoded.
 *
 * <p>A change is kept only when its relation is ({@link KeptRelations}); then the record is applied
 * to the tracked pages. Registered in {@link RecordHandlers} for the types
 * {@link HeapRecordDecoder#wrap} decodes. Stateless; the mining thread's.
 */
final class HeapHandlers {

    static final RecordHandler INSERT = HeapHandlers::insert;
    static final RecordHandler MULTI_INSERT = HeapHandlers::multiInsert;
    /** UPDATE and HOT_UPDATE: the same record layout, the same tuples wanted. */
    static final RecordHandler UPDATE = HeapHandlers::update;
    static final RecordHandler DELETE = HeapHandlers::delete;
    /** A speculative insertion confirmed (INSERT ... ON CONFLICT). */
    static final RecordHandler CONFIRM = HeapHandlers::confirm;
    static final RecordHandler TRUNCATE = HeapHandlers::truncate;

    private HeapHandlers() {
    }

    private static void insert(MiningState m, XLogRecordView r) {
        TableInfo table = keptTable(m, r);
        if (table != null) {
            m.pages.apply(r, m.heap, true);
            keep(m, r, table, null, newRowFromPage(m, r), null);
        }
    }

    private static void multiInsert(MiningState m, XLogRecordView r) {
        TableInfo table = keptTable(m, r);
        if (table != null) {
            HeapRecordDecoder heap = m.heap;
            m.pages.apply(r, heap, true);
            byte[][] multi = null;
            if (!heap.multiInsertHasTuples()) {
                multi = new byte[heap.count()][];
                for (int i = 0; i < multi.length; i++) {
                    multi[i] = m.pages.tuple(r, heap.newBlockIndex(), heap.multiInsertOffnum(i));
                }
            }
            keep(m, r, table, null, null, multi);
        }
    }

    private static void update(MiningState m, XLogRecordView r) {
        TableInfo table = keptTable(m, r);
        if (table != null) {
            byte[] oldT = applyReadingOldRow(m, r);
            keep(m, r, table, oldT, newRowFromPage(m, r), null);
        }
    }

    private static void delete(MiningState m, XLogRecordView r) {
        TableInfo table = keptTable(m, r);
        if (table != null) {
            keep(m, r, table, applyReadingOldRow(m, r), null, null);
        }
    }

    private static void confirm(MiningState m, XLogRecordView r) {
        TableInfo table = keptTable(m, r);
        if (table != null) {
            m.pages.apply(r, m.heap, true);
            keep(m, r, table, null, null, null);
        }
    }

    /** Kept whole, when of the catalog's database; it names its relations in its main data. */
    private static void truncate(MiningState m, XLogRecordView r) {
        m.heap.wrap(r);
        if (m.heap.truncateDatabase() == m.relations.databaseOid()) {
            m.assembler.add(r.xid(), r);
        }
    }

    /**
     * Keeps a row change summarised on the reading thread when no values are decoded
     * ({@link CountingTriage}): there is no page to track, only its relation to check.
     */
    static void summarised(MiningState m, long lsn, int xid, long endLsn, byte[] summary) {
        if (m.relations.kept(lsn, RowDecoder.summaryTablespace(summary), RowDecoder.summaryDatabase(summary),
            RowDecoder.summaryRelNumber(summary)) != null) {
            m.assembler.add(xid, lsn, endLsn, summary);
        }
    }

    /** Wraps the heap decoder on the record; the table of its (new) block when kept, else null. */
    private static TableInfo keptTable(MiningState m, XLogRecordView r) {
        HeapRecordDecoder heap = m.heap;
        heap.wrap(r);
        int b = heap.newBlockIndex();
        return m.relations.kept(r.lsn(), r.tablespace(b), r.database(b), r.relNumber(b));
    }

    /**
     * Applies an UPDATE or DELETE to the tracked pages, returning the old row when it must come from
     * its page: as it was before the record, else (the page was not known) from the record's image.
     */
    private static byte[] applyReadingOldRow(MiningState m, XLogRecordView r) {
        HeapRecordDecoder heap = m.heap;
        PageTracker pages = m.pages;
        boolean wanted = RowDecoder.oldRowFromPage(heap);
        byte[] oldT = wanted ? pages.tuple(r, heap.oldBlockIndex(), heap.oldOffnum()) : null;
        pages.apply(r, heap, true);
        if (wanted && oldT == null) {
            oldT = pages.tuple(r, heap.oldBlockIndex(), heap.oldOffnum());
        }
        return oldT;
    }

    /** The new row of an INSERT or UPDATE from its (updated) page when the record lacks it whole, else null. */
    private static byte[] newRowFromPage(MiningState m, XLogRecordView r) {
        HeapRecordDecoder heap = m.heap;
        return RowDecoder.newRowFromPage(heap) ? m.pages.tuple(r, heap.newBlockIndex(), heap.newOffnum()) : null;
    }

    /** Adds the change to its transaction, with the tuples from the pages; marks what needs this thread. */
    private static void keep(MiningState m, XLogRecordView r, TableInfo table, byte[] oldT, byte[] newT,
                             byte[][] multi) {
        HeapRecordDecoder heap = m.heap;
        var decoded = RowDecoder.decoded(r, heap, table, oldT, newT);
        if (decoded != null) {
            m.assembler.add(r.xid(), decoded);
        } else {
            m.assembler.add(r.xid(), r, oldT, newT, multi);
        }
        if (RowDecoder.needsMinerState(table, heap, oldT, newT, multi)
            || table.oid() < KeptRelations.FIRST_NORMAL_OBJECT_ID && m.relations.catalogChange(r.xid(), table)) {
            m.assembler.mark(r.xid()); // a catalog change is decoded on the mining thread, whose catalog it moves
        }
    }
}
