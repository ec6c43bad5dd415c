package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xlogminer.testkit.PgServer;

/**
 * {@code --from-time}/{@code --to-time} find their window by a search over segment heads, or by
 * the index, and give exactly the transactions that a full scan, filtered by the same times, gives.
 * A real PostgreSQL 15 server runs a workload in batches about 2.5 s apart (longer than the search's
 * skew margin, so that the search has batches to skip), with checkpoints and segment switches in
 * between, archived plain and gzipped; the index is made half-way and updated at the end.
 */
class TimeWindowIT {

    private static final int BATCHES = 8;

    private static Path root;
    private static PgServer server;
    private static Path plain;
    private static Path gz;
    private static Path catalog;
    /** The full scan's per-transaction lines, in commit order. */
    private static List<String> all;
    private static long allRecords;
    /** The server's clock before each batch, and after the last. */
    private static final List<Instant> marks = new ArrayList<>();
    private static String firstIndexRun;

    @BeforeAll
    static void workload() throws Exception {
        root = Files.createTempDirectory("xlogminer-seek");
        plain = Files.createDirectories(root.resolve("plain"));
        gz = Files.createDirectories(root.resolve("gz"));
        Path script = root.resolve("archive.sh");
        Files.writeString(script, "#!/bin/sh\nset -e\ncp \"$1\" " + plain + "/$2\ngzip -c \"$1\" > " + gz + "/$2.gz\n");
        for (Path p : List.of(root, plain, gz, script)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        server = PgServer.builder(15).walSegSizeMb(1)
            .setting("archive_mode", "on")
            .setting("archive_command", script + " %p %f")
            .start();
        server.execute("CREATE TABLE acc (id int PRIMARY KEY, owner text, balance numeric)");
        catalog = root.resolve("catalog.json");
        CliRun cat = CliRun.of("catalog", "--jdbc-url", server.jdbcUrl(), "--user", "postgres", "-o", catalog.toString());
        assertEquals(0, cat.exitCode(), cat.toString());
        for (int b = 0; b < BATCHES; b++) {
            marks.add(Instant.parse(server.queryString("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', "
                + "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")));
            for (int t = 0; t < 15; t++) {
                int base = b * 1000 + t * 20;
                server.execute("INSERT INTO acc SELECT g, md5(g::text), g FROM generate_series(" + base + ", " + (base + 19) + ") g",
                    "UPDATE acc SET balance = balance + 1 WHERE id % 7 = " + (t % 7) + " AND id >= " + b * 1000,
                    "DELETE FROM acc WHERE id = " + (base + 3));
            }
            if (b % 3 == 1) {
                server.checkpoint();
            }
            if (b % 2 == 0) {
                server.switchWal();
            }
            if (b == BATCHES / 2) {
                waitArchived(server.walFileName(server.switchWal()));
                firstIndexRun = index(plain, null).stderr();
            }
            server.execute("SELECT pg_sleep(2.5)");
        }
        marks.add(Instant.parse(server.queryString("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', "
            + "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")));
        waitArchived(server.walFileName(server.switchWal()));
        CliRun full = stats(plain);
        assertEquals(0, full.exitCode(), full.toString());
        all = transactions(full);
        allRecords = recordsRead(full);
        assertTrue(all.size() >= BATCHES * 15, "every batch's transactions are mined: " + all.size());
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (root != null) {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The windows every test checks: start, middle, end, across a checkpoint, before and after all, on a commit. */
    private static List<Instant[]> windows() {
        Instant first = Instant.parse(all.get(0).split("\\s+")[2]);
        Instant last = Instant.parse(all.get(all.size() - 1).split("\\s+")[2]);
        Instant commit40 = Instant.parse(all.get(40).split("\\s+")[2]);
        Instant commit77 = Instant.parse(all.get(77).split("\\s+")[2]);
        return List.of(
            new Instant[] {null, marks.get(1)},                   // the start
            new Instant[] {marks.get(3), marks.get(5)},           // the middle, across the checkpoint after batch 4
            new Instant[] {marks.get(BATCHES - 1), null},         // the end
            new Instant[] {marks.get(6), marks.get(7)},           // one batch near the end
            new Instant[] {commit40, commit77},                   // bounds on commits: the first in, the last out
            new Instant[] {first.minusSeconds(60), first.minusSeconds(30)}, // before the first commit
            new Instant[] {null, first},                          // up to the first, which is out
            new Instant[] {last.plusSeconds(30), null},           // after the last commit
            new Instant[] {last, null});                          // the last alone
    }

    @Test
    void searchedWindowsGiveTheFullScansTransactions() {
        for (Path dir : List.of(plain, gz)) {
            boolean skipped = false;
            for (Instant[] w : windows()) {
                CliRun run = stats(dir, window(w));
                assertEquals(0, run.exitCode(), run.toString());
                assertEquals(expected(w), transactions(run), dir + " " + List.of(w[0] + "", w[1] + ""));
                if (w[0] != null) {
                    assertTrue(run.stderr().contains("xlogminer: reading from "), run.stderr());
                }
                assertFalse(run.stderr().contains("(index "), run.stderr());
                skipped |= recordsRead(run) < allRecords / 2;
            }
            assertTrue(skipped, dir + ": the search skips the WAL before a late window");
        }
    }

    @Test
    void indexedWindowsGiveTheFullScansTransactions() throws IOException {
        assertTrue(firstIndexRun.matches("(?s).*indexed \\d+ segments into .* \\(\\d+ read, 0 kept.*"), firstIndexRun);
        Path idx = plain.resolve(IndexCommand.DEFAULT_NAME);
        CliRun update = index(plain, null);
        assertTrue(update.stderr().matches("(?s).*\\(\\d+ read, [1-9]\\d* kept from the index there\\).*"),
            "the second run reads only the segments archived since: " + update.stderr());
        Path gzIdx = root.resolve("gz.idx");
        assertEquals(0, index(gz, gzIdx).exitCode());
        for (Path dir : List.of(plain, gz)) {
            Path file = dir == plain ? idx : gzIdx;
            for (Instant[] w : windows()) {
                List<String> args = new ArrayList<>(window(w));
                args.addAll(List.of("--index", file.toString()));
                CliRun run = stats(dir, args);
                assertEquals(0, run.exitCode(), run.toString());
                assertEquals(expected(w), transactions(run), dir + " " + List.of(w[0] + "", w[1] + ""));
                assertTrue(run.stderr().contains("(index " + file + ")"), run.stderr());
            }
        }
        // the default place: in the first --wal-dir, as `index` wrote it there
        Instant[] late = {marks.get(6), marks.get(7)};
        CliRun byDefault = stats(plain, window(late));
        assertTrue(byDefault.stderr().contains("(index " + plain.resolve(IndexCommand.DEFAULT_NAME) + ")"), byDefault.stderr());
        assertTrue(recordsRead(byDefault) < allRecords / 2, byDefault.stderr());
    }

    @Test
    void aReplacedSegmentMakesTheIndexStale() throws Exception {
        Path dir = Files.createDirectories(root.resolve("stale"));
        try (Stream<Path> files = Files.list(plain)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.getFileName().toString().matches("[0-9A-F]{24}"))::iterator) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Path idx = root.resolve("stale.idx");
        assertEquals(0, index(dir, idx).exitCode());
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir)) {
            segments = files.sorted().toList();
        }
        // the same bytes written again: a new modification time, as a re-archived copy would have
        Path replaced = segments.get(segments.size() / 2);
        byte[] bytes = Files.readAllBytes(replaced);
        Files.delete(replaced);
        Files.write(replaced, bytes);
        Files.setLastModifiedTime(replaced, FileTime.from(Instant.now().plusSeconds(5)));
        Instant[] w = {marks.get(5), marks.get(6)};
        List<String> args = new ArrayList<>(window(w));
        args.addAll(List.of("--index", idx.toString()));
        CliRun run = stats(dir, args);
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("index " + idx + " not used: the file of segment " + replaced.getFileName()
            + " changed since it was indexed"), run.stderr());
        assertEquals(expected(w), transactions(run));
        CliRun again = index(dir, idx);
        assertTrue(again.stderr().contains("(1 read, "), "only the replaced segment is read again: " + again.stderr());
    }

    private static List<String> window(Instant[] w) {
        List<String> args = new ArrayList<>();
        if (w[0] != null) {
            args.addAll(List.of("--from-time", w[0].toString()));
        }
        if (w[1] != null) {
            args.addAll(List.of("--to-time", w[1].toString()));
        }
        return args;
    }

    /** The full scan's transactions committed in the window. */
    private static List<String> expected(Instant[] w) {
        return all.stream().filter(l -> {
            Instant t = Instant.parse(l.split("\\s+")[2]);
            return (w[0] == null || !t.isBefore(w[0])) && (w[1] == null || t.isBefore(w[1]));
        }).toList();
    }

    private static CliRun stats(Path dir, List<String> more) {
        List<String> args = new ArrayList<>(List.of("stats", "--top", "0", "--wal-dir", dir.toString(), "--catalog",
            catalog.toString()));
        args.addAll(more);
        return CliRun.of(args.toArray(String[]::new));
    }

    private static CliRun stats(Path dir) {
        return stats(dir, List.of());
    }

    private static CliRun index(Path dir, Path out) {
        CliRun r = out == null ? CliRun.of("index", "--wal-dir", dir.toString())
            : CliRun.of("index", "--wal-dir", dir.toString(), "-o", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        return r;
    }

    /** The per-transaction lines of a stats run. */
    private static List<String> transactions(CliRun run) {
        List<String> lines = run.stdoutLines();
        int i = lines.indexOf(lines.stream().filter(l -> l.startsWith("# per transaction")).findFirst().orElseThrow());
        return lines.subList(i + 2, lines.size()).stream().filter(l -> !l.isBlank()).toList();
    }

    private static long recordsRead(CliRun run) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("row changes from (\\d+) records read").matcher(run.stderr());
        assertTrue(m.find(), run.stderr());
        return Long.parseLong(m.group(1));
    }

    private static void waitArchived(String segment) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!segment.equals(server.queryString("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("segment " + segment + " was not archived");
            }
            Thread.sleep(100);
        }
    }
}
