package org.xlogminer.wal.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real segment of testdata/ compressed by the {@code lz4} tool with linked blocks (as
 * pgBackRest and pg_basebackup write them) of each block size, with block checksums, without the
 * content checksum, with the content size, as two frames with a skippable one between: each reads
 * back to the segment, through {@link Compression#detect} and {@link Compression#decompress} and
 * into a direct buffer as a segment's buffer is filled. A file cut short, or with one byte changed,
 * is an {@link IOException}.
 */
class Lz4FrameStreamTest {

    @TempDir
    Path tmp;

    @Test
    void everyLinkedFrameTheToolWritesReadsBackToTheSegment() throws Exception {
        byte[] plain = SegmentSourcesTest.segment();
        List<List<String>> options = List.of(List.of("-BD", "-B4"), List.of("-BD", "-B5"), List.of("-BD", "-B6"),
            List.of("-BD", "-B7"), List.of("-BD", "-B4", "-BX"), List.of("-BD", "--no-frame-crc"),
            List.of("-BD", "--content-size", "-B4"), List.of("-BI", "-B4"), List.of("-BD", "-9", "-B4"));
        for (List<String> o : options) {
            byte[] lz4 = lz4(plain, o);
            assertEquals(Compression.LZ4, Compression.detect(lz4, lz4.length), o.toString());
            assertArrayEquals(plain, readAll(Compression.LZ4.decompress(new ByteArrayInputStream(lz4))), o.toString());
            ByteBuffer into = ByteBuffer.allocateDirect(plain.length);
            try (Lz4FrameStream in = new Lz4FrameStream(new ByteArrayInputStream(lz4))) {
                int n = 0;
                int r;
                while (n < plain.length && (r = in.read(into, n, plain.length - n)) > 0) {
                    n += r;
                }
                assertEquals(plain.length, n, o.toString());
                assertEquals(-1, in.read(), o + ": nothing after the segment");
            }
            byte[] got = new byte[plain.length];
            into.get(0, got);
            assertArrayEquals(plain, got, o + " (into a direct buffer)");
        }
    }

    @Test
    void framesFollowOneAnotherPastASkippableOne() throws Exception {
        byte[] plain = SegmentSourcesTest.segment();
        byte[] a = lz4(Arrays.copyOf(plain, 300_000), List.of("-BD", "-B4"));
        byte[] b = lz4(Arrays.copyOfRange(plain, 300_000, plain.length), List.of("-BD", "-B5"));
        byte[] skippable = {0x53, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 1, 2, 3};
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(a);
        all.write(skippable);
        all.write(b);
        assertArrayEquals(plain, readAll(new Lz4FrameStream(new ByteArrayInputStream(all.toByteArray()))));
    }

    @Test
    void aFileCutShortOrChangedIsAnIoException() throws Exception {
        byte[] plain = SegmentSourcesTest.segment();
        byte[] lz4 = lz4(plain, List.of("-BD", "-B4"));
        for (int cut : new int[] {3, 6, lz4.length / 3, lz4.length - 5, lz4.length - 1}) {
            byte[] shorter = Arrays.copyOf(lz4, cut);
            assertThrows(IOException.class, () -> readAll(new Lz4FrameStream(new ByteArrayInputStream(shorter))),
                "cut at " + cut);
        }
        for (int at : new int[] {5, 200, lz4.length / 2, lz4.length - 2}) {
            byte[] changed = lz4.clone();
            changed[at] ^= 0x41;
            assertThrows(IOException.class, () -> readAll(new Lz4FrameStream(new ByteArrayInputStream(changed))),
                "byte " + at + " changed");
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    /** The bytes compressed by the lz4 tool with these options. */
    private byte[] lz4(byte[] data, List<String> options) throws Exception {
        Path src = Files.write(tmp.resolve("in"), data);
        Path out = tmp.resolve("out.lz4");
        List<String> command = new ArrayList<>(List.of("lz4", "-q", "-f"));
        command.addAll(options);
        command.addAll(List.of(src.toString(), out.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "lz4 " + options);
        assertEquals(0, p.exitValue(), "lz4 " + options + ": " + said);
        return Files.readAllBytes(out);
    }
}
