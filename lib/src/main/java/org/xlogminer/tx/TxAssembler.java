package org.xlogminer.tx;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

import org.xlogminer.wal.reader.XLogRecordView;

/**
 * Keeps the row-changing records of open transactions until the transaction ends: at commit
 * their records are handed back in WAL order, subtransactions folded in; at abort they are
 * dropped (or handed back, for those who want to see aborted work).
 *
 * <p>Records are kept as copies of their bytes without their full-page images
 * ({@link XLogRecordView#copyWithoutImages()}: what a page held is taken at read time), or as the
 * caller's summaries of them, per xid as logged ({@code xl_xid} is the subtransaction's own xid)
 * in a {@link TxBuffer}; a commit names its committed subtransactions, an abort its aborted ones,
 * so buffers are joined only when the transaction ends ({@link Ended}, {@link WalOrderMerge}).
 *
 * <p>Memory is bounded: when the bytes kept in memory pass the budget, the largest transaction's
 * records move to its {@link TxSpillFile} (and stream back from it at commit), so a 10-million-row
 * UPDATE costs disk, not heap. Spill files are deleted when their transaction ends and on
 * {@link #close()}.
 *
 * <p>Not thread-safe.
 */
public final class TxAssembler implements Closeable {

    /** Default memory budget for kept records. */
    public static final long DEFAULT_MEMORY_BUDGET = 256L << 20;

    /**
     * A kept record, of one of two kinds told apart by type: a {@link Copy} of the record's bytes,
     * or a {@link Summary} the caller made of it in its place. Either comes with the tuples its
     * pages held when it was read (null when not needed or not known): the old row of an UPDATE or
     * DELETE, the new row of an INSERT or UPDATE whose record does not carry it whole. Each tuple is
     * the whole on-page tuple, header included. Immutable (the arrays are not changed once kept).
     */
    public sealed interface StoredRecord permits StoredRecord.Copy, StoredRecord.Summary {

        /** The LSN of the record. */
        long lsn();

        /** The LSN just past the record. */
        long endLsn();

        /** The record's bytes (a copy), or the summary's. */
        byte[] bytes();

        /** The old row as its page held it, or null. */
        byte[] pageOldTuple();

        /** The new row as its page held it, or null. */
        byte[] pageNewTuple();

        /**
         * A copy of a record's bytes, without its full-page images, with what its pages held; and
         * for a MULTI_INSERT whose block data an image replaced, its tuples (null: none kept).
         */
        record Copy(long lsn, long endLsn, byte[] bytes, byte[] pageOldTuple, byte[] pageNewTuple,
                    byte[][] pageMultiTuples) implements StoredRecord {
            public Copy(long lsn, long endLsn, byte[] bytes) {
                this(lsn, endLsn, bytes, null, null, null);
            }
        }

        /** The caller's summary of a record, in the record's place, with what its pages held. */
        record Summary(long lsn, long endLsn, byte[] bytes, byte[] pageOldTuple, byte[] pageNewTuple)
            implements StoredRecord {
        }
    }

    private final long budget;
    private final Path spillDir;
    private final XidMap open = new XidMap();
    private long inMemory;
    private long spilledBytes;
    private int spills;

    public TxAssembler(long memoryBudgetBytes, Path spillDir) {
        if (memoryBudgetBytes <= 0) {
            throw new IllegalArgumentException("memory budget must be positive");
        }
        this.budget = memoryBudgetBytes;
        this.spillDir = spillDir;
    }

    /** Keeps a copy of the record under the xid that logged it. */
    public void add(int xid, XLogRecordView record) {
        add(xid, record, null, null, null);
    }

    /** Keeps a copy of the record with the tuples its pages held (see {@link StoredRecord.Copy}). */
    public void add(int xid, XLogRecordView record, byte[] pageOldTuple, byte[] pageNewTuple, byte[][] pageMultiTuples) {
        keep(xid, new StoredRecord.Copy(record.lsn(), record.endLsn(), record.copyWithoutImages(), pageOldTuple,
            pageNewTuple, pageMultiTuples));
    }

    /**
     * Keeps a summary the caller made of the record at {@code lsn} in the record's place: it comes
     * back as a {@link StoredRecord.Summary}, in WAL order with the xid's other records.
     */
    public void add(int xid, long lsn, long endLsn, byte[] summary) {
        keep(xid, new StoredRecord.Summary(lsn, endLsn, summary, null, null));
    }

    /** Keeps what the caller made of a record in its place. */
    public void add(int xid, StoredRecord s) {
        keep(xid, s);
    }

    private void keep(int xid, StoredRecord s) {
        TxBuffer b = open.get(xid);
        if (b == null) {
            b = new TxBuffer(xid);
            open.add(b);
        }
        if (b.firstLsn == 0) {
            b.firstLsn = s.lsn();
        }
        b.memory.add(s);
        long size = TxBuffer.sizeOf(s);
        b.memoryBytes += size;
        inMemory += size;
        b.count++;
        if (inMemory > budget) {
            spillLargest();
        }
    }

