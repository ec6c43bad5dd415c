package org.xlogminer.wal.reader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.TestData;

/**
 * Reads of the real segment in testdata/ through {@link DirectorySegmentSource}, which copies the
 * reader's windows (and the reads that fall in them) out of a mapping and the rest with positional
 * reads: every read must give the file's bytes whichever way it went, and a short file must read
 * short, also one cut after it was mapped (whose pages past the cut would fault if copied).
 */
class DirectorySegmentSourceTest {

    private static final String SEGMENT = "000000010000000000000006";
    private static final long SEGNO = 6;

    @TempDir
    Path tmp;

    private Path copy() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("wal"));
        Files.copy(TestData.accountsUpdateWal().resolve(SEGMENT), dir.resolve(SEGMENT));
        return dir;
    }

    @Test
    void everyReadGivesTheFilesBytes() throws IOException {
        Path dir = copy();
        byte[] file = Files.readAllBytes(dir.resolve(SEGMENT));
        Random random = new Random(42);
        try (DirectorySegmentSource source = DirectorySegmentSource.open(dir)) {
            for (int i = 0; i < 2000; i++) {
                // windows (mapping from where they start) mixed with small reads in and out of them
                boolean window = random.nextInt(8) == 0;
                int length = window
                    ? DirectorySegmentSource.MAP_FROM_LENGTH + random.nextInt(file.length - DirectorySegmentSource.MAP_FROM_LENGTH)
                    : 1 + random.nextInt(8192);
                int offset = random.nextInt(file.length);
                byte[] dst = new byte[length + 16];
                int n = source.read(SEGNO, offset, dst, 7, length);
                int expected = Math.min(length, file.length - offset);
                assertEquals(expected, n, "bytes read at " + offset + " of " + length);
                assertArrayEquals(Arrays.copyOfRange(file, offset, offset + n), Arrays.copyOfRange(dst, 7, 7 + n),
                    "bytes at " + offset + " of " + length);
            }
        }
    }

    @Test
    void aFileCutUnderTheMappingReadsShortLikeAnyShortFile() throws IOException {
        Path dir = copy();
        Path file = dir.resolve(SEGMENT);
        byte[] original = Files.readAllBytes(file);
        try (DirectorySegmentSource source = DirectorySegmentSource.open(dir)) {
            byte[] window = new byte[original.length];
            assertEquals(original.length, source.read(SEGNO, 0, window, 0, window.length)); // maps it all
            assertArrayEquals(original, window);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(8192 + 100);
            }
            // windows in the mapped range, past the new end: the bytes that are left, no fault
            byte[] big = new byte[DirectorySegmentSource.MAP_FROM_LENGTH];
            assertEquals(0, source.read(SEGNO, original.length / 2, big, 0, big.length));
            assertEquals(100, source.read(SEGNO, 8192, big, 0, big.length));
            assertArrayEquals(Arrays.copyOfRange(original, 8192, 8292), Arrays.copyOf(big, 100));
            byte[] small = new byte[4096];
            assertEquals(0, source.read(SEGNO, original.length / 2, small, 0, small.length));
            assertEquals(4096, source.read(SEGNO, 4096, small, 0, small.length));
            assertArrayEquals(Arrays.copyOfRange(original, 4096, 8192), small);
        }
    }

    @Test
    void aWindowPastTheEndOfAShortFileReadsShort() throws IOException {
        Path dir = copy();
        Path file = dir.resolve(SEGMENT);
        byte[] original = Files.readAllBytes(file);
        int kept = 300 * 1024;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(kept);
        }
        try (DirectorySegmentSource source = DirectorySegmentSource.open(dir)) {
            byte[] window = new byte[256 * 1024];
            assertEquals(window.length, source.read(SEGNO, 0, window, 0, window.length));
            assertArrayEquals(Arrays.copyOf(original, window.length), window);
            assertEquals(kept - window.length, source.read(SEGNO, window.length, window, 0, window.length));
            assertArrayEquals(Arrays.copyOfRange(original, window.length, kept), Arrays.copyOf(window, kept - window.length));
            assertEquals(0, source.read(SEGNO, kept, window, 0, window.length));
        }
    }

    @Test
    void moreSegmentsThanFileDescriptorsAreReadThroughout() throws Exception {
        // 300 names for the one real segment (hard links), read in a JVM allowed 128 open files:
        // fewer than the channels the source would cache, so opening one must give some back
        Path dir = Files.createDirectories(tmp.resolve("many"));
        Path real = copy().resolve(SEGMENT);
        int segments = 300;
        for (int i = 0; i < segments; i++) {
            Files.createLink(dir.resolve(SegmentName.format(1, SEGNO + i, 1 << 20)), real);
        }
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of("bash", "-c",
            "ulimit -n 128 && exec \"$0\" -cp \"$1\" \"$2\" \"$3\" " + segments,
            javaBin, System.getProperty("java.class.path"), ReadEverySegment.class.getName(), dir.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("read " + 2 * segments + " pages", out.strip());
    }

    /** Reads the first page of every segment, twice over, each compared with the file. */
    public static final class ReadEverySegment {
        public static void main(String[] args) throws IOException {
            Path dir = Path.of(args[0]);
            int segments = Integer.parseInt(args[1]);
            int read = 0;
            try (DirectorySegmentSource source = DirectorySegmentSource.open(dir)) {
                byte[] expected = Arrays.copyOf(Files.readAllBytes(dir.resolve(SEGMENT)), 8192);
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < segments; i++) {
                        byte[] page = new byte[8192];
                        if (source.read(SEGNO + i, 0, page, 0, page.length) != page.length || !Arrays.equals(expected, page)) {
                            throw new AssertionError("segment " + (SEGNO + i) + " read wrong");
                        }
                        read++;
                    }
                }
            }
            System.out.println("read " + read + " pages");
        }
    }

    @Test
    void segmentsOnAFileSystemThatCannotMapAreReadByPosition() throws IOException {
        // a zip archive of WAL, read in place through the JDK's zip file system (no mapping there)
        Path zip = tmp.resolve("wal.zip");
        byte[] original = Files.readAllBytes(TestData.accountsUpdateWal().resolve(SEGMENT));
        try (java.nio.file.FileSystem fs = java.nio.file.FileSystems.newFileSystem(zip, java.util.Map.of("create", "true"))) {
            Files.createDirectories(fs.getPath("/pg_wal"));
            Files.write(fs.getPath("/pg_wal", SEGMENT), original);
        }
        try (java.nio.file.FileSystem fs = java.nio.file.FileSystems.newFileSystem(zip);
             DirectorySegmentSource source = DirectorySegmentSource.open(fs.getPath("/pg_wal"))) {
            byte[] window = new byte[original.length];
            assertEquals(original.length, source.read(SEGNO, 0, window, 0, window.length));
            assertArrayEquals(original, window);
            try (WalReader reader = WalReader.builder(source).build()) {
                int records = 0;
                while (reader.next() != null) {
                    records++;
                }
                assertTrue(records > 300, "records read from the zip: " + records);
            }
        }
    }
}
