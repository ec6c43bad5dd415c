package org.xlogminer.wal;

import java.util.regex.Pattern;

/**
 * A WAL location (XLogRecPtr) at the API: an unsigned 64-bit byte position in the WAL stream.
 * Formats as PostgreSQL does ({@code %X/%08X}) and parses strictly: two groups of one to eight
 * hexadecimal digits separated by a slash, as {@code pg_lsn} accepts them.
 *
 * <p>The hot path passes LSNs as plain {@code long}; use {@link #format(long)} there.
 */
public record Lsn(long value) implements Comparable<Lsn> {

    private static final Pattern SYNTAX = Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** The invalid LSN, {@code 0/0} (InvalidXLogRecPtr). */
    public static final Lsn INVALID = new Lsn(0);

    /**
     * Parses {@code "16/B374D848"}.
     *
     * @throws IllegalArgumentException naming the text when it is not an LSN
     */
    public static Lsn parse(String text) {
        if (text == null || !SYNTAX.matcher(text.trim()).matches()) {
            throw new IllegalArgumentException("not an LSN: '" + text + "' (expected the form 16/B374D848)");
        }
        String t = text.trim();
        int slash = t.indexOf('/');
        long hi = Long.parseLong(t.substring(0, slash), 16);
        long lo = Long.parseLong(t.substring(slash + 1), 16);
        return new Lsn((hi << 32) | lo);
    }

    /** Formats an LSN as {@code %X/%08X}. */
    public static String format(long lsn) {
        StringBuilder sb = new StringBuilder(17);
        appendTo(sb, lsn);
        return sb.toString();
    }

    /** Appends an LSN as {@code %X/%08X} without allocating. */
    public static void appendTo(StringBuilder sb, long lsn) {
        int hi = (int) (lsn >>> 32);
        int lo = (int) lsn;
        boolean started = false;
        for (int shift = 28; shift >= 0; shift -= 4) {
            int d = (hi >>> shift) & 0xF;
            if (d != 0 || started || shift == 0) {
                sb.append(HEX[d]);
                started = true;
            }
        }
        sb.append('/');
        appendHex8(sb, lo);
    }

    /** Appends {@code value} as eight upper-case hexadecimal digits ({@code %08X}, unsigned). */
    public static void appendHex8(StringBuilder sb, int value) {
        for (int shift = 28; shift >= 0; shift -= 4) {
            sb.append(HEX[(value >>> shift) & 0xF]);
        }
    }

    @Override
    public int compareTo(Lsn o) {
        return Long.compareUnsigned(value, o.value);
    }

    public boolean isBefore(Lsn o) {
        return compareTo(o) < 0;
    }

    @Override
    public String toString() {
        return format(value);
    }
}
