package org.xlogminer.catalog.pgdata;

import java.nio.ByteBuffer;

import org.xlogminer.catalog.pgdata.PgDataException.Kind;
import org.xlogminer.page.ItemId;
import org.xlogminer.page.PageLayout;
import org.xlogminer.tuple.HeapTupleHeaderLayout;

/**
 * The tuples of one heap page of a relation file, through {@link PageLayout} and {@link ItemId}:
 * checks what the page header and each used line pointer claim (a page that is not a heap page
 * of this layout is CORRUPT, naming the file and block) and hands each tuple (LP_NORMAL items)
 * to the caller. A new page (all zero, {@code PageIsNew}) has no tuples. Data checksums are not
 * verified. Stateless.
 */
final class HeapPageReader {

    /** PG_PAGE_LAYOUT_VERSION 4 with BLCKSZ 8192. */
    static final int PAGESIZE_VERSION = PageLayout.BLCKSZ | 4;

    /** Receives a tuple: its first byte (the header) and length, in the page's buffer. */
    interface TupleConsumer {
        void tuple(ByteBuffer buf, int off, int len, int offnum);
    }

    private HeapPageReader() {
    }

    /**
     * Calls {@code c} for every LP_NORMAL tuple of the page at {@code page} in {@code buf}
     * (little-endian, {@link PageLayout#BLCKSZ} bytes from there).
     *
     * @param where the file and block, for messages ("base/5/1259 block 3")
     * @throws PgDataException CORRUPT when the header or a line pointer is impossible
     */
    static void forEachTuple(ByteBuffer buf, int page, String where, TupleConsumer c) {
        int lower = PageLayout.pdLower(buf, page);
        int upper = buf.getShort(page + PageLayout.PD_UPPER) & 0xFFFF;
        int special = buf.getShort(page + PageLayout.PD_SPECIAL) & 0xFFFF;
        int version = buf.getShort(page + PageLayout.PD_PAGESIZE_VERSION) & 0xFFFF;
        if (upper == 0) {
            if (lower != 0 || special != 0 || version != 0) {
                throw corrupt(where, "pd_upper 0 on a page that is not new");
            }
            return;
        }
        if (version != PAGESIZE_VERSION) {
            throw corrupt(where, "not a heap page of 8192 bytes, layout 4 (pd_pagesize_version 0x"
                + Integer.toHexString(version) + ")");
        }
        if (lower < PageLayout.SIZE_OF_PAGE_HEADER_DATA || lower > upper || upper > special
            || special > PageLayout.BLCKSZ) {
            throw corrupt(where, "impossible page header (pd_lower " + lower + ", pd_upper " + upper + ", pd_special "
                + special + ")");
        }
        int max = PageLayout.maxOffsetNumber(lower);
        for (int offnum = 1; offnum <= max; offnum++) {
            int item = buf.getInt(page + PageLayout.itemIdOffset(offnum));
            if (ItemId.lpFlags(item) != ItemId.LP_NORMAL) {
                continue;
            }
            int off = ItemId.lpOff(item);
            int len = ItemId.lpLen(item);
            if (off < upper || len < HeapTupleHeaderLayout.SIZE || off + len > special) {
                throw corrupt(where, "line pointer " + offnum + " (offset " + off + ", length " + len
                    + ") outside the page's tuple space " + upper + ".." + special);
            }
            c.tuple(buf, page + off, len, offnum);
        }
    }

    private static PgDataException corrupt(String where, String problem) {
        return new PgDataException(Kind.CORRUPT, where, problem);
    }
}
