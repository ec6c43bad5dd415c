package org.xlogminer.wal.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SegmentNameTest {

    private static final int MB = 1 << 20;

    @Test
    void segmentNumberDependsOnSegmentSize() {
        assertEquals(6, SegmentName.segno("000000010000000000000006", MB));
        assertEquals(256 + 10, SegmentName.segno("00000001000000010000000A", 16 * MB));
        assertEquals(4096 + 10, SegmentName.segno("00000001000000010000000A", MB));
        assertEquals(2, SegmentName.timeline("00000002000000010000000A"));
    }

    @Test
    void formatIsTheInverse() {
        assertEquals("00000001000000010000000A", SegmentName.format(1, 266, 16 * MB));
        assertEquals("000000030000000100000FFF", SegmentName.format(3, 4096 + 4095, MB));
        assertEquals("FFFFFFFEABCDEF01000000FF", SegmentName.format(0xFFFFFFFE, 0xABCDEF01L * 256 + 255, 16 * MB));
    }

    @Test
    void recognisesOnlyPlainSegmentNames() {
        assertTrue(SegmentName.isSegmentName("000000010000000000000006"));
        assertFalse(SegmentName.isSegmentName("000000010000000000000006.partial"));
        assertFalse(SegmentName.isSegmentName("00000002.history"));
        assertFalse(SegmentName.isSegmentName("00000001000000000000000G"));
    }

    @Test
    void validSizesArePowersOfTwoFrom1MbTo1Gb() {
        assertTrue(SegmentName.isValidSegmentSize(MB));
        assertTrue(SegmentName.isValidSegmentSize(1 << 30));
        assertFalse(SegmentName.isValidSegmentSize(3 * MB));
        assertFalse(SegmentName.isValidSegmentSize(MB / 2));
        assertFalse(SegmentName.isValidSegmentSize(1L << 31));
    }
}
