package org.xlogminer.wal.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.xlogminer.wal.archive.SegmentBuffers.Slot;
import org.xlogminer.wal.reader.SegmentSource;

/**
 * Decompressed segments held in a few reusable buffers of a segment's size
 * ({@link SegmentBuffers}), filled by {@link SegmentInflater}: the one being read, the next
 * {@value #AHEAD} (decompressed ahead on a thread of its own while the reader works through the
 * current one), and the most recently used earlier ones. The reader's segment and those ahead are
 * kept before any earlier one when a buffer is needed.
 *
 * <p>The byte ranges the reader marks with {@link #keep} (tuples of full-page images that the
 * miner may read again, from anywhere in the WAL read so far) are also kept packed
 * ({@link PackedSegments}) once the reader is past them ({@link SegmentMarks}): the marks of a
 * segment are complete when the reader marks a record that starts in a later one
 * ({@link #passed}), or reads two segments further on. The read-ahead thread packs them, from the
 * buffer still holding the segment, which is not reused meanwhile. A reader that only goes
 * forward, as {@code records} and {@code stats} do, marks and packs nothing. A segment held
 * neither way is decompressed again, on the caller's thread, and its marks not yet packed (a
 * segment whose buffer was reused first) are packed then. Memory is bounded: the buffers take at
 * most {@link #MAX_BUFFER_BYTES} (at least two buffers), the packed segments their budget.
 *
 * <p>Segments larger than {@link #MAX_WHOLE} (up to 1 GB, {@code initdb --wal-segsize}) are held in
 * parts of {@link #PART} bytes instead, each part taking the place a segment takes here: numbered
 * by its first LSN divided by the part size ({@link #partSize()}), read from the file by a stream
 * kept open from one part to the next ({@link PartStreams}). Two buffers of a 1 GB segment did not
 * fit the direct memory of a heap of 640 MB.
 *
 * <p>Thread-safe: one reading thread at a time plus the read-ahead thread. The buffers' state and
 * the hand-over of marks are guarded by one lock, released while a buffer is filled or packed (a
 * buffer being filled or waiting to be packed is marked so and not refilled); a buffer is copied
 * out under the lock, so it is never refilled while it is read.
 * {@link #close()} stops the read-ahead thread and frees the packed segments.
 */
final class InflatedSegments implements Closeable {

    private static final int LOADING = SegmentBuffers.LOADING;
    private static final int READY = SegmentBuffers.READY;
    private static final int EMPTY = SegmentBuffers.EMPTY;

    /**
     * Five segments of the default size: the one being packed (the reader's previous), the
     * reader's, the {@value #AHEAD} ahead, and one that can be reused meanwhile.
     */
    static final long MAX_BUFFER_BYTES = 80L << 20;
    /** The largest segment held whole in a buffer; larger ones are held in parts. */
    static final int MAX_WHOLE = 64 << 20;
    /** The size of a part of a larger segment: the default segment size. */
    static final int PART = 16 << 20;
    /**
     * Segments decompressed ahead of the reader: with one, the reader waited for it or decompressed
     * it itself about one segment in four (the read-ahead thread shares two cores with the reader,
     * the handler, the compilers and the collector, and packs too).
     */
    static final int AHEAD = 2;

    /** A segment to decompress ahead of the reader. */
    record Ahead(long segno, SegmentFile file) {
    }

    /** The ranges of a segment to pack, handed from the reader to the read-ahead thread. */
    private record Pack(Slot slot, SegmentMarks.Ranges ranges) {
    }

    /** The size of what a buffer holds: a segment, or a part of one. */
    private final int partSize;
    /** Parts per segment: 1 for a segment held whole. */
    private final int parts;
    /** The open streams of large segments' files, between parts (null for segments held whole). */
    private final PartStreams streams;
    private final SegmentBuffers buffers;
    private final PackedSegments packed;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long tick;
    /**
     * The segment of the reader's last window ({@link SegmentSource#WINDOW_READ}): where it is on
     * its way forward (lower than before when it reads the WAL through once more).
     */
    private long current = -1;

    /** What the reader marked to be packed, until handed over. */
    private final SegmentMarks marks = new SegmentMarks();
    /**
     * The segment the reader's last marked record starts in (-1: none yet): the marks of those
     * before it are complete. Lower than before when the WAL is read through once more.
     */
    private volatile long marking = -1;
    /** Packs for the read-ahead thread, each pinning its slot. */
    private final ArrayDeque<Pack> packs = new ArrayDeque<>();

