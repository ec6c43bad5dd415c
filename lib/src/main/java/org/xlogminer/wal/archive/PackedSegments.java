package org.xlogminer.wal.archive;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import org.xlogminer.wal.reader.DirectBuffers;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Segments already decompressed once, kept packed for reading again at any position: each in
 * {@link #CHUNK}-byte chunks compressed as LZ4 blocks, so that a read decompresses one or two
 * chunks, not the whole archived file. This is what makes a compressed archive minable at about
 * the speed of plain segments: at wal_level=replica the miner reads tuples of full-page images
 * again from all over the WAL read so far (some 160,000 small reads of about 100 bytes, spread
 * evenly over the whole range back, in 1.2 GB of pgbench WAL), and a compressed stream can only be
 * decoded from its start.
 *
 * <p>Chunks are small because every such read decodes a whole chunk and almost none finds the
 * chunk of the read before (the reads go all over the range): 4 kB decodes a quarter of what
 * 16 kB did for a pack some 8% larger (1.2 GB of pgbench WAL: about 295 MB at LZ4's default
 * acceleration, 338 MB at {@link #ACCELERATION}). LZ4 is lz4-java's,
 * native where it loads (about twice aircompressor's pure-Java speed at packing, three times at
 * these reads), its pure-Java code elsewhere.
 *
 * <p>The chunks are kept off the heap, in direct buffers: on the heap, the few hundred MB that a
 * long range packs into were copied by the collector (promoted, then compacted again by every full
 * collection as the old generation grew) on the very cores the miner runs on; off it, the
 * collector sees only a small object per piece. LZ4 reads them back from there directly.
 *
 * <p>Memory is bounded by a budget; past it the oldest segments but the one just packed are dropped (their buffers freed
 * at once where the JDK can, else when collected), and a read of one of them decompresses its
 * archived file again ({@link InflatedSegments}), which is slow but right. Packing allocates only
 * what it keeps. {@link #close()} frees all.
 *
 * <p>Thread-safe: packing runs on the thread that decompressed the segment, reads on the reader's;
 * the map and the one-chunk cache are guarded by this object's monitor.
 */
final class PackedSegments {

    /** Bytes per chunk: small enough that a read is quick, large enough to compress well. */
    static final int CHUNK = 4 * 1024;
    /**
     * Packed chunks are gathered in pieces of about this size (a piece ends when the next might not
     * fit), compressed into a scratch array, then copied to a direct buffer of their exact size.
     */
    private static final int PIECE = 256 * 1024;

    private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
    /**
     * LZ4's acceleration when packing: at 8, 1.2 GB of pgbench WAL packs in a fifth less time
     * than at 1 into a pack 13% larger (338 MB instead of 298; 1: 0.53 s/GB, 4: 0.46, 8: 0.42,
     * 16: 0.33 at a 34% larger pack); packing takes about as long as decoding zstd, on the same
     * read-ahead thread.
     */
    static final int ACCELERATION = 8;

    /**
     * One segment: its chunks packed into pieces; chunk i is {@code length[i]} bytes at
     * {@code start[i]} of {@code pieces[piece[i]]}.
     */
    private record Packed(int length, long size, ByteBuffer[] pieces, short[] piece, int[] start, short[] packedLength) {

        long bytes() {
            long b = 8L * start.length;
            for (ByteBuffer p : pieces) {
                b += p.capacity();
            }
            return b;
        }

        void free() {
            for (ByteBuffer p : pieces) {
                DirectBuffers.free(p);
            }
        }
    }

    private final long budget;
    private final TreeMap<Long, Packed> segments = new TreeMap<>();
    private long bytes;
    private final LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();
    /** The last chunk decompressed: reads of one record often come in a few pieces. */
    private final byte[] chunk = new byte[CHUNK];
    private final ByteBuffer chunkBuffer = ByteBuffer.wrap(chunk);
    private long chunkSegno = -1;
    private int chunkIndex = -1;
    private boolean closed;

    PackedSegments(long budgetBytes) {
        this.budget = budgetBytes;
    }

    /**
     * Packs the first {@code length} bytes of the segment, unless they are held already.
     *
     * @param size the decompressed size of the whole file (more than length for one too large)
     */
    void pack(long segno, byte[] data, int length, long size) {
        pack(segno, ByteBuffer.wrap(data), length, size);
    }

    /** {@link #pack(long, byte[], int, long)} from a heap or direct buffer (from index 0). */
    void pack(long segno, ByteBuffer data, int length, long size) {
        synchronized (this) {
            if (closed || segments.containsKey(segno) || budget <= 0) {
                return;
            }
        }
        LZ4Compressor compressor = compressor();
        try {
            pack(segno, data, length, size, compressor);
        } finally {
            if (compressor instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("freeing LZ4's state", e);
                }
            }
        }
    }

    /**
     * LZ4 at {@link #ACCELERATION}, with its state kept from chunk to chunk (native; freed by
     * closing it), or lz4-java's plain fast compressor where the native one is missing.
     */
    private static LZ4Compressor compressor() {
        try {
            return LZ4.fastResetCompressor(ACCELERATION);
        } catch (RuntimeException | LinkageError e) {
            return LZ4.fastCompressor();
        }
    }

    private void pack(long segno, ByteBuffer data, int length, long size, LZ4Compressor compressor) {
        int chunks = (length + CHUNK - 1) / CHUNK;
        short[] piece = new short[chunks];
        int[] start = new int[chunks];
        short[] packedLength = new short[chunks];
        List<ByteBuffer> pieces = new ArrayList<>();
        int maxChunk = compressor.maxCompressedLength(CHUNK);
        byte[] scratch = new byte[PIECE + maxChunk];
        ByteBuffer into = ByteBuffer.wrap(scratch);
        int at = 0;
        for (int i = 0; i < chunks; i++) {
            if (scratch.length - at < maxChunk) {
                pieces.add(offHeap(scratch, at));
                at = 0;
            }
            int off = i * CHUNK;
            int n = compressor.compress(data, off, Math.min(CHUNK, length - off), into, at, scratch.length - at);
            piece[i] = (short) pieces.size();
            start[i] = at;
            packedLength[i] = (short) n;
            at += n;
        }
        pieces.add(offHeap(scratch, at));
        Packed p = new Packed(length, size, pieces.toArray(new ByteBuffer[0]), piece, start, packedLength);
        synchronized (this) {
            if (closed || segments.putIfAbsent(segno, p) != null) {
                p.free();
                return;
            }
            bytes += p.bytes();
            // the oldest others: a segment read again (a full-page image fetched back) is packed
            // again because it is wanted; dropping it at once made every later read of it inflate
            // its whole file again
            while (bytes > budget && segments.size() > 1) {
                long victim = segments.firstKey() != segno ? segments.firstKey() : segments.higherKey(segno);
                Packed dropped = segments.remove(victim);
                bytes -= dropped.bytes();
                dropped.free();
            }
        }
    }

    /** A direct buffer holding the first n bytes of the array. */
    private static ByteBuffer offHeap(byte[] bytes, int n) {
        return ByteBuffer.allocateDirect(n).put(0, bytes, 0, n);
    }

    /** Whether the segment is held. */
    synchronized boolean holds(long segno) {
        return segments.containsKey(segno);
    }

    /** The segment file's decompressed size, or -1 when it is not held. */
    synchronized long size(long segno) {
        Packed p = segments.get(segno);
        return p == null ? -1 : p.size;
    }

    /**
     * Copies bytes of the segment as SegmentSource.read does; -1 when the segment is not held.
     */
    synchronized int read(long segno, long offset, byte[] dst, int dstOffset, int length) {
        Packed p = segments.get(segno);
        if (p == null) {
            return -1;
        }
        if (offset >= p.length) {
            return 0;
        }
        int n = (int) Math.min(length, p.length - offset);
        int done = 0;
        while (done < n) {
            long pos = offset + done;
            int c = (int) (pos / CHUNK);
            if (c != chunkIndex || segno != chunkSegno) {
                int size = Math.min(CHUNK, p.length - c * CHUNK);
                decompressor.decompress(p.pieces[p.piece[c]], p.start[c], p.packedLength[c], chunkBuffer, 0, size);
                chunkSegno = segno;
                chunkIndex = c;
            }
            int in = (int) (pos - (long) c * CHUNK);
            int k = Math.min(n - done, CHUNK - in);
            System.arraycopy(chunk, in, dst, dstOffset + done, k);
            done += k;
        }
        return n;
    }

    /** Frees every packed segment; later packs keep nothing and later reads find nothing. */
    synchronized void close() {
        closed = true;
        for (Packed p : segments.values()) {
            p.free();
        }
        segments.clear();
        bytes = 0;
        chunkSegno = -1;
    }
}
