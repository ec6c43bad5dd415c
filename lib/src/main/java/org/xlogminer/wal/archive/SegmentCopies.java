package org.xlogminer.wal.archive;

import static org.xlogminer.wal.reader.XLogPageHeaderLayout.MAGIC;
import static org.xlogminer.wal.reader.XLogPageHeaderLayout.PAGEADDR;
import static org.xlogminer.wal.reader.XLogPageHeaderLayout.XLOG_BLCKSZ;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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
 * <p>Not thread-safe: keeps two segment-sized buffers for the comparison, allocated on first use.
 */
final class SegmentCopies {

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
     * @throws WalFormatException naming both files when two copies disagree
     */
    void check(long segno, SegmentFile chosen, SegmentFile[] others, int readable) throws IOException {
        if (others.length == 0) {
            return;
        }
        if (a == null) {
            a = new byte[segmentSize];
            b = new byte[segmentSize];
        }
        long segStart = segno * segmentSize;
        int lengthA = (int) Math.min(SegmentInflater.inflate(chosen, a), segmentSize);
        if (chosen.partial()) {
            lengthA = comparable(a, lengthA, segStart);
        }
        for (SegmentFile other : others) {
            int lengthB = (int) Math.min(SegmentInflater.inflate(other, b), segmentSize);
            if (other.partial()) {
                lengthB = comparable(b, lengthB, segStart);
            }
            int n = Math.min(Math.min(lengthA, lengthB), readable);
            int at = java.util.Arrays.mismatch(a, 0, n, b, 0, n);
            if (at >= 0) {
                throw new WalFormatException("two copies of segment " + chosen.name() + " differ at byte " + at
                    + ": " + chosen.path() + " and " + other.path()
                    + " (of another cluster, or of a primary that diverged? keep only the right one)",
                    chosen.name(), segStart + at);
            }
        }
    }

    /** The bytes of a .partial copy to compare: its pages before the last that holds this segment's WAL. */
    private static int comparable(byte[] data, int length, long segStart) {
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int pages = 0;
        while ((pages + 1) * XLOG_BLCKSZ <= length) {
            int p = pages * XLOG_BLCKSZ;
            boolean ours = WalVersion.fromPageMagic(buf.getShort(p + MAGIC) & 0xFFFF) != null
                && buf.getLong(p + PAGEADDR) == segStart + p;
            if (!ours) {
                break;
            }
            pages++;
        }
        return Math.max(0, pages - 1) * XLOG_BLCKSZ;
    }
}
