package org.xlogminer.wal.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.wal.SegmentChecksumException;
import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.reader.DirectorySegmentSource;
import org.xlogminer.wal.reader.SegmentSource;

import io.airlift.compress.snappy.SnappyFramedOutputStream;
import io.airlift.compress.zstd.ZstdOutputStream;

/**
 * The real segment of testdata/pg15-accounts-update, compressed by each codec's own writer and laid
 * out as archivers lay it out, read back through {@link SegmentSources}: byte for byte the plain
 * segment, whatever the file is named; non-segment files skipped; pgBackRest's SHA-1 checked;
 * copies compared.
 */
class SegmentSourcesTest {

    private static final String NAME = "000000010000000000000006";

    @TempDir
    Path tmp;

    static byte[] segment() throws IOException {
        Path dir = Path.of(System.getProperty("user.dir")).getParent().resolve("testdata/pg15-accounts-update/pg_wal");
        return Files.readAllBytes(dir.resolve(NAME));
    }

    static byte[] compress(Compression c, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = switch (c) {
            case GZIP -> new GZIPOutputStream(bytes);
            case BZIP2 -> new BZip2CompressorOutputStream(bytes);
            case XZ -> new XZCompressorOutputStream(bytes);
            case LZ4 -> new FramedLZ4CompressorOutputStream(bytes);
            case ZSTD -> new ZstdOutputStream(bytes);
            case SNAPPY -> new SnappyFramedOutputStream(bytes);
            case LZMA -> new LZMACompressorOutputStream(bytes);
            case NONE -> bytes;
        }) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    @Test
    void everyCompressionIsToldByItsBytesAndReadBackWhole() throws IOException {
        byte[] plain = segment();
        for (Compression c : Compression.values()) {
            Path dir = Files.createDirectories(tmp.resolve(c.name()));
            // no suffix, as Barman keeps its files: the first bytes say how it is stored
            Files.write(dir.resolve(NAME), compress(c, plain));
            Files.writeString(dir.resolve("000000010000000000000002.00000028.backup"), "START WAL LOCATION");
            Files.createDirectories(dir.resolve("archive_status"));
            Files.writeString(dir.resolve("archive_status/" + NAME + ".done"), "");
            List<SegmentFile> found = WalDirectoryScanner.scan(dir);
            assertEquals(1, found.size(), c + ": " + found);
            assertEquals(c, found.get(0).compression());
            try (SegmentSource s = SegmentSources.open(List.of(dir), 0)) {
                assertEquals(c == Compression.NONE, s instanceof DirectorySegmentSource, c.name());
                assertArrayEquals(plain, readWhole(s, 6), c.name());
            }
        }
    }

