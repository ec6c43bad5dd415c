package org.xlogminer.mine;

import org.xlogminer.decode.HeapRecordDecoder;
import org.xlogminer.decode.XactRecordDecoder;
import org.xlogminer.page.PageTracker;
import org.xlogminer.tx.TxAssembler;
import org.xlogminer.wal.reader.XLogRecordView;

/**
 * What the {@linkplain RecordHandler record handlers} of one mining run read and change: the record
 * decoders (flyweights, re-wrapped on each record), the tracked pages, the open transactions'
 * records, which relations are kept, where released transactions go, and what the start checkpoint
 * told (whether a transaction may have begun before the first record read).
 *
 * <p>Not thread-safe: the mining thread's alone.
 */
final class MiningState {

    /** Wrapped by the Heap and Heap2 handlers on their record. */
    final HeapRecordDecoder heap = new HeapRecordDecoder();
    /** Wrapped by the Transaction handlers on their record. */
    final XactRecordDecoder xact = new XactRecordDecoder();
    /** Whether values are decoded (else only the followed catalogs' pages are tracked). */
    final boolean values;
    /** Transactions ending before this LSN are not released (their records only filled buffers). */
    final long fromLsn;
    /** Whether aborted transactions are released too. */
    final boolean includeAborted;
    final PageTracker pages;
    final TxAssembler assembler;
    final KeptRelations relations;
    final TransactionRelease release;
    private boolean startKnown;
    private int nextXidAtStart;
    /** The last checkpoint started at or passed; null before one. */
    private Checkpoints.Checkpoint checkpoint;
    private int[] subxids = new int[64];

    MiningState(boolean values, long fromLsn, boolean includeAborted, PageTracker pages, TxAssembler assembler,
                KeptRelations relations, TransactionRelease release) {
        this.values = values;
        this.fromLsn = fromLsn;
        this.includeAborted = includeAborted;
        this.pages = pages;
        this.assembler = assembler;
        this.relations = relations;
        this.release = release;
    }

    /**
     * Brings the tracked pages up to date with the full-page images of a record that is not a row
     * change (a row change's handler applies the whole record itself). Without values only the
     * followed catalogs' pages are tracked, and only their records come with images.
     */
    void applyImages(XLogRecordView r) {
        pages.apply(r, heap, false);
    }

    /** Whether a checkpoint before the first record read is known (from the start or on the way). */
    boolean startKnown() {
        return startKnown;
    }

    /** Reading began at (or has passed) this checkpoint: transactions from its nextXid on are whole. */
    void startAt(Checkpoints.Checkpoint c) {
        startKnown = true;
        nextXidAtStart = c.nextXid();
        checkpoint = c;
    }

    /** A checkpoint record read (after the start). */
    void passed(Checkpoints.Checkpoint c) {
        if (!startKnown) {
            startAt(c);
        }
        checkpoint = c;
    }

    /** The last checkpoint started at or read, null when none is known. */
    Checkpoints.Checkpoint checkpoint() {
        return checkpoint;
    }

    /**
     * Whether transaction {@code xid} may have written before the first record read: no checkpoint
     * is known, or the xid is below the checkpoint's nextXid.
     */
    boolean incomplete(int xid) {
        return !startKnown || Integer.compareUnsigned(xid, nextXidAtStart) < 0;
    }

    /** A buffer of at least {@code n} subtransaction xids, reused from record to record. */
    int[] subxids(int n) {
        if (subxids.length < n) {
            subxids = new int[Math.max(n, subxids.length * 2)];
        }
        return subxids;
    }
}
