package org.xlogminer.fuzz;

import java.nio.ByteBuffer;

import org.xlogminer.page.ItemId;
import org.xlogminer.page.PageLayout;
import org.xlogminer.tuple.HeapTupleHeaderLayout;

/**
 * Reads every tuple of an 8 kB heap page as xlogminer reads the page of a full-page image: the
 * line pointers up to pd_lower ({@link PageLayout}), each LP_NORMAL item that lies inside the page
 * and is long enough for a tuple header ({@link ItemId}), then the tuple deformed and formatted
 * ({@link TupleWork}).
 */
public final class PageWork {

    private final TupleWork tuples = new TupleWork();

    public void page(FuzzCatalog.Table table, ByteBuffer page) {
        int n = PageLayout.maxOffsetNumber(PageLayout.pdLower(page, 0));
        for (int offnum = 1; offnum <= n; offnum++) {
            int itemId = page.getInt(PageLayout.itemIdOffset(offnum));
            int off = ItemId.lpOff(itemId);
            int len = ItemId.lpLen(itemId);
            if (ItemId.lpFlags(itemId) != ItemId.LP_NORMAL || len < HeapTupleHeaderLayout.SIZE
                || off + len > PageLayout.BLCKSZ) {
                continue;
            }
            int infomask2 = page.getShort(off + HeapTupleHeaderLayout.T_INFOMASK2) & 0xFFFF;
            int infomask = page.getShort(off + HeapTupleHeaderLayout.T_INFOMASK) & 0xFFFF;
            int hoff = page.get(off + HeapTupleHeaderLayout.T_HOFF) & 0xFF;
            tuples.tuple(table, page, off + HeapTupleHeaderLayout.SIZE, len - HeapTupleHeaderLayout.SIZE,
                infomask2, infomask, hoff);
        }
    }
}