    @Test
    void lz4FramesOfLinkedBlocksAsPgBackRestWritesThem() throws IOException {
        byte[] plain = segment();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new FramedLZ4CompressorOutputStream(bytes, new FramedLZ4CompressorOutputStream.Parameters(
            FramedLZ4CompressorOutputStream.BlockSize.K64, true, false, true))) {
            out.write(plain);
        }
        assertEquals(0, bytes.toByteArray()[4] & 0x20, "blocks are linked");
        Files.write(tmp.resolve(NAME + ".lz4"), bytes.toByteArray());
        try (SegmentSource s = SegmentSources.open(List.of(tmp), 0)) {
            assertArrayEquals(plain, readWhole(s, 6));
        }
    }

    @Test
    void uncompressedSegmentsInBarmansHashDirectories() throws IOException {
        byte[] plain = segment();
        Path wals = tmp.resolve("wals");
        Files.createDirectories(wals.resolve("0000000100000000"));
        Files.write(wals.resolve("0000000100000000/" + NAME), plain);
        Files.writeString(wals.resolve("xlog.db"), NAME + "\t16777216\t1796613278.0\tNone\n");
        try (SegmentSource s = SegmentSources.open(List.of(wals), 0)) {
            assertArrayEquals(plain, readWhole(s, 6));
        }
    }

    @Test
    void namesOfSegmentFiles() {
        SegmentFile f = SegmentFile.parse(Path.of(NAME + ".partial-" + "ab".repeat(20) + ".zst"), Compression.ZSTD);
        assertEquals(NAME, f.name());
        assertTrue(f.partial());
        assertEquals("ab".repeat(20), f.sha1());
        assertFalse(f.plain());
        assertTrue(SegmentFile.parse(Path.of(NAME), Compression.NONE).plain());
        for (String other : List.of("archive.info", "00000002.history", NAME + ".00000028.backup", NAME + ".ready",
            NAME + ".tmp", "xlog.db", NAME.substring(1))) {
            assertNull(SegmentFile.parse(Path.of(other), Compression.NONE), other);
        }
    }

    @Test
    void pgBackRestSha1IsChecked() throws Exception {
        byte[] plain = segment();
        String sha1 = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(plain));
        Path hash = Files.createDirectories(tmp.resolve("stanza/15-1/0000000100000000"));
        Files.writeString(tmp.resolve("stanza/archive.info"), "[db]\n");
        Path good = hash.resolve(NAME + "-" + sha1 + ".gz");
        Files.write(good, compress(Compression.GZIP, plain));
        try (SegmentSource s = SegmentSources.open(List.of(tmp.resolve("stanza")), 0)) {
            assertArrayEquals(plain, readWhole(s, 6));
        }
        byte[] changed = plain.clone();
        changed[changed.length / 2] ^= 1;
        Files.write(good, compress(Compression.GZIP, changed));
        try (SegmentSource s = SegmentSources.open(List.of(tmp.resolve("stanza")), 0)) {
            SegmentChecksumException e = assertThrows(SegmentChecksumException.class, () -> readWhole(s, 6));
            assertTrue(e.getMessage().contains(good.toString()), e.getMessage());
        }
    }

    @Test
    void aTruncatedCompressedFileIsNamed() throws IOException {
        byte[] z = compress(Compression.ZSTD, segment());
        Path file = tmp.resolve(NAME + ".zst");
        Files.write(file, Arrays.copyOf(z, z.length / 2));
        WalFormatException e = assertThrows(WalFormatException.class, () -> {
            try (SegmentSource s = SegmentSources.open(List.of(tmp), 0)) {
                readWhole(s, 6);
            }
        });
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void thePlainCompleteCopyIsReadAndDisagreeingCopiesAreNamed() throws IOException {
        byte[] plain = segment();
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        Files.write(a.resolve(NAME + ".gz"), compress(Compression.GZIP, plain));
        Files.write(b.resolve(NAME), plain);
        try (SegmentSource s = SegmentSources.open(List.of(a, b), 0)) {
            assertInstanceOf(MergedSegmentSource.class, s);
            assertEquals(NAME, s.segmentName(6));
            assertArrayEquals(plain, readWhole(s, 6));
        }
        byte[] other = plain.clone();
        other[100_000] ^= 1;
        Files.write(b.resolve(NAME), other);
        try (SegmentSource s = SegmentSources.open(List.of(a, b), 0)) {
            WalFormatException e = assertThrows(WalFormatException.class, () -> readWhole(s, 6));
            assertTrue(e.getMessage().contains(a.resolve(NAME + ".gz").toString())
                && e.getMessage().contains(b.resolve(NAME).toString()), e.getMessage());
        }
    }

    @Test
    void aPartialCopyIsComparedOnlyBeforeThePageItEndsIn() throws IOException {
        byte[] plain = segment();
        // a standby's .partial: its WAL stops in the middle of page 20, then zeros
        byte[] partial = plain.clone();
        Arrays.fill(partial, 20 * 8192 + 3000, partial.length, (byte) 0);
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        Files.write(a.resolve(NAME), plain);
        Files.write(b.resolve(NAME + ".partial"), partial);
        try (SegmentSource s = SegmentSources.open(List.of(a, b), 0)) {
            assertArrayEquals(plain, readWhole(s, 6), "the complete copy is read");
        }
        partial[10 * 8192 + 100] ^= 1;
        Files.write(b.resolve(NAME + ".partial"), partial);
        try (SegmentSource s = SegmentSources.open(List.of(a, b), 0)) {
            assertThrows(WalFormatException.class, () -> readWhole(s, 6), "a difference before the partial's end counts");
        }
    }

    private static byte[] readWhole(SegmentSource s, long segno) throws IOException {
        byte[] all = new byte[(int) s.fileSize(segno)];
        int at = 0;
        while (at < all.length) {
            int n = s.read(segno, at, all, at, Math.min(1 << 20, all.length - at));
            assertTrue(n > 0);
            at += n;
        }
        return all;
    }
}
