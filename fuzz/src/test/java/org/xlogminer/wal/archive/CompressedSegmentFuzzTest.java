package org.xlogminer.wal.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.xlogminer.fuzz.FuzzFiles;
import org.xlogminer.wal.WalException;

/**
 * A compressed segment from an archive: the input is the file (gzip, bzip2, xz, LZ4 frame, zstd,
 * Snappy frame or plain, told by {@link Compression#detect}), written to a temporary file and read
 * by {@link SegmentInflater} into a segment buffer (an array, and a direct buffer through buffers
 * kept from input to input, as the archive source reads), once as a plain archive file and once
 * under a pgBackRest name whose SHA-1 is checked, and in four parts from a stream kept between
 * them, as a segment too large to hold whole is read (the parts must hold what the whole read
 * gave). A stream that cannot be decoded must be a
 * {@link WalException} naming the file; nothing else may come out. Seeds: the beginning of a real
 * segment of testdata/ compressed by the gzip, bzip2, xz (also as LZMA), lz4 and zstd tools.
 */
class CompressedSegmentFuzzTest {

    private static final int SEGMENT_SIZE = 1024 * 1024;
    private static final String NAME = "000000010000000000000006";
    private static final String SHA1 = "0123456789abcdef0123456789abcdef01234567";

    private static final Path DIR = FuzzFiles.temporaryDirectory("xlogminer-fuzz-archive");
    private final byte[] segment = new byte[SEGMENT_SIZE];
    /** As the source reads archives: into a direct buffer, through buffers kept from input to input. */
    private final ByteBuffer direct = ByteBuffer.allocateDirect(SEGMENT_SIZE);
    private final SegmentInflater.Input kept = new SegmentInflater.Input();
    /** Parts of a segment read as a large one is. */
    private static final int PARTS = 4;
    private final ByteBuffer part = ByteBuffer.allocateDirect(SEGMENT_SIZE / PARTS);

    @FuzzTest(maxDuration = "5m")
    void inflate(byte[] input) throws IOException {
        Path file = DIR.resolve(NAME + "-" + SHA1 + ".gz");
        Files.write(file, input);
        try {
            Compression c;
            try {
                c = WalDirectoryScanner.compressionOf(file);
            } catch (WalException e) {
                return; // documented: an encrypted file
            }
            inflate(new SegmentFile(file, NAME, false, null, c));
            inflate(new SegmentFile(file, NAME, false, SHA1, c));
        } finally {
            Files.delete(file);
        }
    }

    /**
     * As a segment too large to hold whole is read: in parts, from a stream kept between them;
     * what the parts hold is what the whole read gave ({@code size} bytes of {@link #segment}).
     */
    private void inflateInParts(SegmentFile file, long size) throws IOException {
        try (PartStreams streams = new PartStreams()) {
            long at = 0;
            for (int part = 0; part < PARTS; part++) {
                int n = SegmentInflater.inflatePart(file, part, PARTS, this.part, kept, streams);
                for (int i = 0; i < n; i++) {
                    if (this.part.get(i) != segment[(int) at + i]) {
                        throw new IllegalStateException("part " + part + " differs from the whole at " + (at + i));
                    }
                }
                at += n;
                if (n < this.part.capacity()) {
                    break;
                }
            }
            if (at != Math.min(size, SEGMENT_SIZE)) {
                throw new IllegalStateException(at + " bytes in parts, " + size + " whole");
            }
        }
    }

    private void inflate(SegmentFile file) {
        try {
            long size = SegmentInflater.inflate(file, segment);
            long direct = SegmentInflater.inflate(file, this.direct, kept);
            if (size < 0 || direct != size) {
                throw new IllegalStateException("size " + size + " into an array, " + direct + " into a direct buffer");
            }
            inflateInParts(file, size);
        } catch (WalException e) {
            // documented: damaged, truncated, or a checksum that does not match
        } catch (IOException e) {
            throw new UncheckedIOException("an I/O error on a file in a temporary directory", e);
        }
    }
}
