package org.xlogminer.wal.archive;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.reader.SegmentSource;

import io.airlift.compress.zstd.ZstdOutputStream;

/**
 * An archived file that decompresses to more than a segment is not a segment, and saying so costs
 * no more than a segment: decompressing stops at the first byte past the segment's size.
 */
class OversizedSegmentTest {

    private static final String NAME = "000000010000000000000006";

    @TempDir
    Path tmp;

    @Test
    void aSegmentWithOneByteMoreIsNotASegmentInAnyCompression() throws IOException {
        byte[] plain = SegmentSourcesTest.segment();
        byte[] longer = Arrays.copyOf(plain, plain.length + 1);
        for (Compression c : Compression.values()) {
            if (c == Compression.NONE) {
                continue; // a plain file is read in place, its size from the file system
            }
            Path dir = Files.createDirectories(tmp.resolve(c.name()));
            Files.write(dir.resolve(NAME), SegmentSourcesTest.compress(c, longer));
            WalFormatException e = assertThrows(WalFormatException.class, () -> readSegment(dir), c.name());
            assertTrue(e.getMessage().contains(dir.resolve(NAME).toString())
                && e.getMessage().contains("more than the segment size: not a WAL segment"), c + ": " + e.getMessage());
        }
    }

    /**
     * The real segment (of 1 MB), then 32 GB of zeros in 64 MB zstd frames (a file of some 1 MB):
     * read to its end it took minutes; now as long as one segment.
     */
    @Test
    void aDecompressionBombCostsNoMoreThanASegment() throws IOException {
        byte[] plain = SegmentSourcesTest.segment();
        ByteArrayOutputStream zeros = new ByteArrayOutputStream();
        try (OutputStream out = new ZstdOutputStream(zeros)) {
            byte[] block = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                out.write(block);
            }
        }
        Path file = tmp.resolve(NAME + ".zst");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(SegmentSourcesTest.compress(Compression.ZSTD, plain));
            for (int i = 0; i < 512; i++) {
                out.write(zeros.toByteArray());
            }
        }
        assertTrue(Files.size(file) < 4 << 20, Files.size(file) + " bytes");
        WalFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
            () -> assertThrows(WalFormatException.class, () -> readSegment(tmp)));
        assertTrue(e.getMessage().contains(file + " holds more than " + plain.length + " bytes decompressed"), e.getMessage());
    }

    private static void readSegment(Path dir) throws IOException {
        try (SegmentSource s = SegmentSources.open(List.of(dir), 0)) {
            byte[] page = new byte[8192];
            s.read(6, 0, page, 0, page.length);
        }
    }
}
