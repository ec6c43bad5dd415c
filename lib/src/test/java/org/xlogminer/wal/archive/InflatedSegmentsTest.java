package org.xlogminer.wal.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.wal.reader.SegmentSource;

/**
 * The real segment of testdata/pg15-accounts-update as three zstd files of consecutive segments,
 * read through two buffers: read forward, nothing is packed; the ranges the reader marks in a
 * segment are packed once it is past them, and only those; an earlier segment whose buffer was
 * reused is then read from them, not decompressed again; marks made after its buffer was reused
 * are packed when a read decompresses it again.
 */
class InflatedSegmentsTest {

    @TempDir
    Path tmp;

    private byte[] seg;
    private SegmentFile[] files;

    @BeforeEach
    void write() throws IOException {
        seg = SegmentSourcesTest.segment();
        byte[] zst = SegmentSourcesTest.compress(Compression.ZSTD, seg);
        files = new SegmentFile[9];
        for (int s = 6; s <= 8; s++) {
            Path p = tmp.resolve("00000001000000000000000" + s + ".zst");
            Files.write(p, zst);
            files[s] = SegmentFile.parse(p, Compression.ZSTD);
        }
    }

    /** A reader's window: its way forward. */
    private static final int WINDOW = SegmentSource.WINDOW_READ;

    private byte[] read(InflatedSegments segments, long segno, int offset, int length) {
        byte[] got = new byte[length];
        assertEquals(length, segments.read(segno, files[(int) segno], offset, got, 0, length));
        return got;
    }

    @Test
    void readForwardNothingIsPacked() {
        try (InflatedSegments segments = new InflatedSegments(seg.length, 64L << 20, 2)) {
            for (int s = 6; s <= 8; s++) {
                read(segments, s, 4096, WINDOW);
            }
            segments.awaitPacked();
            for (int s = 6; s <= 8; s++) {
                assertFalse(segments.packs(s), "nothing marked, nothing packed: " + s);
            }
        }
    }

    @Test
    void markedRangesArePackedOnceTheReaderIsPastThemAndEarlierSegmentsReadFromThem() {
        try (InflatedSegments segments = new InflatedSegments(seg.length, 64L << 20, 2)) {
            read(segments, 6, 0, WINDOW);
            segments.keep(6, 8192, 8400);
            segments.keep(6, 20_000, 20_100);
            read(segments, 7, 0, WINDOW);
            segments.awaitPacked();
            assertFalse(segments.packs(6), "a record that began in 6 may still be marked");
            segments.passed(7); // the reader marks a record that starts in 7
            segments.awaitPacked();
            assertTrue(segments.packs(6));
            byte[] got = new byte[208];
            assertEquals(208, segments.packed().read(6, 8192, got, 0, 208));
            assertArrayEquals(Arrays.copyOfRange(seg, 8192, 8400), got);
            assertEquals(-1, segments.packed().read(6, 0, got, 0, 100), "unmarked bytes are not packed");
            assertEquals(-1, segments.packed().read(6, 8300, got, 0, 208), "nor those past a range");

            read(segments, 8, 0, WINDOW); // its buffer takes 6's
            assertArrayEquals(Arrays.copyOfRange(seg, 20_000, 20_100), read(segments, 6, 20_000, 100));
            assertArrayEquals(Arrays.copyOfRange(seg, 8200, 8300), read(segments, 6, 8200, 100));
            assertEquals(3, segments.packedReadsAndFills()[1], "6 was not decompressed again");
            assertEquals(2, segments.packedReadsAndFills()[0]);
        }
    }

    /** The WAL read through once more (as a pass after a pass does): its marks are packed as the first time. */
    @Test
    void aSecondPassPacksItsMarksAsTheFirst() {
        try (InflatedSegments segments = new InflatedSegments(seg.length, 64L << 20, 3)) {
            for (int s = 6; s <= 8; s++) {
                read(segments, s, 0, WINDOW);
            }
            read(segments, 6, 0, WINDOW); // from the start again
            segments.keep(6, 8192, 8400);
            read(segments, 7, 0, WINDOW);
            segments.passed(7);
            segments.awaitPacked();
            assertTrue(segments.packs(6));
            byte[] got = new byte[208];
            assertEquals(208, segments.packed().read(6, 8192, got, 0, 208));
            assertArrayEquals(Arrays.copyOfRange(seg, 8192, 8400), got);
        }
    }

    @Test
    void marksMadeAfterABufferWasReusedArePackedWhenTheSegmentIsDecompressedAgain() {
        try (InflatedSegments segments = new InflatedSegments(seg.length, 64L << 20, 2)) {
            read(segments, 6, 0, WINDOW);
            read(segments, 7, 0, WINDOW);
            read(segments, 8, 0, WINDOW); // 6's buffer is reused
            segments.keep(6, 8192, 8400);
            assertArrayEquals(Arrays.copyOfRange(seg, 8192, 8400), read(segments, 6, 8192, 208));
            assertEquals(4, segments.packedReadsAndFills()[1], "6 decompressed again");
            segments.awaitPacked();
            assertTrue(segments.packs(6), "its marks packed then");
            read(segments, 7, 0, WINDOW); // 7 takes 6's buffer again
            assertArrayEquals(Arrays.copyOfRange(seg, 8192, 8400), read(segments, 6, 8192, 208));
            assertEquals(5, segments.packedReadsAndFills()[1], "6 read from what was packed");
        }
    }
}
