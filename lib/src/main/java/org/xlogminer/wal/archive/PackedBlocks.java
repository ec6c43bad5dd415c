package org.xlogminer.wal.archive;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.xlogminer.wal.reader.DirectBuffers;

import net.jpountz.lz4.LZ4Compressor;

/**
 * One segment's packed byte ranges ({@link PackedSegments}): blocks sorted by where they start
 * and not overlapping, block i holding {@code blockLength[i]} bytes of the segment from
 * {@code start[i]}, packed into {@code packedLength[i]} bytes at {@code at[i]} of
 * {@code pieces[piece[i]]}; and how ranges are cut into blocks and compressed.
 *
 * <p>Not thread-safe: guarded by the {@link PackedSegments} that holds it ({@link #compress}
 * touches no instance).
 */
final class PackedBlocks {

    /**
     * Bytes per block at most: small enough that a read is quick, large enough to compress well,
     * and below the 4 kB from which LZ4 clears its hash table before each block.
     */
    static final int BLOCK = 4000;
    /**
     * Packed blocks are gathered in pieces of about this size (a piece ends when the next might not
     * fit), compressed into a scratch array, then copied to a direct buffer of their exact size.
     */
    static final int PIECE = 256 * 1024;

    /** The segment's bytes that can be held (its decompressed length, at most a segment). */
    final int length;
    /** The decompressed size of the segment's file. */
    final long size;
    final List<ByteBuffer> pieces = new ArrayList<>();
    int count;
    int[] start = new int[0];
    short[] blockLength = new short[0];
    int[] piece = new int[0];
    int[] at = new int[0];
    short[] packedLength = new short[0];
    /** Memory taken: the pieces and the blocks' places. */
    long bytes;

    PackedBlocks(int length, long size) {
        this.length = length;
        this.size = size;
    }

    /** The block holding byte {@code pos}, or -1. */
    int blockAt(long pos) {
        int b = startingBefore(pos + 1) - 1;
        return b >= 0 && pos < start[b] + blockLength[b] ? b : -1;
    }

    /** The first block that starts at or after {@code pos}, or -1. */
    int firstFrom(long pos) {
        int b = startingBefore(pos);
        return b < count ? b : -1;
    }

    /** How many blocks start before {@code pos} (they are sorted by where they start). */
    private int startingBefore(long pos) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (start[mid] < pos) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Merges the blocks in (each list sorted, the lists in order, none overlapping these), the
     * pieces of the lists numbered from {@code firstPiece} on.
     */
    void add(List<Piece> list, int firstPiece) {
        int added = 0;
        for (Piece b : list) {
            added += b.count;
        }
        int n = count + added;
        int[] s = new int[n];
        short[] l = new short[n];
        int[] p = new int[n];
        int[] a = new int[n];
        short[] pl = new short[n];
        int i = 0;
        int li = 0;
        int j = 0;
        for (int k = 0; k < n; k++) {
            Piece b = li < list.size() ? list.get(li) : null;
            if (b == null || i < count && start[i] < b.start[j]) {
                s[k] = start[i];
                l[k] = blockLength[i];
                p[k] = piece[i];
                a[k] = at[i];
                pl[k] = packedLength[i];
                i++;
            } else {
                s[k] = b.start[j];
                l[k] = (short) b.length[j];
                p[k] = firstPiece + li;
                a[k] = b.at[j];
                pl[k] = (short) b.packedLength[j];
                if (++j == b.count) {
                    li++;
                    j = 0;
                }
            }
        }
        bytes += 14L * added;
        count = n;
        start = s;
        blockLength = l;
        piece = p;
        at = a;
        packedLength = pl;
    }

    /** Frees the pieces' memory now (where the JDK can). */
    void free() {
        for (ByteBuffer p : pieces) {
            DirectBuffers.free(p);
        }
        pieces.clear();
    }

