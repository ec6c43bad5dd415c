package org.xlogminer.wal.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real segment of testdata/pg15-accounts-update as two zstd files of consecutive segments: read
 * forward, nothing is packed; once the reader goes back, the segments held then are packed too
 * (else the first read of each, once its buffer is reused, would decompress it again), and reads
 * give the segment's bytes.
 */
class InflatedSegmentsTest {

    @TempDir
    Path tmp;

    @Test
    void segmentsHeldWhenReadingAgainBeginsArePacked() throws IOException {
        byte[] seg = SegmentSourcesTest.segment();
        byte[] zst = SegmentSourcesTest.compress(Compression.ZSTD, seg);
        SegmentFile six = write("000000010000000000000006.zst", zst);
        SegmentFile seven = write("000000010000000000000007.zst", zst);
        byte[] got = new byte[100];
        try (InflatedSegments segments = new InflatedSegments(seg.length, 64L << 20)) {
            assertEquals(got.length, segments.read(6, six, 0, got, 0, got.length));
            assertEquals(got.length, segments.read(7, seven, 4096, got, 0, got.length));
            assertFalse(segments.packs(6), "read forward only: nothing packed");
            assertFalse(segments.packs(7));
            assertEquals(got.length, segments.read(6, six, 8192, got, 0, got.length));
            assertTrue(segments.packs(6), "held when the reader went back");
            assertTrue(segments.packs(7), "held when the reader went back");
            assertArrayEquals(Arrays.copyOfRange(seg, 8192, 8192 + got.length), got);
        }
    }

    private SegmentFile write(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return SegmentFile.parse(p, Compression.ZSTD);
    }
}
