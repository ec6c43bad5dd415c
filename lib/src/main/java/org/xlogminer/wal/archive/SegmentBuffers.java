package org.xlogminer.wal.archive;

import java.nio.ByteBuffer;
import java.util.function.LongPredicate;

/**
 * The reusable buffers of {@link InflatedSegments}, one decompressed segment each, made as they
 * are first needed: which one holds a segment, and which one to reuse for the next.
 *
 * <p>Not thread-safe: guarded by the lock of the {@link InflatedSegments} that owns it.
 */
final class SegmentBuffers {

    static final int EMPTY = 0;
    static final int LOADING = 1;
    static final int READY = 2;

    /** One buffer and the segment it holds. */
    static final class Slot {
        /** Off the heap, as the packed blocks are: the collector would copy it when promoting it. */
        final ByteBuffer data;
        long segno = -1;
        int state = EMPTY;
        long size;
        RuntimeException failure;
        long lastUsed;
        /** Packs asked for or running: readable, but not to be refilled while any. */
        int pins;
        /** For the compressed file, read whole when its format allows (used only while LOADING). */
        final SegmentInflater.Input input = new SegmentInflater.Input();

        Slot(int segmentSize) {
            data = ByteBuffer.allocateDirect(segmentSize);
        }
    }

    private final int segmentSize;
    private final Slot[] slots;

    /** @param count how many buffers at most (at least 2) */
    SegmentBuffers(int segmentSize, int count) {
        this.segmentSize = segmentSize;
        this.slots = new Slot[Math.max(2, count)];
    }

    /** The buffer holding (or filling) the segment, or null. */
    Slot find(long segno) {
        for (Slot s : slots) {
            if (s != null && s.segno == segno && s.state != EMPTY) {
                return s;
            }
        }
        return null;
    }

    /** The buffers, null where not made yet (not to be changed). */
    Slot[] all() {
        return slots;
    }

    /** Whether a buffer is pinned for packing. */
    boolean anyPinned() {
        for (Slot s : slots) {
            if (s != null && s.pins > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * A buffer to fill: an unused one, or else the least recently used one of those that hold a
     * segment before {@code current}, the reader's (the reader's current segment and the
     * ones decompressed ahead of it are kept while others can go: small reads of earlier segments
     * would otherwise make the current one look old), those with marks not handed over for packing
     * ({@code unpacked}) last, or else the least recently used one; never one being filled or
     * pinned for packing. Null when every buffer is, and also when the best is one to keep (the
     * reader's segment, one ahead, or one whose marks are not handed over) while another is pinned,
     * which its packing frees soon. For the read-ahead thread ({@code ahead}) only a buffer behind
     * the reader with nothing to pack: it does not take the reader's segment, nor one whose marks
     * the reader will hand over soon (the reader takes either if it needs a buffer and none is
     * pinned).
     */
    Slot victim(long current, LongPredicate unpacked, boolean ahead) {
        Slot best = null;
        int bestRank = 0;
        boolean pinned = false;
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] == null) {
                slots[i] = new Slot(segmentSize);
                return slots[i];
            }
            Slot s = slots[i];
            pinned |= s.pins > 0;
            if (s.state == LOADING || s.pins > 0) {
                continue;
            }
            // 3: empty; 2: behind the reader, nothing to pack; 1: behind, marks not handed over; 0: ahead
            int rank = s.state == EMPTY ? 3 : s.segno >= current ? 0 : unpacked.test(s.segno) ? 1 : 2;
            if (ahead && rank < 2) {
                continue;
            }
            if (best == null || rank > bestRank || rank == bestRank && s.lastUsed < best.lastUsed) {
                best = s;
                bestRank = rank;
            }
        }
        return bestRank < 2 && pinned ? null : best;
    }

    /** Frees the buffers' zstd contexts; only once no thread fills them any more. */
    void close() {
        for (Slot s : slots) {
            if (s != null) {
                s.input.close();
            }
        }
    }
}