    /**
     * Marks the open transaction of this xid (one with a record kept): a caller's note, read back
     * with {@link Ended#marked()} (the miner marks transactions whose decoding needs its own state).
     */
    public void mark(int xid) {
        TxBuffer b = open.get(xid);
        if (b != null) {
            b.marked = true;
        }
    }

    /** Whether any record of this xid is kept. */
    public boolean isOpen(int xid) {
        return open.get(xid) != null;
    }

    /** LSN of the first kept record of this xid, 0 if none. */
    public long firstLsn(int xid) {
        TxBuffer b = open.get(xid);
        return b == null ? 0 : b.firstLsn;
    }

    /**
     * Ends a transaction and its subtransactions: removes their records and returns them merged in
     * WAL order. The caller decides what a commit or abort means for them.
     */
    public Ended end(int xid, int[] subxids, int nsub) {
        List<TxBuffer> parts = new ArrayList<>(1 + nsub);
        TxBuffer top = open.remove(xid);
        if (top != null) {
            parts.add(top);
        }
        for (int i = 0; i < nsub; i++) {
            TxBuffer b = open.remove(subxids[i]);
            if (b != null) {
                parts.add(b);
            }
        }
        long count = 0;
        for (TxBuffer b : parts) {
            inMemory -= b.memoryBytes;
            count += b.count;
        }
        return new Ended(parts, count);
    }

    /** Drops a transaction's records without reading them. */
    public void discard(int xid, int[] subxids, int nsub) {
        end(xid, subxids, nsub).close();
    }

    /** How many transactions have records kept (without listing them). */
    public int openCount() {
        return open.size();
    }

    /** xids with records still kept (transactions that had not ended in the WAL read). */
    public List<Integer> openXids() {
        List<Integer> l = new ArrayList<>();
        for (TxBuffer b : open.entries()) {
            l.add(b.xid);
        }
        Collections.sort(l, Integer::compareUnsigned);
        return l;
    }

    /** Bytes of records kept in memory now. */
    public long memoryBytes() {
        return inMemory;
    }

    /** Bytes written to spill files so far, and how many times a buffer was spilled. */
    public long spilledBytes() {
        return spilledBytes;
    }

    public int spills() {
        return spills;
    }

    private void spillLargest() {
        TxBuffer largest = null;
        for (TxBuffer b : open.entries()) {
            if (largest == null || b.memoryBytes > largest.memoryBytes) {
                largest = b;
            }
        }
        if (largest == null || largest.memory.isEmpty()) {
            return;
        }
        long bytes = largest.memoryBytes;
        try {
            largest.spill(spillDir);
        } catch (IOException e) {
            throw new UncheckedIOException("spilling transaction " + Integer.toUnsignedString(largest.xid) + " to " + spillDir, e);
        }
        spilledBytes += bytes;
        inMemory -= bytes;
        spills++;
    }

    @Override
    public void close() {
        for (TxBuffer b : open.entries()) {
            b.deleteSpill();
        }
        open.clear();
        inMemory = 0;
    }

    /**
     * The records of an ended transaction, in WAL order across its subtransactions. Iterate once,
     * then close (deletes spill files).
     */
    public static final class Ended implements Iterable<StoredRecord>, Closeable {
        private final List<TxBuffer> parts;
        private final long count;

        Ended(List<TxBuffer> parts, long count) {
            this.parts = parts;
            this.count = count;
        }

        /** Number of records. */
        public long count() {
            return count;
        }

        public boolean isEmpty() {
            return count == 0;
        }

        /** Whether the transaction or one of its subtransactions was {@linkplain TxAssembler#mark marked}. */
        public boolean marked() {
            for (TxBuffer b : parts) {
                if (b.marked) {
                    return true;
                }
            }
            return false;
        }

        /**
         * The records, when they are all in memory, under one xid (no subtransaction kept any), and
         * take at most {@code maxBytes}: a list nothing changes any more, which may go to another
         * thread and outlive {@link #close()}. Else null.
         */
        public List<StoredRecord> inMemory(long maxBytes) {
            if (parts.size() != 1) {
                return null;
            }
            TxBuffer b = parts.get(0);
            return b.spill == null && b.memoryBytes <= maxBytes ? Collections.unmodifiableList(b.memory) : null;
        }

        @Override
        public Iterator<StoredRecord> iterator() {
            return parts.size() == 1 ? parts.get(0).iterator() : new WalOrderMerge(parts);
        }

        @Override
        public void close() {
            for (TxBuffer b : parts) {
                b.deleteSpill();
            }
        }
    }
}