    /** The segments the read-ahead thread is to decompress next, in order. */
    private final ArrayDeque<Ahead> pending = new ArrayDeque<>();
    private Thread ahead;
    private boolean closed;

    /** Reads served from packed ranges, and segments decompressed (guarded by the lock). */
    private long packedReads;
    private long fills;

    /**
     * @param packBudget the most bytes segments kept packed may take (0: none kept)
     * @param buffers    buffers of a segment's (or a part's) size (at least 2; 0: as many as
     *                   {@link #MAX_BUFFER_BYTES} holds)
     */
    InflatedSegments(int segmentSize, long packBudget, int buffers) {
        this(segmentSize, segmentSize <= MAX_WHOLE ? segmentSize : PART, packBudget, buffers);
    }

    /** With segments held in parts of {@code partSize} bytes (a divisor of the segment size). */
    InflatedSegments(int segmentSize, int partSize, long packBudget, int buffers) {
        if (partSize <= 0 || segmentSize % partSize != 0) {
            throw new IllegalArgumentException("a part of " + partSize + " bytes does not divide a segment of "
                + segmentSize);
        }
        this.partSize = partSize;
        this.parts = segmentSize / partSize;
        this.streams = parts > 1 ? new PartStreams() : null;
        this.packed = new PackedSegments(packBudget);
        this.buffers = new SegmentBuffers(partSize,
            buffers > 0 ? buffers : (int) Math.min(Integer.MAX_VALUE, MAX_BUFFER_BYTES / partSize));
    }

    /**
     * The bytes a buffer holds: the segment size, or for a segment held in parts the part size;
     * the "segment" numbers and offsets the other methods take are then a part's: LSN divided
     * by it, and the rest.
     */
    int partSize() {
        return partSize;
    }

    /**
     * Marks bytes [from, to) of the segment as worth keeping for reading again: they are packed
     * once the reader is past the segment. On the reading thread.
     */
    void keep(long segno, long from, long to) {
        marks.mark(segno, (int) from, (int) to);
    }

