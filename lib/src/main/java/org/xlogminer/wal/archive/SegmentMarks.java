package org.xlogminer.wal.archive;

import java.util.Arrays;
import java.util.HashMap;

/**
 * The byte ranges a reader marks in segments as worth keeping for reading again (through
 * {@code SegmentSource.keep}: the tuples of full-page images the miner may read again), by segment,
 * until they are taken to be packed ({@link InflatedSegments}, once the reader is past them).
 *
 * <p>Thread-safe: the reading thread marks (the ranges of a segment are its own until taken); the
 * map is guarded by this object's monitor, the last segment marked is one volatile reference, so
 * that a mark costs no lock unless it starts a segment.
 */
final class SegmentMarks {

    /**
     * A segment's marked ranges, in the order marked: range i runs from
     * {@code (int) (ranges[i] >>> 32)} to {@code (int) ranges[i]}, exclusive; one that overlaps or
     * touches the last is merged into it (the reader marks in order).
     */
    static final class Ranges {
        final long segno;
        long[] ranges = new long[64];
        int count;

        Ranges(long segno) {
            this.segno = segno;
        }

        void add(int from, int to) {
            if (count > 0) {
                long last = ranges[count - 1];
                int lastFrom = (int) (last >>> 32);
                int lastTo = (int) last;
                if (from >= lastFrom && from <= lastTo) {
                    if (to > lastTo) {
                        ranges[count - 1] = (long) lastFrom << 32 | to;
                    }
                    return;
                }
            }
            if (count == ranges.length) {
                ranges = Arrays.copyOf(ranges, count * 2);
            }
            ranges[count++] = (long) from << 32 | to;
        }
    }

    private final HashMap<Long, Ranges> bySegment = new HashMap<>();
    /** The reading thread's last marked segment, spared a look-up per mark. */
    private volatile Ranges last;
    private boolean closed;

    /** Marks bytes [from, to) of the segment. On the reading thread. */
    void mark(long segno, int from, int to) {
        if (to <= from) {
            return;
        }
        Ranges r = last;
        if (r == null || r.segno != segno) {
            r = rangesOf(segno);
            if (r == null) {
                return;
            }
        }
        r.add(from, to);
    }

    /** The segment's ranges, made on first use; null once closed. */
    private synchronized Ranges rangesOf(long segno) {
        if (closed) {
            return null;
        }
        Ranges r = bySegment.computeIfAbsent(segno, Ranges::new);
        last = r;
        return r;
    }

    /** Whether the segment has marks not taken yet. */
    synchronized boolean pending(long segno) {
        return bySegment.containsKey(segno);
    }

    /** Takes the segment's marks (null if none): the reader's later marks of it start afresh. */
    synchronized Ranges take(long segno) {
        Ranges r = bySegment.remove(segno);
        if (r != null && last == r) {
            last = null;
        }
        return r;
    }

    /** Forgets every mark; later marks are dropped. */
    synchronized void close() {
        closed = true;
        bySegment.clear();
        last = null;
    }
}
