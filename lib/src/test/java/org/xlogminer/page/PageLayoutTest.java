package org.xlogminer.page;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/**
 * A page header and its line pointers read through {@link PageLayout} and {@link ItemId}, against
 * what pageinspect's page_header and heap_page_items say of the same page: the first 36 bytes of
 * block 0 of a PostgreSQL 15.18 table holding three tuples of 56 bytes (get_raw_page).
 */
class PageLayoutTest {

    private static final ByteBuffer PAGE = ByteBuffer.wrap(HexFormat.of().parseHex(
        "ffff" // two bytes before the page: offsets are relative to where it starts
            + "0000000000216700" + "0000" + "0000" + "2400" + "581f" + "0020" + "0420" + "d7020000"
            + "c89f7000" + "909f7000" + "589f7000")).order(ByteOrder.LITTLE_ENDIAN);

    @Test
    void headerAsPageHeaderSays() {
        assertEquals(36, PageLayout.pdLower(PAGE, 2)); // page_header: lower 36, upper 8024, special 8192
        assertEquals(8024, PAGE.getShort(2 + PageLayout.PD_UPPER) & 0xFFFF);
        assertEquals(8192, PAGE.getShort(2 + PageLayout.PD_SPECIAL) & 0xFFFF);
        assertEquals(3, PageLayout.maxOffsetNumber(36));
        assertEquals(0, PageLayout.maxOffsetNumber(20), "pd_lower inside the header: no line pointers");
        assertEquals(2042, PageLayout.maxOffsetNumber(9000), "no more than a page holds");
    }

    @Test
    void linePointersAsHeapPageItemsSay() {
        int[][] lps = {{8136, 1, 56}, {8080, 1, 56}, {8024, 1, 56}}; // lp_off, lp_flags, lp_len of lp 1-3
        for (int offnum = 1; offnum <= 3; offnum++) {
            assertEquals(PageLayout.itemIdEnd(offnum) - ItemId.SIZE, PageLayout.itemIdOffset(offnum));
            int itemId = PAGE.getInt(2 + PageLayout.itemIdOffset(offnum));
            assertEquals(lps[offnum - 1][0], ItemId.lpOff(itemId), "lp_off of " + offnum);
            assertEquals(lps[offnum - 1][1], ItemId.lpFlags(itemId), "lp_flags of " + offnum);
            assertEquals(lps[offnum - 1][2], ItemId.lpLen(itemId), "lp_len of " + offnum);
            assertEquals(itemId, ItemId.read(PAGE.array(), 2 + PageLayout.itemIdOffset(offnum)));
        }
        assertEquals(PageLayout.pdLower(PAGE, 2), PageLayout.itemIdEnd(3), "the last line pointer ends at pd_lower");
    }
}
