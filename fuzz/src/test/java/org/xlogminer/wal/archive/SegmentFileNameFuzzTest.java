package org.xlogminer.wal.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.xlogminer.fuzz.FuzzFiles;
import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.reader.SegmentName;

/**
 * The names of the files of an archive directory: pg_wal and flat archives, Barman's hash
 * directories and pgBackRest's {@code <version>-<id>/<16 hex>/<segment>-<sha1>[.ext]} layout. The
 * input is a relative path of up to three components (the depth the scanner walks), a zero byte,
 * and the file's first bytes; the file is created in an empty directory and {@link WalDirectoryScanner} scans it.
 * Whatever it takes for a segment must give a timeline and a segment number for every valid
 * segment size; nothing may be thrown. Seeds: the names of real segment files in pg_wal, Barman
 * and pgBackRest layouts (as the section 1 lists them) and non-segment files.
 */
class SegmentFileNameFuzzTest {

    private static final Path ROOT = FuzzFiles.temporaryDirectory("xlogminer-fuzz-names");

    @FuzzTest(maxDuration = "5m")
    void scan(byte[] input) throws IOException {
        int zero = 0;
        while (zero < input.length && input[zero] != 0) {
            zero++;
        }
        String path = new String(input, 0, zero, java.nio.charset.StandardCharsets.UTF_8);
        byte[] head = java.util.Arrays.copyOfRange(input, Math.min(zero + 1, input.length), input.length);
        String[] parts = path.split("/", -1);
        if (parts.length > 3) {
            return;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.equals(".") || part.equals("..") || part.indexOf('\0') >= 0
                || part.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
                return; // not a file name this file system takes
            }
        }
        Path file;
        try {
            file = ROOT.resolve(path);
            Files.createDirectories(file.getParent());
            Files.write(file, head);
        } catch (java.nio.file.InvalidPathException | IOException e) {
            clear();
            return;
        }
        try {
            List<SegmentFile> found = WalDirectoryScanner.scan(ROOT);
            for (SegmentFile f : found) {
                if (!SegmentName.isSegmentName(f.name())) {
                    throw new IllegalStateException("scanner took " + f.name() + " for a segment name");
                }
                f.timeline();
                f.plain();
                for (int shift = 20; shift <= 30; shift++) {
                    f.segno(1 << shift);
                }
            }
        } catch (WalFormatException e) {
            String m = e.getMessage(); // the errors a scan documents
            if (!m.contains(" is encrypted ") && !m.contains(" is a pgBackRest repository of the stanzas ")
                && !m.contains(" is a Barman home of the servers ")) {
                throw e;
            }
        } finally {
            clear();
        }
    }

    private static void clear() throws IOException {
        try (Stream<Path> all = Files.walk(ROOT)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                if (!p.equals(ROOT)) {
                    Files.delete(p);
                }
            }
        }
    }
}
