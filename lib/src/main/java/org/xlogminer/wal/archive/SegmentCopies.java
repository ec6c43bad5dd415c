package org.xlogminer.wal.archive;

import static org.xlogminer.wal.reader.XLogPageHeaderLayout.MAGIC;
import static org.xlogminer.wal.reader.XLogPageHeaderLayout.PAGEADDR;
import static org.xlogminer.wal.reader.XLogPageHeaderLayout.XLOG_BLCKSZ;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.WalVersion;

/**
 * Checks that the copies of one segment found in several places hold the same WAL before the
 * chosen copy is read, so that a segment of another cluster, or of a diverged primary, is never
 * read silently in place of the right one.
 *
 * <p>Complete copies must agree byte for byte over the length of the shorter one. A {@code .partial}
 * copy holds WAL only up to the point where it was cut (where a standby was promoted or
 * pg_receivewal stopped): it is compared over its pages before the last one that holds WAL of this
 * segment (a page whose header has the page's own address); the page it ends in, where its WAL
 * stops in the middle, and what follows are not compared. Copies of a timeline that ended inside
 * the segment (known from the timeline history) are compared only before the switch point: what
 * follows is not read (the new primary's {@code .partial} and the old primary's complete copy agree
 * up to there).
 *
 * <p>The copies are read as streams, a {@value #CHUNK}-byte piece of each at a time: a segment may
 * be as large as 1 GB ({@code initdb --wal-segsize}), and two whole ones did not fit the heap.
 *
 * <p>Not thread-safe: keeps two buffers for the comparison, allocated on first use.
 */
final class SegmentCopies {

    /** Bytes of each copy compared at a time. */
    static final int CHUNK = 1 << 20;

    private final int segmentSize;
    private byte[] a;
    private byte[] b;

    SegmentCopies(int segmentSize) {
        this.segmentSize = segmentSize;
    }

    /**
     * Compares the chosen copy with each other copy of segment {@code segno}, over the first
     * {@code readable} bytes at most.
     *
     * @throws WalFormatException naming both files when two copies disagree, or naming a compressed
     *                            copy that cannot be decoded
     */
    void check(long segno, SegmentFile chosen, SegmentFile[] others, int readable) throws IOException {
        if (others.length == 0) {
            return;
        }
        if (a == null) {
            a = new byte[Math.min(CHUNK, segmentSize)];
            b = new byte[a.length];
        }
        long segStart = segno * segmentSize;
        long limitA = Math.min(readable, chosen.partial() ? comparable(chosen, segStart) : segmentSize);
        for (SegmentFile other : others) {
            long limit = Math.min(limitA, other.partial() ? comparable(other, segStart) : segmentSize);
            long at = mismatch(chosen, other, limit);
            if (at >= 0) {
                throw new WalFormatException("two copies of segment " + chosen.name() + " differ at byte " + at
                    + ": " + chosen.path() + " and " + other.path()
                    + " (of another cluster, or of a primary that diverged? keep only the right one)",
                    chosen.name(), segStart + at);
            }
        }
    }

    /**
     * The first byte before {@code limit} where the two files' contents differ, or -1 when they
     * agree up to it or up to where the shorter one ends.
     */
    private long mismatch(SegmentFile x, SegmentFile y, long limit) throws IOException {
        try (InputStream inX = SegmentInflater.open(x); InputStream inY = SegmentInflater.open(y)) {
            long done = 0;
            while (done < limit) {
                int want = (int) Math.min(a.length, limit - done);
                int n = Math.min(read(x, inX, a, want), read(y, inY, b, want));
                int at = Arrays.mismatch(a, 0, n, b, 0, n);
                if (at >= 0) {
                    return done + at;
                }
                done += n;
                if (n < want) {
                    return -1; // the shorter copy ends here
                }
            }
            return -1;
        }
    }

    /**
     * The bytes of a .partial copy to compare: its pages before the last that holds this segment's
     * WAL, read through once.
     */
    private long comparable(SegmentFile file, long segStart) throws IOException {
        ByteBuffer page = ByteBuffer.wrap(b, 0, XLOG_BLCKSZ).order(ByteOrder.LITTLE_ENDIAN);
        long pages = 0;
        try (InputStream in = SegmentInflater.open(file)) {
            while ((pages + 1) * XLOG_BLCKSZ <= segmentSize && read(file, in, b, XLOG_BLCKSZ) == XLOG_BLCKSZ) {
                long p = pages * XLOG_BLCKSZ;
                boolean ours = WalVersion.fromPageMagic(page.getShort(MAGIC) & 0xFFFF) != null
                    && page.getLong(PAGEADDR) == segStart + p;
                if (!ours) {
                    break;
                }
                pages++;
            }
        }
        return Math.max(0, pages - 1) * XLOG_BLCKSZ;
    }

    /** Reads up to {@code length} bytes into {@code into}; fewer only where the file ends. */
    private static int read(SegmentFile file, InputStream in, byte[] into, int length) throws IOException {
        try {
            return in.readNBytes(into, 0, length);
        } catch (IOException | RuntimeException e) {
            if (file.compression() == Compression.NONE) {
                throw e; // reading a plain file failed: an I/O error, not damaged WAL
            }
            throw SegmentInflater.damaged(file, e);
        }
    }
}