    /**
     * Says that the reader marks a record that starts in this segment: the marks of the segments
     * before it are complete, and those held are handed over for packing. On the reading thread.
     */
    void passed(long segno) {
        if (segno == marking) {
            return;
        }
        marking = segno;
        lock.lock();
        try {
            handOverHeld(segno);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands over the marks of the segments held below {@code below} (whose marks are complete);
     * under the lock. Those not held are handed over when a read decompresses them again.
     */
    private void handOverHeld(long below) {
        for (Slot s : buffers.all()) {
            if (s != null && s.state == READY && s.failure == null && s.segno < below) {
                handOver(s);
            }
        }
    }

    /** Queues the marks of the slot's segment for the read-ahead thread, pinning the slot; under the lock. */
    private void handOver(Slot s) {
        SegmentMarks.Ranges r = marks.take(s.segno);
        if (r == null) {
            return;
        }
        s.pins++;
        packs.add(new Pack(s, r));
        startAhead();
        changed.signalAll();
    }

    /** Copies bytes of the segment (decompressing it first if need be); see SegmentSource.read. */
    int read(long segno, SegmentFile file, long offset, byte[] dst, int dstOffset, int length) {
        lock.lock();
        try {
            if (length >= SegmentSource.WINDOW_READ && segno != current) {
                current = segno;
                handOverHeld(segno - 1); // a record that started two segments back has been read
            }
            if (find(segno) == null) {
                int n = packed.read(segno, offset, dst, dstOffset, length);
                if (n >= 0) {
                    packedReads++;
                    return n;
                }
            }
            Slot s = held(segno, file);
            long available = Math.min(s.size, partSize);
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

    /** How many reads were served from packed ranges, and how many segments were decompressed. */
    long[] packedReadsAndFills() {
        lock.lock();
        try {
            return new long[] {packedReads, fills};
        } finally {
            lock.unlock();
        }
    }

    /** Waits until everything handed over for packing is packed (for tests). */
    void awaitPacked() {
        lock.lock();
        try {
            while (!packs.isEmpty() || buffers.anyPinned()) {
                waitHere();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The packed ranges (for tests). */
    PackedSegments packed() {
        return packed;
    }

    /** Whether ranges of the segment are kept packed. */
    boolean packs(long segno) {
        return packed.holds(segno);
    }

    /**
     * Has the read-ahead thread decompress these segments, in order, those not held already (in
     * place of any asked for before).
     */
    void prefetch(List<Ahead> segments) {
        lock.lock();
        try {
            pending.clear();
            if (closed) {
                return;
            }
            for (Ahead a : segments) {
                if (find(a.segno()) == null) {
                    pending.add(a);
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            startAhead();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Starts the read-ahead thread unless it runs; under the lock. */
    private void startAhead() {
        if (ahead == null) {
            ahead = new Thread(this::readAhead, "xlogminer-wal-inflate");
            ahead.setDaemon(true);
            ahead.start();
        }
    }

    /** The slot holding the segment, ready: waits for the read-ahead thread or decompresses here. */
    private Slot held(long segno, SegmentFile file) {
        Slot s;
        while (true) { // after each wait, look again: the read-ahead thread may have begun the segment
            s = find(segno);
            if (s != null && s.state != LOADING) {
                break;
            }
            if (s == null) {
                s = buffers.victim(current, marks::pending, false);
                if (s != null) {
                    fill(s, segno, file);
                    break;
                }
            }
            waitHere(); // for the segment, or for a buffer (all busy, or one to keep while one is pinned)
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
     * Decompresses into the slot with the lock released meanwhile (the slot is marked LOADING);
     * then the marks of a segment read before (complete, but not handed over: its buffer had been
     * reused) are handed over.
     */
    private void fill(Slot s, long segno, SegmentFile file) {
        s.segno = segno;
        s.state = LOADING;
        s.failure = null;
        fills++;
        long size = 0;
        RuntimeException failure = null;
        lock.unlock();
        try {
            size = parts == 1 ? SegmentInflater.inflate(file, s.data, s.input)
                : SegmentInflater.inflatePart(file, (int) (segno % parts), parts, s.data, s.input, streams);
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
        if (failure == null && (segno < marking || segno < current - 1)) { // read again: its marks are complete
            handOver(s);
        }
    }

    /**
     * Packs the marked ranges of the slot's segment with the lock released meanwhile: the slot is
     * READY, so the reader reads it meanwhile, but it is pinned against being refilled.
     */
    private void pack(Pack p) {
        Slot s = p.slot();
        lock.unlock();
        try {
            packed.pack(p.ranges().segno, s.data, (int) Math.min(s.size, partSize), s.size, p.ranges().ranges,
                p.ranges().count);
        } finally {
            lock.lock();
            s.pins--;
            changed.signalAll();
        }
    }

    /**
     * {@link #pack}, or nothing when packing fails (no direct memory left, say): the thread goes on,
     * the buffer is unpinned, and a read of those ranges decompresses the segment again.
     */
    private void packOrDrop(Pack p) {
        try {
            pack(p);
        } catch (RuntimeException | OutOfMemoryError e) {
            // the ranges are not kept: slower, not wrong
        }
    }

    private Slot find(long segno) {
        return buffers.find(segno);
    }

    /**
     * Decompresses the segments asked for ahead and packs what was handed over: the segment right
     * after the reader's first (the reader will wait for it), then packs (a buffer waiting to be
     * packed cannot take the next segment), then the segments further ahead.
     */
    private void readAhead() {
        lock.lock();
        try {
            while (!closed) {
                while (!pending.isEmpty() && find(pending.peek().segno()) != null) {
                    pending.poll();
                }
                Ahead next = pending.peek();
                Pack p = next == null || next.segno() > current + 1 ? packs.poll() : null;
                if (p != null) {
                    packOrDrop(p);
                    continue;
                }
                Slot s = next == null ? null : buffers.victim(current, marks::pending, true);
                if (s == null) {
                    p = packs.poll();
                    if (p != null) {
                        packOrDrop(p);
                    } else { // nothing asked for, or every buffer is busy or awaits its marks
                        changed.awaitUninterruptibly();
                    }
                    continue;
                }
                pending.poll();
                fill(s, next.segno(), next.file());
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
            pending.clear();
            for (Pack p : packs) {
                p.slot().pins--;
            }
            packs.clear();
            marks.close();
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
        if (t == null || !t.isAlive()) { // no thread fills the buffers any more
            buffers.close();
        }
        if (streams != null) {
            streams.close();
        }
    }
}
