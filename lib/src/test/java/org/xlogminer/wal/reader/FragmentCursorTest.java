package org.xlogminer.wal.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** The cursor's reads: little-endian, bounded by the record's end, an overrun remembered. */
class FragmentCursorTest {

    private static FragmentCursor over(String hex, int from, int to) {
        return new FragmentCursor().wrap(XLogRecordView.littleEndian(HexFormat.of().parseHex(hex)), from, to);
    }

    @Test
    void readsLittleEndianAndAdvances() {
        FragmentCursor c = over("aa7f06000005000000fe", 1, 10);
        assertEquals(0x7F, c.u8());
        assertEquals(6, c.u16());
        assertEquals(0x500, c.u32());
        assertEquals(8, c.position());
        assertEquals(2, c.remaining());
        assertFalse(c.overran());
        assertEquals(0xFE00, c.u16()); // unsigned
        assertEquals(0, c.remaining());
    }

    @Test
    void aReadPastTheEndReadsNothingAndIsRemembered() {
        FragmentCursor c = over("01020304050607", 0, 3);
        assertEquals(0, c.u32());
        assertTrue(c.overran());
        assertEquals(0, c.position(), "nothing consumed");
        assertEquals(0x0201, c.u16(), "smaller reads still fit");
        assertTrue(c.overran(), "until the cursor is wrapped again");
        assertEquals(0, c.u16());
        assertFalse(c.wrap(XLogRecordView.littleEndian(new byte[4]), 0, 4).overran());
    }

    @Test
    void tooShortMessagesNameTheFragment() {
        assertEquals("record too short for the hole length of block 3",
            FragmentCursor.tooShortFor(FragmentCursor.Fragment.HOLE_LENGTH, 3));
        assertEquals("record too short for its top-level xid",
            FragmentCursor.tooShortFor(FragmentCursor.Fragment.TOPLEVEL_XID));
    }
}
