package org.xlogminer.testkit;

import java.util.Locale;

/**
 * Conversions between PostgreSQL's textual {@code pg_lsn} form ({@code "16/B374D848"}) and an unsigned
 * 64-bit {@code long}.
 *
 * <p>LSNs are unsigned: compare them with {@link Long#compareUnsigned(long, long)}. In practice test
 * servers never get near 2<sup>63</sup>, so signed comparisons also work, but do not rely on it.
 *
 * <p>Stateless and thread-safe.
 */
public final class Lsn {

    /** {@code 0/0}, PostgreSQL's InvalidXLogRecPtr. */
    public static final long INVALID = 0L;

    private Lsn() {
    }

    /**
     * Parses {@code "X/Y"} (both hexadecimal, as printed by PostgreSQL) into {@code (X << 32) | Y}.
     *
     * @throws IllegalArgumentException if the text is not an LSN
     */
    public static long parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("LSN text is null");
        }
        String t = text.trim();
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1 || t.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("not an LSN: '" + text + "'");
        }
        try {
            long hi = Long.parseUnsignedLong(t.substring(0, slash), 16);
            long lo = Long.parseUnsignedLong(t.substring(slash + 1), 16);
            if (Long.compareUnsigned(hi, 0xFFFF_FFFFL) > 0 || Long.compareUnsigned(lo, 0xFFFF_FFFFL) > 0) {
                throw new IllegalArgumentException("not an LSN (a half exceeds 32 bits): '" + text + "'");
            }
            return (hi << 32) | lo;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an LSN: '" + text + "'", e);
        }
    }

    /** Formats like PostgreSQL 18 does: {@code "%X/%08X"}, e.g. {@code "0/0149F2A8"}. */
    public static String format(long lsn) {
        return String.format(Locale.ROOT, "%X/%08X", lsn >>> 32, lsn & 0xFFFF_FFFFL);
    }
}
