package org.xlogminer.page;

import java.nio.ByteBuffer;

/**
 * Layout of a heap page's header, {@code PageHeaderData} in {@code src/include/storage/bufpage.h},
 * and of the line pointer array after it. A full-page image in the WAL is such a page, stored
 * without its hole (the free space from {@code pd_lower} to {@code pd_upper}) when the record says so.
 *
 * <table>
 * <caption>PageHeaderData, 24 bytes (bufpage.h); all fields little-endian</caption>
 * <tr><th>offset</th><th>size</th><th>C field</th></tr>
 * <tr><td>0</td><td>8</td><td>pd_lsn: LSN of the last change to the page</td></tr>
 * <tr><td>8</td><td>2</td><td>pd_checksum</td></tr>
 * <tr><td>10</td><td>2</td><td>pd_flags</td></tr>
 * <tr><td>12</td><td>2</td><td>pd_lower: offset to the start of free space (end of the line pointers)</td></tr>
 * <tr><td>14</td><td>2</td><td>pd_upper: offset to the end of free space</td></tr>
 * <tr><td>16</td><td>2</td><td>pd_special: offset to the start of the special space</td></tr>
 * <tr><td>18</td><td>2</td><td>pd_pagesize_version</td></tr>
 * <tr><td>20</td><td>4</td><td>pd_prune_xid</td></tr>
 * <tr><td>24</td><td>4 each</td><td>pd_linp[]: the line pointers ({@link ItemId}), offset number 1 first,
 *   up to pd_lower</td></tr>
 * </table>
 *
 * <p>Static accessors only: nothing is allocated, and each inlines to a read and a mask.
 */
public final class PageLayout {

    /** BLCKSZ: the page size this reader handles. */
    public static final int BLCKSZ = 8192;
    public static final int PD_LSN = 0;
    public static final int PD_CHECKSUM = 8;
    public static final int PD_FLAGS = 10;
    public static final int PD_LOWER = 12;
    public static final int PD_UPPER = 14;
    public static final int PD_SPECIAL = 16;
    public static final int PD_PAGESIZE_VERSION = 18;
    public static final int PD_PRUNE_XID = 20;
    /** SizeOfPageHeaderData: offsetof(PageHeaderData, pd_linp), where the line pointers start. */
    public static final int SIZE_OF_PAGE_HEADER_DATA = 24;

    private PageLayout() {
    }

    /** pd_lower of the page whose first byte is at {@code page} in {@code b}, widened. */
    public static int pdLower(ByteBuffer b, int page) {
        return b.getShort(page + PD_LOWER) & 0xFFFF;
    }

    /** {@code pd_upper} of the page at {@code b[page..]}: where its tuples start. */
    public static int pdUpper(ByteBuffer b, int page) {
        return b.getShort(page + PD_UPPER) & 0xFFFF;
    }

    /** Where the line pointer of offnum starts in the page ({@code PageGetItemId}); offnum from 1. */
    public static int itemIdOffset(int offnum) {
        return SIZE_OF_PAGE_HEADER_DATA + ItemId.SIZE * (offnum - 1);
    }

    /** Where the line pointer of offnum ends in the page: it exists when this is at most pd_lower. */
    public static int itemIdEnd(int offnum) {
        return SIZE_OF_PAGE_HEADER_DATA + ItemId.SIZE * offnum;
    }

    /**
     * {@code PageGetMaxOffsetNumber}: how many line pointers a page with this pd_lower has, none
     * for a pd_lower below the header and no more than a page holds for one past its end.
     */
    public static int maxOffsetNumber(int pdLower) {
        return Math.max(0, Math.min(pdLower, BLCKSZ) - SIZE_OF_PAGE_HEADER_DATA) / ItemId.SIZE;
    }
}
