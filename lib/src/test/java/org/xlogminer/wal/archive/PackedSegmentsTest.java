package org.xlogminer.wal.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Reads at random places of the real testdata segment, packed, give its bytes; the budget holds. */
class PackedSegmentsTest {

    @Test
    void readsAnywhereGiveTheSegmentsBytes() throws Exception {
        byte[] seg = SegmentSourcesTest.segment();
        PackedSegments packed = new PackedSegments(64L << 20);
        packed.pack(6, seg, seg.length, seg.length);
        assertEquals(seg.length, packed.size(6));
        Random random = new Random(18);
        byte[] got = new byte[3 * PackedBlocks.BLOCK];
        for (int i = 0; i < 2000; i++) {
            int len = 1 + random.nextInt(got.length);
            int at = random.nextInt(seg.length);
            int n = packed.read(6, at, got, 0, len);
            assertEquals(Math.min(len, seg.length - at), n);
            assertArrayEquals(Arrays.copyOfRange(seg, at, at + n), Arrays.copyOf(got, n), "at " + at);
        }
        assertEquals(0, packed.read(6, seg.length, got, 0, 10));
        assertEquals(-1, packed.read(7, 0, got, 0, 10));
    }

    /**
     * Ranges asked for are held and nothing else; ranges packed later (out of order, adjoining)
     * join them, and a read across the blocks of three goes gives the segment's bytes.
     */
    @Test
    void onlyTheRangesAskedForAreHeldAndLaterOnesJoinThem() throws Exception {
        byte[] seg = SegmentSourcesTest.segment();
        ByteBuffer data = ByteBuffer.wrap(seg);
        PackedSegments packed = new PackedSegments(64L << 20);
        packed.pack(6, data, seg.length, seg.length, new long[] {range(10_000, 30_000)}, 1);
        byte[] got = new byte[40_000];
        assertEquals(20_000, packed.read(6, 10_000, got, 0, 20_000));
        assertArrayEquals(Arrays.copyOfRange(seg, 10_000, 30_000), Arrays.copyOf(got, 20_000));
        assertEquals(-1, packed.read(6, 9_999, got, 0, 2), "a byte before the range is not held");
        assertEquals(-1, packed.read(6, 29_999, got, 0, 2), "nor one after it");
        assertEquals(-1, packed.read(6, 0, got, 0, 10));

        packed.pack(6, data, seg.length, seg.length, new long[] {range(30_000, 40_000), range(5_000, 10_000), range(20_000, 35_000)}, 3);
        assertEquals(35_000, packed.read(6, 5_000, got, 0, 35_000));
        assertArrayEquals(Arrays.copyOfRange(seg, 5_000, 40_000), Arrays.copyOf(got, 35_000));
        assertEquals(-1, packed.read(6, 39_000, got, 0, 2_000), "the end is where the ranges end");
    }

    private static long range(int from, int to) {
        return (long) from << 32 | to;
    }

    @Test
    void pastTheBudgetTheOldestSegmentsAreDropped() throws Exception {
        byte[] seg = SegmentSourcesTest.segment();
        PackedSegments packed = new PackedSegments(1);
        packed.pack(6, seg, seg.length, seg.length);
        packed.pack(7, seg, seg.length, seg.length);
        assertFalse(packed.holds(6));
        assertTrue(packed.holds(7), "the newest is kept");
        byte[] got = new byte[100];
        assertEquals(-1, packed.read(6, 0, got, 0, got.length), "a dropped segment is not read (its buffers are freed)");
        assertEquals(got.length, packed.read(7, 8192, got, 0, got.length));
        assertArrayEquals(Arrays.copyOfRange(seg, 8192, 8192 + got.length), got);
    }

    /** A dropped segment read again is packed again and kept: the oldest other goes instead. */
    @Test
    void aSegmentPackedAgainIsKeptAndTheOldestOtherDropped() throws Exception {
        byte[] seg = SegmentSourcesTest.segment();
        PackedSegments packed = new PackedSegments(1);
        packed.pack(7, seg, seg.length, seg.length);
        packed.pack(8, seg, seg.length, seg.length);
        assertFalse(packed.holds(7));
        packed.pack(7, seg, seg.length, seg.length); // read again
        assertTrue(packed.holds(7), "the segment read again is kept");
        assertFalse(packed.holds(8), "the other one went");
        byte[] got = new byte[100];
        assertEquals(got.length, packed.read(7, 8192, got, 0, got.length));
        assertArrayEquals(Arrays.copyOfRange(seg, 8192, 8192 + got.length), got);
    }

    @Test
    void closedNothingIsHeldNorPacked() throws Exception {
        byte[] seg = SegmentSourcesTest.segment();
        PackedSegments packed = new PackedSegments(64L << 20);
        packed.pack(6, seg, seg.length, seg.length);
        packed.close();
        assertFalse(packed.holds(6));
        assertEquals(-1, packed.read(6, 0, new byte[10], 0, 10));
        packed.pack(7, seg, seg.length, seg.length);
        assertFalse(packed.holds(7));
    }
}
