package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.reader.SegmentName;

/**
 * Bad input on the command line: a truncated segment, a flipped byte, a missing segment, a segment
 * of another cluster, a file that is not WAL. Each prints every good record before the fault, then
 * one clear line on stderr naming the segment and LSN, and exits with 3; never a stack trace.
 */
class BadWalIT {

    private static final int SEG = 1 << 20;

    private static PgServer clusterA;
    private static PgServer clusterB;
    private static List<String> cleanLines;
    private static List<Long> cleanLsns;
    private static String middle;
    private static long middleStart;

    @TempDir
    Path tmp;

    @BeforeAll
    static void makeWal() throws Exception {
        clusterA = PgServer.builder(15).walSegSizeMb(1).start();
        clusterB = PgServer.builder(15).walSegSizeMb(1).start();
        for (PgServer s : List.of(clusterA, clusterB)) {
            s.runBinary("pgbench", "-i", "-s", "4", "-q").requireSuccess();
            s.checkpoint();
        }
        Path copy = Files.createTempDirectory("xlogminer-clean");
        copyWal(clusterA.walDir(), copy);
        CliRun clean = CliRun.of("records", "--wal-dir", copy.toString());
        assertEquals(0, clean.exitCode(), clean.toString());
        cleanLines = clean.stdoutLines();
        cleanLsns = new ArrayList<>();
        for (String l : cleanLines) {
            cleanLsns.add(Lsn.parse(l.substring(0, l.indexOf(' '))).value());
        }
        // A segment in the middle of the records read, present in both clusters.
        long first = cleanLsns.get(0) / SEG;
        long last = cleanLsns.get(cleanLsns.size() - 1) / SEG;
        assertTrue(last - first >= 4, "several segments of WAL");
        long mid = (first + last) / 2;
        middle = SegmentName.format(1, mid, SEG);
        middleStart = mid * SEG;
        assertTrue(Files.exists(clusterB.walDir().resolve(middle)), "cluster B has segment " + middle);
    }

    @AfterAll
    static void stop() {
        if (clusterA != null) {
            clusterA.close();
        }
        if (clusterB != null) {
            clusterB.close();
        }
    }

    private static void copyWal(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (SegmentName.isSegmentName(p.getFileName().toString())) {
                    Files.copy(p, to.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private Path walCopy() throws IOException {
        Path d = tmp.resolve("wal");
        Files.createDirectories(d);
        copyWal(clusterA.walDir(), d);
        return d;
    }

    /** Good records come first: stdout is the clean listing up to about the fault. */
    private static void assertGoodPrefix(CliRun run, long faultLsn) {
        List<String> got = run.stdoutLines();
        int before = 0;
        while (before < cleanLsns.size() && Long.compareUnsigned(cleanLsns.get(before), faultLsn) < 0) {
            before++;
        }
        assertTrue(got.size() == before || got.size() == before - 1,
            "records printed before the fault at " + Lsn.format(faultLsn) + ": " + got.size() + ", clean listing has "
                + before + " before it");
        assertEquals(cleanLines.subList(0, got.size()), got, "printed records are the clean ones");
    }

    private static void assertOneErrorLine(CliRun run, String segment, String... words) {
        assertEquals(3, run.exitCode(), run.toString());
        List<String> err = run.stderrLines();
        assertEquals(1, err.size(), "one line on stderr: " + run.stderr());
        String line = err.get(0);
        assertTrue(line.startsWith("xlogminer: error: "), line);
        assertTrue(line.contains("segment=" + segment), line);
        assertTrue(line.contains("lsn="), line);
        for (String w : words) {
            assertTrue(line.contains(w), "'" + w + "' in " + line);
        }
        assertFalse(run.stderr().contains("Exception") || run.stderr().contains("\tat "), run.stderr());
    }

    @Test
    void truncatedSegment() throws IOException {
        Path wal = walCopy();
        int keep = 36 * 8192 + 1000;
        try (RandomAccessFile f = new RandomAccessFile(wal.resolve(middle).toFile(), "rw")) {
            f.setLength(keep);
        }
        CliRun run = CliRun.of("records", "--wal-dir", wal.toString());
        assertOneErrorLine(run, middle, "truncated");
        assertGoodPrefix(run, middleStart + 36 * 8192);
    }

    @Test
    void flippedByteInARecord() throws IOException {
        Path wal = walCopy();
        // A record of the middle segment that lies inside one page, with room for the flip.
        int victim = -1;
        for (int i = 0; i < cleanLines.size(); i++) {
            long lsn = cleanLsns.get(i);
            int len = Integer.parseInt(cleanLines.get(i).split(" ")[8]);
            if (lsn >= middleStart + 100_000 && lsn / SEG == middleStart / SEG && len >= 64 && lsn % 8192 + len <= 8192) {
                victim = i;
                break;
            }
        }
        assertTrue(victim > 0);
        long lsn = cleanLsns.get(victim);
        try (RandomAccessFile f = new RandomAccessFile(wal.resolve(middle).toFile(), "rw")) {
            long pos = lsn % SEG + 40;
            f.seek(pos);
            int b = f.read();
            f.seek(pos);
            f.write(b ^ 0x10);
        }
        CliRun run = CliRun.of("records", "--wal-dir", wal.toString());
        assertOneErrorLine(run, middle, "checksum", "lsn=" + Lsn.format(lsn));
        assertEquals(cleanLines.subList(0, victim), run.stdoutLines(), "every record before the corrupt one");
    }

    @Test
    void missingSegmentInTheMiddle() throws IOException {
        Path wal = walCopy();
        Files.delete(wal.resolve(middle));
        CliRun run = CliRun.of("records", "--wal-dir", wal.toString());
        assertOneErrorLine(run, middle, "missing");
        assertGoodPrefix(run, middleStart);
    }

    @Test
    void segmentOfAnotherCluster() throws IOException {
        Path wal = walCopy();
        Files.copy(clusterB.walDir().resolve(middle), wal.resolve(middle), StandardCopyOption.REPLACE_EXISTING);
        CliRun run = CliRun.of("records", "--wal-dir", wal.toString());
        assertOneErrorLine(run, middle, "another cluster");
        assertGoodPrefix(run, middleStart);
    }

    @Test
    void fileThatIsNotWal() throws IOException {
        Path wal = walCopy();
        byte[] junk = new byte[SEG];
        new Random(42).nextBytes(junk);
        Files.write(wal.resolve(middle), junk);
        CliRun run = CliRun.of("records", "--wal-dir", wal.toString());
        assertOneErrorLine(run, middle, "not WAL");
        assertGoodPrefix(run, middleStart);
    }

    @Test
    void directoryWhoseOnlySegmentIsNotWal() throws IOException {
        Path d = tmp.resolve("junk");
        Files.createDirectories(d);
        Files.writeString(d.resolve("000000010000000000000001"), "this is not WAL\n".repeat(100));
        CliRun run = CliRun.of("records", "--wal-dir", d.toString());
        assertEquals(3, run.exitCode(), run.toString());
        assertEquals(List.of("xlogminer: error: not a WAL segment of PostgreSQL 13 to 18: page magic 0x6874"
            + " (segment=000000010000000000000001)"), run.stderrLines());
        assertTrue(run.stdout().isEmpty());
    }
}
