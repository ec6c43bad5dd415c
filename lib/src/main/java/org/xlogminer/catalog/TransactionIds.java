package org.xlogminer.catalog;

/**
 * 32-bit transaction IDs compared as PostgreSQL compares them ({@code src/include/access/transam.h},
 * {@code TransactionIdPrecedes} in {@code transam.c}): normal IDs (3 and up) circularly, modulo
 * 2^32, each one preceding the 2^31 after it; the special ones (0 invalid, 1 bootstrap, 2 frozen)
 * precede every normal one. Held in a {@code long}, unsigned. Stateless.
 */
public final class TransactionIds {

    /** InvalidTransactionId. */
    public static final long INVALID = 0;
    /** FrozenTransactionId: a row visible to everyone. */
    public static final long FROZEN = 2;
    /** FirstNormalTransactionId. */
    public static final long FIRST_NORMAL = 3;

    private TransactionIds() {
    }

    /** TransactionIdIsNormal. */
    public static boolean isNormal(long xid) {
        return (xid & 0xFFFF_FFFFL) >= FIRST_NORMAL;
    }

    /** TransactionIdPrecedes: {@code a < b}, circularly when both are normal. */
    public static boolean precedes(long a, long b) {
        if (!isNormal(a) || !isNormal(b)) {
            return (a & 0xFFFF_FFFFL) < (b & 0xFFFF_FFFFL);
        }
        return (int) (a - b) < 0;
    }

    /** The newer of two IDs (either when equal). */
    public static long newer(long a, long b) {
        return precedes(a, b) ? b : a;
    }

    /** One ID read as a signed int (a record's xl_xid, a tuple's t_xmin), unsigned. */
    public static long of(int xid) {
        return Integer.toUnsignedLong(xid);
    }
}
