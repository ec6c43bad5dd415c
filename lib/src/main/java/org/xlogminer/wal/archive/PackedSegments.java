package org.xlogminer.wal.archive;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

import org.xlogminer.wal.reader.DirectBuffers;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Byte ranges of segments already decompressed once, kept packed for reading again at any
 * position: the ranges the miner said it may read again ({@code SegmentSource.keep}: the tuples of
 * full-page images of tracked pages), cut into blocks of at most {@link #BLOCK} bytes, each
 * compressed as an LZ4 block, so that a read decompresses one or two blocks, not the whole
 * archived file. This is what makes a compressed archive minable at about the speed of plain
 * segments: at wal_level=replica the miner reads tuples of full-page images again from all over
 * the WAL read so far (some 150,000 small reads of about 100 bytes, spread evenly over the whole
 * range back, in 1.2 GB of pgbench WAL), and a compressed stream can only be decoded from its
 * start. Only what is marked is packed, to the byte: in that WAL, 0.90 GB of tuples (a grid of
 * 4 kB chunks over the records holding them took 1.13 GB).
 *
 * <p>Blocks are small because every such read decodes a whole block and almost none finds the
 * block of the read before (the reads go all over the range); below 4 kB, a block compresses about
 * as well (1.2 GB of pgbench WAL: 3.39 times in 4 kB pieces, 3.18 in 2 kB ones) and LZ4 does not
 * clear its table before each one. LZ4 is lz4-java's, native where it loads (about twice
 * aircompressor's pure-Java speed at packing, three times at these reads), its pure-Java code
 * elsewhere.
 *
 * <p>The blocks are kept off the heap, in direct buffers: on the heap, the few hundred MB that a
 * long range packs into were copied by the collector (promoted, then compacted again by every full
 * collection as the old generation grew) on the very cores the miner runs on; off it, the
 * collector sees only a small object per piece. LZ4 reads them back from there directly.
 *
 * <p>A segment's ranges may be packed in several goes (a record read after the others); a read of
 * bytes not packed finds nothing, and the caller decompresses the archived file again
 * ({@link InflatedSegments}), which is slow but right. Memory is bounded by a budget; past it the
 * oldest segments but the one just packed are dropped (their buffers freed at once where the JDK
 * can, else when collected). Packing allocates only what it keeps. {@link #close()} frees all.
 *
 * <p>Thread-safe for one packing thread (the read-ahead thread) and one reading thread: the map,
 * the blocks' places and the one-block cache are guarded by this object's monitor, and blocks are
 * compressed outside it.
 */
final class PackedSegments {

    private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
    /**
     * LZ4's acceleration when packing: at 8, 1.2 GB of pgbench WAL packs in a fifth less time
     * than at 1 into a pack 13% larger (338 MB instead of 298; 1: 0.53 s/GB, 4: 0.46, 8: 0.42,
     * 16: 0.33 at a 34% larger pack); packing takes about as long as decoding zstd, on the same
     * read-ahead thread.
     */
    static final int ACCELERATION = 8;

    private final long budget;
    private final TreeMap<Long, PackedBlocks> segments = new TreeMap<>();
    private long bytes;
    private final LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();
    /**
     * The last block decompressed: reads of one tuple may come in a few pieces. Off the heap, as
     * the blocks are: LZ4 then reads and writes both by address, without pinning an array.
     */
    private final ByteBuffer block = ByteBuffer.allocateDirect(PackedBlocks.BLOCK);
    private PackedBlocks blockOf;
    private int blockIndex = -1;
    private boolean closed;

    PackedSegments(long budgetBytes) {
        this.budget = budgetBytes;
    }

    /**
     * Packs all of the first {@code length} bytes of the segment (what is held already stays).
     *
     * @param size the decompressed size of the whole file (more than length for one too large)
     */
    void pack(long segno, byte[] data, int length, long size) {
        pack(segno, ByteBuffer.wrap(data), length, size, new long[] {(long) length}, 1);
    }

    /**
     * Packs byte ranges of the segment's first {@code length} bytes (from index 0 of a heap or
     * direct buffer), but what is held already: range i runs from {@code (int) (ranges[i] >>> 32)}
     * to {@code (int) ranges[i]} (exclusive), clipped to length; the ranges need not be sorted.
     *
     * @param size the decompressed size of the whole file (more than length for one too large)
     */
    void pack(long segno, ByteBuffer data, int length, long size, long[] ranges, int count) {
        long[] wanted;
        synchronized (this) {
            if (closed || budget <= 0) {
                return;
            }
            wanted = PackedBlocks.wanted(segments.get(segno), ranges, count, length);
        }
        if (wanted.length == 0) {
            return;
        }
        List<PackedBlocks.Piece> packed;
        LZ4Compressor compressor = compressor();
        try {
            packed = PackedBlocks.compress(data, wanted, compressor);
        } finally {
            if (compressor instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("freeing LZ4's state", e);
                }
            }
        }
        place(segno, length, size, packed);
    }

    /**
     * LZ4 at {@link #ACCELERATION}, with its state kept from block to block (native; freed by
     * closing it), or lz4-java's plain fast compressor where the native one is missing.
     */
    private static LZ4Compressor compressor() {
        try {
            return LZ4.fastResetCompressor(ACCELERATION);
        } catch (RuntimeException | LinkageError e) {
            return LZ4.fastCompressor();
        }
    }

    /**
     * Places the compressed blocks among the segment's (nothing once closed; they do not overlap
     * the segment's, as one thread packs), then drops the oldest other segments while the pack is
     * over its budget.
     */
    private synchronized void place(long segno, int length, long size, List<PackedBlocks.Piece> packed) {
        if (closed) {
            packed.forEach(b -> DirectBuffers.free(b.piece));
            return;
        }
        PackedBlocks p = segments.get(segno);
        if (p == null) {
            p = new PackedBlocks(length, size);
            segments.put(segno, p);
        }
        long before = p.bytes;
        int firstPiece = p.pieces.size();
        for (PackedBlocks.Piece b : packed) {
            p.pieces.add(b.piece);
            p.bytes += b.piece.capacity();
        }
        p.add(packed, firstPiece);
        bytes += p.bytes - before;
        blockOf = null; // the arrays were replaced
        // the oldest others: a segment read again (a full-page image fetched back) is packed
        // again because it is wanted; dropping it at once made every later read of it inflate
        // its whole file again
        while (bytes > budget && segments.size() > 1) {
            long victim = segments.firstKey() != segno ? segments.firstKey() : segments.higherKey(segno);
            PackedBlocks dropped = segments.remove(victim);
            bytes -= dropped.bytes;
            dropped.free();
        }
    }

    /** Whether bytes of the segment are held. */
    synchronized boolean holds(long segno) {
        return segments.containsKey(segno);
    }

    /** The segment file's decompressed size, or -1 when it is not held. */
    synchronized long size(long segno) {
        PackedBlocks p = segments.get(segno);
        return p == null ? -1 : p.size;
    }

    /**
     * Copies bytes of the segment as SegmentSource.read does; -1 when the segment, or any of the
     * bytes asked for, is not held.
     */
    synchronized int read(long segno, long offset, byte[] dst, int dstOffset, int length) {
        PackedBlocks p = segments.get(segno);
        if (p == null) {
            return -1;
        }
        if (offset >= p.length) {
            return 0;
        }
        int n = (int) Math.min(length, p.length - offset);
        int first = p.blockAt(offset);
        if (first < 0) {
            return -1;
        }
        int last = first;
        while (p.start[last] + p.blockLength[last] < offset + n) {
            if (last + 1 >= p.count || p.start[last + 1] != p.start[last] + p.blockLength[last]) {
                return -1; // a gap: not all held
            }
            last++;
        }
        int done = 0;
        for (int b = first; b <= last; b++) {
            if (blockOf != p || blockIndex != b) {
                decompressor.decompress(p.pieces.get(p.piece[b]), p.at[b], p.packedLength[b], block, 0, p.blockLength[b]);
                blockOf = p;
                blockIndex = b;
            }
            long pos = offset + done;
            int in = (int) (pos - p.start[b]);
            int k = Math.min(n - done, p.blockLength[b] - in);
            block.get(in, dst, dstOffset + done, k);
            done += k;
        }
        return n;
    }

    /** Frees every packed segment; later packs keep nothing and later reads find nothing. */
    synchronized void close() {
        closed = true;
        for (PackedBlocks p : segments.values()) {
            p.free();
        }
        segments.clear();
        bytes = 0;
        blockOf = null;
        DirectBuffers.free(block);
    }
}
