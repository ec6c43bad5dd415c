package org.xlogminer.tx;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

import org.xlogminer.util.OpenAddressing;
import org.xlogminer.wal.reader.XLogRecordView;

/**
 * Keeps the row-changing records of open transactions until the transaction ends: at commit
 * their records are handed back in WAL order, subtransactions folded in; at abort they are
 * dropped (or handed back, for those who want to see aborted work).
 *
 * <p>Records are kept as copies of their bytes without their full-page images
 * ({@link XLogRecordView#copyWithoutImages()}: what a page held is taken at read time), per xid
 * as logged ({@code xl_xid} is the subtransaction's own xid); a commit names its committed
 * subtransactions, an abort its aborted ones, so buffers are joined only when the transaction ends.
 *
 * <p>Memory is bounded: when the bytes kept in memory pass the budget, the largest transaction's
 * records move to a temporary file (and stream back from it at commit), so a 10-million-row UPDATE
 * costs disk, not heap. Spill files are deleted when their transaction ends and on {@link #close()}.
 *
 * <p>Not thread-safe.
 */
public final class TxAssembler implements Closeable {

    /** Default memory budget for kept records. */
    public static final long DEFAULT_MEMORY_BUDGET = 256L << 20;

    /**
     * A kept record: where it was, its bytes, and the tuples its pages held when it was read
     * (null when not needed or not known): the old row of an UPDATE or DELETE, the new row of an
     * INSERT or UPDATE whose record does not carry it whole, the tuples of a MULTI_INSERT whose
     * block data an image replaced. Each tuple is the whole on-page tuple, header included.
     */
    public record StoredRecord(long lsn, long endLsn, byte[] bytes, byte[] pageOldTuple, byte[] pageNewTuple,
                               byte[][] pageMultiTuples) {
        public StoredRecord(long lsn, long endLsn, byte[] bytes) {
            this(lsn, endLsn, bytes, null, null, null);
        }

        long size() {
            long n = bytes.length + 48L;
            n += pageOldTuple == null ? 0 : pageOldTuple.length + 16;
            n += pageNewTuple == null ? 0 : pageNewTuple.length + 16;
            if (pageMultiTuples != null) {
                for (byte[] t : pageMultiTuples) {
                    n += t == null ? 8 : t.length + 16;
                }
            }
            return n;
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

    /** Keeps a copy of the record with the tuples its pages held (see {@link StoredRecord}). */
    public void add(int xid, XLogRecordView record, byte[] pageOldTuple, byte[] pageNewTuple, byte[][] pageMultiTuples) {
        keep(xid, new StoredRecord(record.lsn(), record.endLsn(), record.copyWithoutImages(), pageOldTuple,
            pageNewTuple, pageMultiTuples));
    }

    /**
     * Keeps bytes the caller made of the record at {@code lsn} (a summary of it, say) in its place:
     * they come back as {@link StoredRecord#bytes()}, in WAL order with the xid's other records.
     */
    public void add(int xid, long lsn, long endLsn, byte[] bytes) {
        keep(xid, new StoredRecord(lsn, endLsn, bytes));
    }

    /** Keeps what the caller made of a record in its place (see {@link #add(int, long, long, byte[])}). */
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
        long size = s.size();
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
        try {
            if (largest.spillFile == null) {
                Files.createDirectories(spillDir);
                largest.spillFile = Files.createTempFile(spillDir, "xlogminer-tx-" + Integer.toUnsignedString(largest.xid) + "-", ".spill");
                largest.spillFile.toFile().deleteOnExit();
            }
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                Files.newOutputStream(largest.spillFile, StandardOpenOption.APPEND), 1 << 16))) {
                for (StoredRecord s : largest.memory) {
                    out.writeLong(s.lsn);
                    out.writeLong(s.endLsn);
                    writeBytes(out, s.bytes);
                    writeBytes(out, s.pageOldTuple);
                    writeBytes(out, s.pageNewTuple);
                    out.writeInt(s.pageMultiTuples == null ? -1 : s.pageMultiTuples.length);
                    if (s.pageMultiTuples != null) {
                        for (byte[] t : s.pageMultiTuples) {
                            writeBytes(out, t);
                        }
                    }
                    spilledBytes += s.size();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("spilling transaction " + Integer.toUnsignedString(largest.xid) + " to " + spillDir, e);
        }
        largest.spilled += largest.memory.size();
        largest.memory.clear();
        inMemory -= largest.memoryBytes;
        largest.memoryBytes = 0;
        spills++;
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) {
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
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
     * Open transactions, found by the buffers' own xids, so that a record's look-up boxes no
     * Integer and makes no map node.
     */
    static final class XidMap extends OpenAddressing<TxBuffer> {
        XidMap() {
            super(256);
        }

        private static int hash(int xid) {
            return xid * 0x9E3779B9 >>> 7;
        }

        @Override
        protected int hash(TxBuffer b) {
            return hash(b.xid);
        }

        TxBuffer get(int xid) {
            for (int i = firstSlot(hash(xid)); ; i = nextSlot(i)) {
                TxBuffer b = at(i);
                if (b == null || b.xid == xid) {
                    return b;
                }
            }
        }

        /** Removes and returns the buffer of this xid, or null. */
        TxBuffer remove(int xid) {
            TxBuffer b = get(xid);
            if (b != null) {
                remove(b);
            }
            return b;
        }
    }

    /** The records one transaction kept per xid. */
    static final class TxBuffer {
        final int xid;
        final List<StoredRecord> memory = new ArrayList<>();
        long memoryBytes;
        long count;
        long firstLsn;
        boolean marked;
        Path spillFile;
        long spilled;

        TxBuffer(int xid) {
            this.xid = xid;
        }

        Iterator<StoredRecord> iterator() {
            if (spillFile == null) {
                return memory.iterator();
            }
            return new Iterator<>() {
                private DataInputStream in = open();
                private long left = spilled;
                private final Iterator<StoredRecord> tail = memory.iterator();

                private DataInputStream open() {
                    try {
                        return new DataInputStream(new BufferedInputStream(Files.newInputStream(spillFile), 1 << 16));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public boolean hasNext() {
                    return left > 0 || tail.hasNext();
                }

                @Override
                public StoredRecord next() {
                    if (left > 0) {
                        try {
                            long lsn = in.readLong();
                            long end = in.readLong();
                            byte[] bytes = readBytes(in);
                            byte[] oldT = readBytes(in);
                            byte[] newT = readBytes(in);
                            int m = in.readInt();
                            byte[][] multi = m < 0 ? null : new byte[m][];
                            for (int i = 0; i < m; i++) {
                                multi[i] = readBytes(in);
                            }
                            if (--left == 0) {
                                in.close();
                            }
                            return new StoredRecord(lsn, end, bytes, oldT, newT, multi);
                        } catch (EOFException e) {
                            throw new IllegalStateException("spill file " + spillFile + " is shorter than written", e);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                    return tail.next();
                }
            };
        }

        void deleteSpill() {
            if (spillFile != null) {
                try {
                    Files.deleteIfExists(spillFile);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                spillFile = null;
            }
        }
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
            return b.spillFile == null && b.memoryBytes <= maxBytes ? Collections.unmodifiableList(b.memory) : null;
        }

        @Override
        public Iterator<StoredRecord> iterator() {
            if (parts.size() == 1) {
                return parts.get(0).iterator();
            }
            PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> Long.compareUnsigned(a.current.lsn, b.current.lsn));
            for (TxBuffer b : parts) {
                Iterator<StoredRecord> it = b.iterator();
                if (it.hasNext()) {
                    heads.add(new Head(it, it.next()));
                }
            }
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return !heads.isEmpty();
                }

                @Override
                public StoredRecord next() {
                    Head h = heads.poll();
                    if (h == null) {
                        throw new NoSuchElementException();
                    }
                    StoredRecord r = h.current;
                    if (h.rest.hasNext()) {
                        h.current = h.rest.next();
                        heads.add(h);
                    }
                    return r;
                }
            };
        }

        @Override
        public void close() {
            for (TxBuffer b : parts) {
                b.deleteSpill();
            }
        }

        private static final class Head {
            final Iterator<StoredRecord> rest;
            StoredRecord current;

            Head(Iterator<StoredRecord> rest, StoredRecord current) {
                this.rest = rest;
                this.current = current;
            }
        }
    }
}