    /** Blocks compressed into one piece of memory, not yet placed, in order. */
    static final class Piece {
        int[] start = new int[256];
        int[] length = new int[256];
        int[] at = new int[256];
        int[] packedLength = new int[256];
        int count;
        ByteBuffer piece;

        /** Room for one more block. */
        void grow() {
            if (count == start.length) {
                start = Arrays.copyOf(start, count * 2);
                length = Arrays.copyOf(length, count * 2);
                at = Arrays.copyOf(at, count * 2);
                packedLength = Arrays.copyOf(packedLength, count * 2);
            }
        }
    }

    /**
     * The ranges asked for, clipped to length, sorted and merged, less what p holds already (its
     * blocks are read whole or not at all, so a range is cut around them).
     */
    static long[] wanted(PackedBlocks p, long[] ranges, int count, int length) {
        long[] sorted = Arrays.copyOf(ranges, count);
        if (!sortedByStart(sorted)) { // the reader marks in order: sorting is rare (and not compiled)
            Arrays.sort(sorted); // by start: the start is in the high half
        }
        long[] out = new long[count + (p == null ? 0 : p.count) + 1];
        int n = 0;
        int i = 0;
        while (i < count) {
            int from = (int) (sorted[i] >>> 32);
            int to = Math.min((int) sorted[i], length);
            for (i++; i < count && (int) (sorted[i] >>> 32) <= to; i++) {
                to = Math.max(to, Math.min((int) sorted[i], length));
            }
            while (from < to) {
                int b = p == null ? -1 : p.blockAt(from);
                if (b >= 0) { // held: skip the block
                    from = p.start[b] + p.blockLength[b];
                    continue;
                }
                int next = p == null ? -1 : p.firstFrom(from);
                int end = next < 0 ? to : Math.min(to, p.start[next]);
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = (long) from << 32 | end;
                from = end;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** Whether the ranges are in order of where they start. */
    private static boolean sortedByStart(long[] ranges) {
        for (int i = 1; i < ranges.length; i++) {
            if (ranges[i] < ranges[i - 1]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Compresses the ranges, cut into blocks, into pieces off the heap: straight into a direct
     * buffer of about {@link #PIECE} bytes, kept as it is once full (less than a block's room
     * left unused), but the last, copied into one of its exact size.
     */
    static List<Piece> compress(ByteBuffer data, long[] wanted, LZ4Compressor compressor) {
        long total = 0;
        for (long r : wanted) {
            total += (int) r - (int) (r >>> 32);
        }
        int maxBlock = compressor.maxCompressedLength(BLOCK);
        int pieceSize = (int) Math.min(PIECE, total + wanted.length * 64L) + maxBlock;
        List<Piece> out = new ArrayList<>();
        Piece current = new Piece();
        ByteBuffer into = ByteBuffer.allocateDirect(pieceSize);
        int used = 0;
        try {
            for (long r : wanted) {
                for (int from = (int) (r >>> 32), to = (int) r; from < to; from += BLOCK) {
                    if (into.capacity() - used < maxBlock) {
                        current.piece = into;
                        out.add(current);
                        current = new Piece();
                        into = null; // not freed below if the next cannot be made: it is out's now
                        into = ByteBuffer.allocateDirect(pieceSize);
                        used = 0;
                    }
                    int n = Math.min(BLOCK, to - from);
                    current.grow();
                    int c = current.count++;
                    current.start[c] = from;
                    current.length[c] = n;
                    current.at[c] = used;
                    current.packedLength[c] = compressor.compress(data, from, n, into, used, into.capacity() - used);
                    used += current.packedLength[c];
                }
            }
            if (current.count > 0) {
                current.piece = ByteBuffer.allocateDirect(used).put(0, into, 0, used);
                out.add(current);
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            out.forEach(p -> DirectBuffers.free(p.piece));
            throw e;
        } finally {
            DirectBuffers.free(into);
        }
        return out;
    }
}
