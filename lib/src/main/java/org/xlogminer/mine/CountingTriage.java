package org.xlogminer.mine;

import org.xlogminer.decode.HeapRecordDecoder;
import org.xlogminer.wal.reader.ReadAheadWithoutImages;
import org.xlogminer.wal.reader.XLogRecordView;
import org.xlogminer.wal.rmgr.RecordTypeNames;

/**
 * What the reading thread hands over when no values are decoded ({@link MinerBuilder#values}):
 * a summary of each heap row change ({@link RowDecoder#summary}) in its record's place, Transaction
 * and XLOG records whole (for their handlers: ends of transactions, checkpoints), a TRUNCATE whole,
 * nothing of the rest, which the record handlers would pass by (no page is tracked).
 *
 * <p>Runs on the reading thread, with a heap decoder of its own: one instance per reader.
 */
final class CountingTriage implements ReadAheadWithoutImages.Triage {

    private final HeapRecordDecoder heap = new HeapRecordDecoder();

    @Override
    public byte[] summarize(XLogRecordView r) {
        int rmid = r.rmid();
        if (rmid == RecordTypeNames.RM_XACT_ID || rmid == RecordTypeNames.RM_XLOG_ID) {
            return null;
        }
        if ((rmid != RecordTypeNames.RM_HEAP_ID && rmid != RecordTypeNames.RM_HEAP2_ID) || !heap.wrap(r)) {
            return ReadAheadWithoutImages.SKIP;
        }
        return RowDecoder.summary(r, heap); // null for a TRUNCATE: the record itself
    }
}
