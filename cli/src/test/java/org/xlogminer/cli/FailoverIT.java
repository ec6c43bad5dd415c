package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xlogminer.testkit.PgBinaries;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.reader.SegmentName;

/**
 * A real failover: a primary archiving with {@code cp}, a streaming standby made by
 * {@code pg_basebackup -R}, changes on timeline 1, {@code pg_promote()} of the standby, changes on
 * the new primary (timeline 2) and, after the promotion, on the old primary too (timeline 1's
 * diverged tail, archived into the same archive). Mining the archive together with the old
 * primary's pg_wal gives exactly the changes on the new timeline's path: the REDO script, applied
 * to a copy of the table as it was at the start of the range, gives the new primary's table, and
 * nothing of the diverged tail is shown. {@code --timeline 1} gives the old primary's table the
 * same way, and so does the archive gzipped, or pushed by pgBackRest (the history file too). {@code records} shows the switch where the history file says it is; the SQL comments
 * and {@code stats} name each transaction's timeline. Without the new timeline's copy of the
 * segment holding the switch point, mining stops there with exit 3 (never reads the old tail).
 */
class FailoverIT {

    private static final Pattern HEADER = Pattern.compile("(?m)^-- xid \\d+ committed at (\\S+) .* on timeline (\\d+)$");

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {15, 13})
    void miningTheArchiveFollowsTheNewTimelineAndNeverItsDivergedTail(int major) throws Exception {
        Path root = Files.createTempDirectory("xlogminer-failover");
        Path archive = Files.createDirectories(root.resolve("archive"));
        openUp(root);
        PgServer primary = null;
        PgServer standby = null;
        try {
            primary = PgServer.builder(major).walSegSizeMb(1)
                .setting("archive_mode", "on")
                .setting("archive_command", "test ! -f " + archive + "/%f && cp %p " + archive + "/%f")
                .start();
            primary.execute("CREATE TABLE ev (id int PRIMARY KEY, v text, n int)",
                "INSERT INTO ev SELECT g, 'before', g FROM generate_series(1, 50) g");
            Path catalog = root.resolve("catalog.json");
            CliRun cat = CliRun.of("catalog", "--jdbc-url", primary.jdbcUrl(), "--user", "postgres", "-o", catalog.toString());
            assertEquals(0, cat.exitCode(), cat.toString());
            long from = primary.currentWalInsertLsn();
            List<List<String>> startRows = primary.queryRows("SELECT id, v, n FROM ev ORDER BY id");

            standby = primary.startStandby();
            primary.execute("INSERT INTO ev SELECT g, 'on 1', g FROM generate_series(51, 3000) g",
                "UPDATE ev SET n = n + 1 WHERE id % 7 = 0",
                "DELETE FROM ev WHERE id % 11 = 0");
            waitReplayed(standby, primary.currentWalInsertLsn());
            standby.execute("SELECT pg_promote()", "CHECKPOINT");
            assertEquals(2, standby.timelineId());

            // the old primary goes on: timeline 1's tail diverges from the new primary's path
            primary.execute("INSERT INTO ev SELECT g, 'diverged', g FROM generate_series(5001, 25000) g",
                "UPDATE ev SET v = 'diverged' WHERE id % 5 = 0",
                "DELETE FROM ev WHERE id % 13 = 0");
            long oldEnd = primary.flushWal();
            standby.execute("INSERT INTO ev SELECT g, 'on 2', g FROM generate_series(3001, 4500) g",
                "UPDATE ev SET n = -n WHERE id % 3 = 0",
                "DELETE FROM ev WHERE id % 17 = 0");
            long to = standby.flushWal();
            waitArchived(standby, standby.walFileName(standby.switchWal()));
            waitArchived(primary, primary.walFileName(primary.switchWal()));
            // the archive as it is now (the servers go on archiving what the checks below write)
            Path archived = Files.createDirectories(root.resolve("archived"));
            try (Stream<Path> files = Files.list(archive)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.copy(f, archived.resolve(f.getFileName()));
                }
            }
            Path oldWal = Files.createDirectories(root.resolve("old-pg_wal"));
            try (Stream<Path> files = Files.list(primary.walDir())) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    Files.copy(f, oldWal.resolve(f.getFileName()));
                }
            }
            long switchPoint = switchPoint(archived.resolve("00000002.history"));
            String[] dirs = {"--wal-dir", archived.toString(), "--wal-dir", oldWal.toString()};

            // timeline 2 (the default: the newest): the new primary's table, nothing diverged
            CliRun mined = CliRun.of(args(dirs, "mine", "--catalog", catalog.toString(), "--from-lsn", Lsn.format(from),
                "--to-lsn", Lsn.format(to)));
            assertEquals(0, mined.exitCode(), mined.toString());
            assertFalse(mined.stdout().contains("diverged"), "nothing of the old primary's tail is mined");
            assertTrue(mined.stderr().contains("read along the history of timeline 2: 1 until " + Lsn.format(switchPoint)
                + ", then 2"), mined.stderr());
            assertTrue(mined.stdout().contains("'on 1'") && mined.stdout().contains("'on 2'"), "both timelines' changes");
            assertEquals(rows(standby, "postgres"), replay(standby, startRows, mined.stdout(), root.resolve("redo2.sql")),
                "the REDO script of timeline 2 turns the table at the start into the new primary's table");

            // to the end of the WAL: timeline 2's last segment is the end, the old primary's longer tail
            // (segments timeline 2 never had) is not read on
            CliRun toEnd = CliRun.of(args(dirs, "mine", "--catalog", catalog.toString(), "--from-lsn", Lsn.format(from)));
            assertEquals(0, toEnd.exitCode(), toEnd.toString());
            assertEquals(mined.stdout(), toEnd.stdout());
            assertTrue(toEnd.stderr().contains("no later one is"), toEnd.stderr());

            // the archive compressed: segments gzipped as NAME.gz, the history file gzipped under its own
            // name (as Barman keeps files, told by their bytes)
            Path gz = Files.createDirectories(root.resolve("archived-gz"));
            try (Stream<Path> files = Files.list(archived)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String name = f.getFileName().toString();
                    Path target = gz.resolve(name.endsWith(".history") ? name : name + ".gz");
                    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(target))) {
                        Files.copy(f, out);
                    }
                }
            }
            CliRun minedGz = CliRun.of("mine", "--wal-dir", gz.toString(), "--wal-dir", oldWal.toString(), "--catalog",
                catalog.toString(), "--from-lsn", Lsn.format(from), "--to-lsn", Lsn.format(to));
            assertEquals(0, minedGz.exitCode(), minedGz.toString());
            assertEquals(mined.stdout(), minedGz.stdout());

            // the same files pushed by pgBackRest into a stanza of the new primary (zst), the history file too
            Path stanza = pgBackRest(root, standby, archived);
            CliRun minedPgbr = CliRun.of("mine", "--wal-dir", stanza.toString(), "--wal-dir", oldWal.toString(), "--catalog",
                catalog.toString(), "--from-lsn", Lsn.format(from), "--to-lsn", Lsn.format(to));
            assertEquals(0, minedPgbr.exitCode(), minedPgbr.toString());
            assertEquals(mined.stdout(), minedPgbr.stdout());

            // each transaction's header names the timeline of its commit
            Matcher m = HEADER.matcher(mined.stdout());
            int[] seen = new int[3];
            while (m.find()) {
                int tli = Integer.parseInt(m.group(2));
                assertEquals(Long.compareUnsigned(Lsn.parse(m.group(1)).value(), switchPoint) < 0 ? 1 : 2, tli, m.group());
                seen[tli]++;
            }
            assertTrue(seen[1] > 0 && seen[2] > 0, "transactions of both timelines are named: " + mined.stdout().lines().limit(5).toList());

            // records: a line at the switch point the history file gives, then the end-of-recovery record
            CliRun records = CliRun.of(args(dirs, "records", "--from-lsn", Lsn.format(from), "--to-lsn", Lsn.format(to)));
            assertEquals(0, records.exitCode(), records.toString());
            List<String> lines = records.stdoutLines();
            String switchLine = "-- timeline switch: 1 -> 2 at " + Lsn.format(switchPoint) + " (00000002.history)";
            int at = lines.indexOf(switchLine);
            assertTrue(at > 0, "a switch line " + switchLine + " in " + records.stdout().lines().filter(l -> l.startsWith("--")).toList());
            assertTrue(lines.get(at + 1).contains("XLOG END_OF_RECOVERY"), lines.get(at + 1));
            assertEquals(1, lines.stream().filter(l -> l.startsWith("--")).count(), "one switch");

            // stats: a timeline column
            CliRun stats = CliRun.of(args(dirs, "stats", "--catalog", catalog.toString(), "--from-lsn", Lsn.format(from),
                "--to-lsn", Lsn.format(to), "--top", "0"));
            assertEquals(0, stats.exitCode(), stats.toString());
            assertTrue(stats.stdout().contains(" timeline "), stats.stdout());
            timeWindowAcrossTheSwitch(root, catalog, dirs, "--wal-dir", gz.toString(), "--wal-dir", oldWal.toString());

            // timeline 1: the old primary's path, its diverged tail included
            CliRun mined1 = CliRun.of(args(dirs, "mine", "--timeline", "1", "--catalog", catalog.toString(),
                "--from-lsn", Lsn.format(from), "--to-lsn", Lsn.format(oldEnd)));
            assertEquals(0, mined1.exitCode(), mined1.toString());
            assertTrue(mined1.stdout().contains("diverged") && !mined1.stdout().contains("'on 2'"), "timeline 1 only");
            assertFalse(mined1.stdout().contains(" on timeline "), "one timeline: the headers are as they always were");
            assertEquals(rows(primary, "postgres"), replay(primary, startRows, mined1.stdout(), root.resolve("redo1.sql")),
                "the REDO script of timeline 1 turns the table at the start into the old primary's table");

            // without timeline 2's copy of the segment holding the switch point, reading stops there
            int segSize = (int) primary.walSegmentSize();
            String needed = SegmentName.format(2, switchPoint / segSize, segSize);
            Path partial = Files.createDirectories(root.resolve("archive-without-" + needed));
            try (Stream<Path> files = Files.list(archived)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (!f.getFileName().toString().equals(needed)) {
                        Files.copy(f, partial.resolve(f.getFileName()));
                    }
                }
            }
            CliRun cut = CliRun.of("mine", "--wal-dir", partial.toString(), "--wal-dir", oldWal.toString(), "--catalog",
                catalog.toString(), "--from-lsn", Lsn.format(from), "--to-lsn", Lsn.format(to));
            assertEquals(3, cut.exitCode(), cut.toString());
            assertTrue(cut.stderr().contains(needed), cut.stderr());
            assertFalse(cut.stdout().contains("diverged"), "the old tail is not read in its place");
        } finally {
            if (standby != null) {
                standby.close();
            }
            if (primary != null) {
                primary.close();
            }
            try (Stream<Path> all = Files.walk(root)) {
                all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * A pgBackRest repository with a stanza of {@code server}, into which {@code archive-push}
     * pushes every file of {@code files} (zstd); returns the stanza's archive directory.
     */
    private static Path pgBackRest(Path root, PgServer server, Path files) throws Exception {
        Path repo = Files.createDirectories(root.resolve("pgbackrest"));
        Path log = Files.createDirectories(root.resolve("pgbackrest-log"));
        Path conf = root.resolve("pgbackrest.conf");
        Files.writeString(conf, "[global]\nrepo1-path=" + repo + "\nlog-path=" + log + "\nlock-path=" + log
            + "\nlog-level-console=warn\ncompress-type=zst\n[main]\npg1-path=" + server.dataDir() + "\npg1-port="
            + server.port() + "\npg1-socket-path=" + server.serverDir() + "\n");
        openUp(root);
        runAsPostgres("pgbackrest", "--config=" + conf, "--stanza=main", "stanza-create");
        try (Stream<Path> all = Files.list(files)) {
            for (Path f : (Iterable<Path>) all.sorted()::iterator) {
                runAsPostgres("pgbackrest", "--config=" + conf, "--stanza=main", "archive-push", f.toString());
            }
        }
        try (Stream<Path> all = Files.walk(repo)) {
            assertTrue(all.anyMatch(p -> p.getFileName().toString().startsWith("00000002.history")), "the history is pushed");
        }
        return repo.resolve("archive/main");
    }

    private static void runAsPostgres(String... cmd) throws Exception {
        List<String> full = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(cmd));
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", full) + " failed: " + out);
        }
    }

    private static String[] args(String[] dirs, String command, String... rest) {
        List<String> a = new ArrayList<>(List.of(command));
        a.addAll(List.of(dirs));
        a.addAll(List.of(rest));
        return a.toArray(String[]::new);
    }

    /** The switch point of timeline 1 as PostgreSQL wrote it into the history file of timeline 2. */
    private static long switchPoint(Path history) throws IOException {
        for (String line : Files.readAllLines(history)) {
            String[] f = line.split("\t");
            if (f.length >= 2 && f[0].equals("1")) {
                return Lsn.parse(f[1]).value();
            }
        }
        throw new IllegalStateException("no line of timeline 1 in " + history + ": " + Files.readString(history));
    }

    /**
     * Applies a REDO script with psql to a new database holding the table as it was at the start of
     * the range; returns the table's rows afterwards.
     */
    private static List<List<String>> replay(PgServer server, List<List<String>> startRows, String script, Path file)
        throws Exception {
        server.execute("DROP DATABASE IF EXISTS scratch", "CREATE DATABASE scratch");
        try (Connection c = DriverManager.getConnection(url(server, "scratch")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ev (id int PRIMARY KEY, v text, n int)");
            for (List<String> r : startRows) {
                s.execute("INSERT INTO ev VALUES (" + r.get(0) + ", '" + r.get(1) + "', " + r.get(2) + ")");
            }
        }
        Files.writeString(file, script);
        server.runTool(PgBinaries.debian15Tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "scratch", "-f",
            file.toString()).requireSuccess();
        return rows(server, "scratch");
    }

    private static List<List<String>> rows(PgServer server, String database) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url(server, database)); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, v, n FROM ev ORDER BY id")) {
            while (rs.next()) {
                rows.add(List.of(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
        return rows;
    }

    private static String url(PgServer server, String database) {
        return "jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + database + "?user=postgres";
    }

    /**
     * A --from-time/--to-time window from a commit on timeline 1 to one on timeline 2 gives the
     * transactions a full scan gives, found by the search over segment heads (plain and gzipped
     * archive) and by an index of the gzipped one.
     */
    private static void timeWindowAcrossTheSwitch(Path root, Path catalog, String[] dirs, String... gzDirs) {
        CliRun full = CliRun.of(args(dirs, "stats", "--catalog", catalog.toString(), "--top", "0"));
        assertEquals(0, full.exitCode(), full.toString());
        List<String> lines = full.stdoutLines();
        List<String> txs = lines.subList(lines.indexOf("# per transaction") + 2, lines.size());
        int t2 = txs.size() - 1;
        while (t2 > 0 && !txs.get(t2 - 1).split("\\s+")[2].equals("1")) {
            t2--;
        }
        assertTrue(t2 > 1 && t2 < txs.size() - 1, "transactions on both timelines: " + txs);
        String from = txs.get(1).split("\\s+")[3];
        String to = txs.get(txs.size() - 1).split("\\s+")[3];
        List<String> expected = txs.subList(1, txs.size() - 1).stream()
            .filter(l -> java.time.Instant.parse(l.split("\\s+")[3]).isBefore(java.time.Instant.parse(to))).toList();
        Path index = root.resolve("index.jsonl");
        CliRun indexed = CliRun.of(args(gzDirs, "index", "-o", index.toString()));
        assertEquals(0, indexed.exitCode(), indexed.toString());
        for (String[] run : List.of(
            args(dirs, "stats", "--catalog", catalog.toString(), "--top", "0", "--from-time", from, "--to-time", to),
            args(gzDirs, "stats", "--catalog", catalog.toString(), "--top", "0", "--from-time", from, "--to-time", to),
            args(gzDirs, "stats", "--catalog", catalog.toString(), "--top", "0", "--from-time", from, "--to-time", to,
                "--index", index.toString()))) {
            CliRun r = CliRun.of(run);
            assertEquals(0, r.exitCode(), r.toString());
            List<String> got = r.stdoutLines();
            assertEquals(expected, got.subList(got.indexOf("# per transaction") + 2, got.size()), String.join(" ", run));
            assertTrue(r.stderr().contains("xlogminer: reading from "), r.stderr());
        }
    }

    private static void waitReplayed(PgServer standby, long lsn) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (Long.compareUnsigned(Lsn.parse(standby.queryString("SELECT pg_last_wal_replay_lsn()::text")).value(), lsn) < 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the standby did not replay up to " + Lsn.format(lsn));
            }
            Thread.sleep(100);
        }
    }

    private static void waitArchived(PgServer server, String segment) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!segment.equals(server.queryString("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("segment " + segment + " was not archived: "
                    + server.queryString("SELECT row(a.*)::text FROM pg_stat_archiver a"));
            }
            Thread.sleep(200);
        }
    }

    /** Lets the servers' OS user write the archive (the tests may run as root). */
    private static void openUp(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
        }
    }
}
