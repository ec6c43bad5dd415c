package org.xlogminer.wal.archive;

import java.util.TreeMap;

import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.lz4.Lz4Decompressor;

/**
 * Segments already decompressed once, kept packed for reading again at any position: each in
 * {@link #CHUNK}-byte chunks compressed as LZ4 blocks, so that a read decompresses one or two
 * chunks, not the whole archived file. This is what makes a compressed archive minable at about
 * the speed of plain segments: at wal_level=replica the miner reads tuples of full-page images
 * again from all over the WAL read so far (some 160,000 small reads, up to the whole range back, in
 * 1.2 GB of pgbench WAL), and a compressed stream can only be decoded from its start.
 *
 * <p>Memory is bounded by a budget; past it the oldest segments are dropped, and a read of one of
 * them decompresses its archived file again ({@link InflatedSegments}), which is slow but right.
 *
 * <p>Thread-safe: packing runs on the thread that decompressed the segment, reads on the reader's;
 * the map and the one-chunk cache are guarded by this object's monitor.
 */
final class PackedSegments {

    /** Bytes per chunk: small enough that a read is quick, large enough to compress well. */
    static final int CHUNK = 16 * 1024;

    /** One segment: its chunks back to back, and where each starts ({@code start[i+1]} ends it). */
    private record Packed(int length, long size, byte[] data, int[] start) {
    }

    private final long budget;
    private final TreeMap<Long, Packed> segments = new TreeMap<>();
    private long bytes;
    private final Lz4Decompressor decompressor = new Lz4Decompressor();
    /** The last chunk decompressed: reads of one tuple often come in a few pieces. */
    private final byte[] chunk = new byte[CHUNK];
    private long chunkSegno = -1;
    private int chunkIndex = -1;

    PackedSegments(long budgetBytes) {
        this.budget = budgetBytes;
    }

    /**
     * Packs the first {@code length} bytes of the segment, unless they are held already.
     *
     * @param size the decompressed size of the whole file (more than length for one too large)
     */
    void pack(long segno, byte[] data, int length, long size) {
        synchronized (this) {
            if (segments.containsKey(segno) || budget <= 0) {
                return;
            }
        }
        Lz4Compressor compressor = new Lz4Compressor();
        int chunks = (length + CHUNK - 1) / CHUNK;
        int[] start = new int[chunks + 1];
        byte[] out = new byte[compressor.maxCompressedLength(CHUNK) * Math.max(1, chunks)];
        int at = 0;
        for (int i = 0; i < chunks; i++) {
            start[i] = at;
            int off = i * CHUNK;
            at += compressor.compress(data, off, Math.min(CHUNK, length - off), out, at, out.length - at);
        }
        start[chunks] = at;
        Packed p = new Packed(length, size, java.util.Arrays.copyOf(out, at), start);
        synchronized (this) {
            if (segments.putIfAbsent(segno, p) == null) {
                bytes += at + 4L * start.length;
                while (bytes > budget && segments.size() > 1) {
                    Packed old = segments.pollFirstEntry().getValue();
                    bytes -= old.data.length + 4L * old.start.length;
                }
            }
        }
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
                decompressor.decompress(p.data, p.start[c], p.start[c + 1] - p.start[c], chunk, 0, size);
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
}
