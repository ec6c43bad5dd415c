package org.xlogminer.wal.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Decompressed segments held in a few reusable buffers of a segment's size, filled by
 * {@link SegmentInflater}: the one being read, the next one (decompressed ahead on a thread of its
 * own while the reader works through the current one), and the most recently used earlier one.
 * The reader's segment and the one ahead are kept before any earlier one when a buffer is needed.
 * Once an earlier segment has been read again, the segments held then and each one decompressed
 * after are also kept packed ({@link PackedSegments}), for the reader's {@code RecordFetcher},
 * which reads tuples of full-page images again from anywhere in the WAL read so far (a reader that
 * only goes forward, as {@code records} and {@code stats} do, spends nothing on packing); the
 * packing runs after the buffer is readable, so the reader does not wait for it. A segment held
 * neither way is decompressed again, on the caller's thread. Memory is bounded: the buffers take
 * at most {@link #MAX_BUFFER_BYTES} (at least two buffers), the packed segments their budget.
 *
 * <p>Thread-safe: one reading thread at a time plus the read-ahead thread. The buffers' state is
 * guarded by one lock, released while a buffer is filled or packed (a buffer being filled or
 * packed is marked so and not refilled); a buffer is copied out under the lock, so it is never
 * refilled while it is read.
 * {@link #close()} stops the read-ahead thread and frees the packed segments.
 */
final class InflatedSegments implements Closeable {

    static final long MAX_BUFFER_BYTES = 48L << 20;

    private static final int EMPTY = 0;
    private static final int LOADING = 1;
    private static final int READY = 2;

    /** One buffer and the segment it holds. */
    private static final class Slot {
        /** Off the heap, as the packed chunks are: the collector would copy it when promoting it. */
        final ByteBuffer data;
        long segno = -1;
        int state = EMPTY;
        long size;
        RuntimeException failure;
        long lastUsed;
        /** Being packed: readable, but not to be refilled. */
        boolean pinned;
        /** For the compressed file, read whole when its format allows (used only while LOADING). */
        final SegmentInflater.Input input = new SegmentInflater.Input();

        Slot(int segmentSize) {
            data = ByteBuffer.allocateDirect(segmentSize);
        }
    }

    private final int segmentSize;
    private final Slot[] slots;
    private final PackedSegments packed;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long tick;
    /** The highest segment read; a read below it means segments are read again, so worth packing. */
    private long highest = -1;
    private boolean rereading;

    /** The segment the read-ahead thread is to decompress next, or null. */
    private SegmentFile pendingFile;
    private long pendingSegno = -1;
    private Thread ahead;
    private boolean closed;

    /** @param packBudget the most bytes segments kept packed may take (0: none kept) */
    InflatedSegments(int segmentSize, long packBudget) {
        this.segmentSize = segmentSize;
        this.packed = new PackedSegments(packBudget);
        this.slots = new Slot[(int) Math.max(2, MAX_BUFFER_BYTES / segmentSize)];
    }

    /** Copies bytes of the segment (decompressing it first if need be); see SegmentSource.read. */
    int read(long segno, SegmentFile file, long offset, byte[] dst, int dstOffset, int length) {
        lock.lock();
        try {
            if (segno > highest) {
                highest = segno;
            } else if (segno < highest && !rereading) {
                rereading = true;
                packHeld();
            }
            if (find(segno) == null) {
                int n = packed.read(segno, offset, dst, dstOffset, length);
                if (n >= 0) {
                    return n;
                }
            }
            Slot s = held(segno, file);
            long available = Math.min(s.size, segmentSize);
            if (offset >= available) {
                return 0;
            }
            int n = (int) Math.min(length, available - offset);
            s.data.get((int) offset, dst, dstOffset, n);
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** The segment's decompressed size (decompressing it first if need be). */
    long size(long segno, SegmentFile file) {
        lock.lock();
        try {
            long size = find(segno) == null ? packed.size(segno) : -1;
            return size >= 0 ? size : held(segno, file).size;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the segment is kept packed. */
    boolean packs(long segno) {
        return packed.holds(segno);
    }

    /** Has the read-ahead thread decompress this segment, unless it is held already. */
    void prefetch(long segno, SegmentFile file) {
        lock.lock();
        try {
            if (closed || find(segno) != null) {
                return;
            }
            pendingSegno = segno;
            pendingFile = file;
            if (ahead == null) {
                ahead = new Thread(this::readAhead, "xlogminer-wal-inflate");
                ahead.setDaemon(true);
                ahead.start();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The slot holding the segment, ready: waits for the read-ahead thread or decompresses here. */
    private Slot held(long segno, SegmentFile file) {
        Slot s = find(segno);
        while (s != null && s.state == LOADING) {
            waitHere();
            s = find(segno);
        }
        if (s == null) {
            s = victim();
            fill(s, segno, file);
        }
        if (s.failure != null) {
            RuntimeException f = s.failure;
            s.state = EMPTY; // a later read tries again (and fails again, on this thread)
            s.segno = -1;
            s.failure = null;
            throw f;
        }
        s.lastUsed = ++tick;
        return s;
    }

    /**
     * Decompresses into the slot with the lock released meanwhile (the slot is marked LOADING),
     * then, if segments are read again (by then: reading again may begin meanwhile), packs it.
     */
    private void fill(Slot s, long segno, SegmentFile file) {
        s.segno = segno;
        s.state = LOADING;
        s.failure = null;
        long size = 0;
        RuntimeException failure = null;
        lock.unlock();
        try {
            size = SegmentInflater.inflate(file, s.data, s.input);
        } catch (IOException e) {
            failure = new UncheckedIOException("reading " + file, e);
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            lock.lock();
            s.size = size;
            s.failure = failure;
            s.state = READY;
            s.lastUsed = ++tick;
            changed.signalAll();
        }
        if (rereading && failure == null) {
            pack(s);
        }
    }

    /**
     * Packs the segments held but not packed when reading again begins: they were decompressed
     * before (the first few of a range), and the first read of each would decompress it again.
     */
    private void packHeld() {
        for (Slot s : slots) {
            if (s != null && s.state == READY && s.failure == null && !s.pinned && !packed.holds(s.segno)) {
                pack(s);
            }
        }
    }

    /**
     * Packs the slot's segment with the lock released meanwhile: the slot is READY, so the reader
     * reads it meanwhile, but it is pinned against being refilled.
     */
    private void pack(Slot s) {
        long segno = s.segno;
        long size = s.size;
        s.pinned = true;
        lock.unlock();
        try {
            packed.pack(segno, s.data, (int) Math.min(size, segmentSize), size);
        } finally {
            lock.lock();
            s.pinned = false;
            changed.signalAll();
        }
    }

    private Slot find(long segno) {
        for (Slot s : slots) {
            if (s != null && s.segno == segno && s.state != EMPTY) {
                return s;
            }
        }
        return null;
    }

    /**
     * An unused buffer, or else the least recently used one of those that hold a segment before
     * the furthest read (the reader's current segment and the one decompressed ahead of it are
     * kept while others can go: small reads of earlier segments would otherwise make the current
     * one look old), or else the least recently used one; never one being filled or packed.
     */
    private Slot victim() {
        Slot best = null;
        boolean bestBehind = false;
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] == null) {
                slots[i] = new Slot(segmentSize);
                return slots[i];
            }
            Slot s = slots[i];
            if (s.state == LOADING || s.pinned) {
                continue;
            }
            boolean behind = s.state == EMPTY || s.segno < highest;
            if (best == null || behind && !bestBehind || behind == bestBehind && s.lastUsed < best.lastUsed) {
                best = s;
                bestBehind = behind;
            }
        }
        while (best == null) { // every buffer is being filled or packed (only with two): wait for one
            waitHere();
            best = victim();
        }
        return best;
    }

    private void readAhead() {
        lock.lock();
        try {
            while (!closed) {
                if (pendingFile == null) {
                    changed.awaitUninterruptibly();
                    continue;
                }
                long segno = pendingSegno;
                SegmentFile file = pendingFile;
                pendingFile = null;
                if (find(segno) == null) {
                    fill(victim(), segno, file);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void waitHere() {
        try {
            changed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a segment to be decompressed", e);
        }
    }

    @Override
    public void close() {
        Thread t;
        lock.lock();
        try {
            closed = true;
            t = ahead;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (t != null) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        packed.close();
    }
}
