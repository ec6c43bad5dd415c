package org.xlogminer.page;

/**
 * A line pointer, {@code ItemIdData} in {@code src/include/storage/itemid.h}: one 32-bit word
 * per offset number in a page's {@code pd_linp} array, read little-endian; its bit fields are
 * allocated from the least significant bit as the compilers PostgreSQL supports do.
 *
 * <table>
 * <caption>ItemIdData, 4 bytes (itemid.h)</caption>
 * <tr><th>bits</th><th>C field</th></tr>
 * <tr><td>0-14</td><td>lp_off: offset of the tuple in the page</td></tr>
 * <tr><td>15-16</td><td>lp_flags: LP_UNUSED 0, LP_NORMAL 1, LP_REDIRECT 2, LP_DEAD 3</td></tr>
 * <tr><td>17-31</td><td>lp_len: length of the tuple, its header included</td></tr>
 * </table>
 *
 * <p>Static accessors over the word ({@code ItemIdGetOffset}, {@code ItemIdGetFlags},
 * {@code ItemIdGetLength}): nothing is allocated.
 */
public final class ItemId {

    /** sizeof(ItemIdData). */
    public static final int SIZE = 4;
    public static final int LP_UNUSED = 0;
    /** Used, with storage: a tuple. */
    public static final int LP_NORMAL = 1;
    public static final int LP_REDIRECT = 2;
    public static final int LP_DEAD = 3;

    private ItemId() {
    }

    /** ItemIdGetOffset. */
    public static int lpOff(int itemId) {
        return itemId & 0x7FFF;
    }

    /** ItemIdGetFlags. */
    public static int lpFlags(int itemId) {
        return (itemId >>> 15) & 3;
    }

    /** ItemIdGetLength. */
    public static int lpLen(int itemId) {
        return itemId >>> 17;
    }

    /** The line pointer word at {@code at} of a copy of line pointers, little-endian. */
    public static int read(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }
}
