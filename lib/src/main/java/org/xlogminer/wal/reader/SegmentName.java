package org.xlogminer.wal.reader;

import org.xlogminer.wal.Lsn;

/**
 * WAL segment file names, {@code XLogFileName()} in {@code src/include/access/xlog_internal.h}:
 * 24 upper-case hexadecimal digits, {@code %08X%08X%08X} = timeline, {@code segno / segmentsPerXLogId},
 * {@code segno % segmentsPerXLogId}, where {@code segmentsPerXLogId = 2^32 / segmentSize}.
 */
public final class SegmentName {

    private SegmentName() {
    }

    /** True for a name of exactly 24 hexadecimal digits (no suffix such as .partial or .gz). */
    public static boolean isSegmentName(String name) {
        if (name.length() != 24) {
            return false;
        }
        for (int i = 0; i < 24; i++) {
            char c = name.charAt(i);
            boolean hex = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
            if (!hex) {
                return false;
            }
        }
        return true;
    }

    public static int timeline(String name) {
        return (int) Long.parseLong(name.substring(0, 8), 16);
    }

    /** The segment number the name stands for, given the segment size. */
    public static long segno(String name, int segmentSize) {
        long log = Long.parseLong(name.substring(8, 16), 16);
        long seg = Long.parseLong(name.substring(16, 24), 16);
        return log * segmentsPerXLogId(segmentSize) + seg;
    }

    /**
     * The name of a segment. Written digit by digit, not with {@link String#format}: a reader that
     * reaches the end of received WAL names the segment it ends in each time (every few
     * milliseconds while following), and the formatter's parsing cost more than the rest of that.
     */
    public static String format(int timeline, long segno, int segmentSize) {
        long per = segmentsPerXLogId(segmentSize);
        StringBuilder sb = new StringBuilder(24);
        Lsn.appendHex8(sb, timeline);
        Lsn.appendHex8(sb, (int) (segno / per));
        Lsn.appendHex8(sb, (int) (segno % per));
        return sb.toString();
    }

    public static long segmentsPerXLogId(int segmentSize) {
        return 0x1_0000_0000L / segmentSize;
    }

    /** A valid segment size is a power of two from 1 MB to 1 GB ({@code IsValidWalSegSize}). */
    public static boolean isValidSegmentSize(long size) {
        return size >= (1 << 20) && size <= (1 << 30) && Long.bitCount(size) == 1;
    }
}
