package org.xlogminer.page;

import java.util.Arrays;

import org.xlogminer.decode.HeapRecordDecoder;
import org.xlogminer.decode.HeapRecordDecoder.Op;
import org.xlogminer.wal.reader.XLogRecordView;

/**
 * The tracker's redo of one kind of heap record, for a block without an image (an image already
 * is the page after the change), as {@code heap_redo} in
 * {@code src/backend/access/heap/heapam_xlog.c} hands each record to {@code heap_xlog_insert},
 * {@code heap_xlog_multi_insert}, {@code heap_xlog_update}, ... Chosen by {@link #of} from a table
 * indexed by the decoder's operation. Every other kind (delete and confirm, which change only
 * header fields the tracker does not keep; truncate; any kind added to the decoder later) falls to
 * a handler that does nothing.
 *
 * <p>Stateless: each handler is one shared instance. Thread-safe; the tracker it is given is not.
 */
@FunctionalInterface
interface HeapRedo {

    /** Replays the record on the tracker's pages; the decoder is wrapped on the record. */
    void redo(PageTracker pages, XLogRecordView r, HeapRecordDecoder heap);

    /** The handler of the decoder's operation. */
    static HeapRedo of(Op op) {
        return Table.BY_OP[op.ordinal()];
    }

    /** The handlers by {@link Op#ordinal()}, built once. */
    final class Table {
        static final HeapRedo[] BY_OP = new HeapRedo[Op.values().length];

        static {
            Arrays.fill(BY_OP, (HeapRedo) Table::nothing);
            BY_OP[Op.INSERT.ordinal()] = Table::insert;
            BY_OP[Op.MULTI_INSERT.ordinal()] = Table::multiInsert;
            BY_OP[Op.UPDATE.ordinal()] = Table::update;
            BY_OP[Op.HOT_UPDATE.ordinal()] = Table::update;
        }

        private Table() {
        }

        private static void nothing(PageTracker pages, XLogRecordView r, HeapRecordDecoder heap) {
        }

        /** heap_xlog_insert: the new tuple at its offset number. */
        private static void insert(PageTracker pages, XLogRecordView r, HeapRecordDecoder heap) {
            TrackedPage p = pages.target(r, heap.newBlockIndex());
            if (p != null && heap.newTuple().present()) {
                pages.put(p, heap.newOffnum(), TupleRebuild.fromRecord(heap.newTuple(), 0, 0, null));
            }
        }

        /** heap_xlog_multi_insert: each new tuple at its offset number. */
        private static void multiInsert(PageTracker pages, XLogRecordView r, HeapRecordDecoder heap) {
            TrackedPage p = pages.target(r, heap.newBlockIndex());
            if (p != null) {
                while (heap.nextTuple()) {
                    pages.put(p, heap.newOffnum(), TupleRebuild.fromRecord(heap.newTuple(), 0, 0, null));
                }
            }
        }

        /**
         * heap_xlog_update (HOT or not): the new tuple at its offset number, rebuilt with the
         * prefix and suffix it shares with the old one, or kept as a patch of the old one when that
         * is the image's on the same page; the page is forgotten when the old tuple is not known.
         */
        private static void update(PageTracker pages, XLogRecordView r, HeapRecordDecoder heap) {
            int nb = heap.newBlockIndex();
            TrackedPage p = pages.target(r, nb);
            if (p == null || !heap.newTuple().present()) {
                return;
            }
            byte[] old = null;
            int prefix = heap.prefixLength();
            int suffix = heap.suffixLength();
            if (prefix + suffix > 0) {
                old = pages.tuple(r, heap.oldBlockIndex(), heap.oldOffnum());
                if (old == null) {
                    pages.forget(p); // cannot rebuild the new tuple: the page is no longer known
                    return;
                }
                if (heap.oldBlockIndex() == nb && pages.canPatch(p, heap.oldOffnum(), prefix, suffix)) {
                    pages.putPatch(p, heap.newOffnum(), TupleRebuild.patch(heap.newTuple(), prefix, suffix, heap.oldOffnum()));
                    return;
                }
            }
            pages.put(p, heap.newOffnum(), TupleRebuild.fromRecord(heap.newTuple(), prefix, suffix, old));
        }
    }
}
