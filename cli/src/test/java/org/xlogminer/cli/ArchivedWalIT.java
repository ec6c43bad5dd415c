package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.Lsn;

/**
 * WAL as archivers keep it, written by the real tools for a real PostgreSQL 15 server: an
 * {@code archive_command} that writes each segment with gzip, lz4, zstd, bzip2, xz and LZMA (as WAL-G's
 * lzma), pgBackRest's
 * {@code archive-push} into a local stanza per compress type (gz, lz4, zst, bz2, none), and Barman's
 * {@code archive-wal} of a local {@code cp} archiver (gzip; and a custom zstd filter, of which the
 * files keep no record). Mining each archive gives exactly the
 * output of mining the server's own pg_wal; so does the archive together with pg_wal. A corrupt
 * pgBackRest segment (SHA-1), a truncated compressed file and two disagreeing copies of a segment
 * each stop with exit 3 and name the files.
 */
class ArchivedWalIT {

    private static final List<String> PLAIN = List.of("gz", "lz4", "zst", "bz2", "xz", "lzma");
    private static final List<String> PGBACKREST = List.of("gz", "lz4", "zst", "bz2", "none");

    private static Path root;
    private static PgServer server;
    private static Path walCopy;
    private static Path catalog;
    private static String[] range;
    private static String expected;

    @TempDir
    Path tmp;

    @BeforeAll
    static void archive() throws Exception {
        root = Files.createTempDirectory("xlogminer-archives");
        for (String d : List.of("gz", "lz4", "zst", "bz2", "xz", "lzma", "pgbackrest", "log", "barman/srv/incoming",
            "barman/srvz/incoming")) {
            Files.createDirectories(root.resolve(d));
        }
        Path script = root.resolve("archive.sh");
        Files.writeString(script, String.join("\n",
            "#!/bin/sh",
            "# archive.sh PATH FILE: what an archive_command does, once per compression and archiver",
            "set -e",
            "R=" + root,
            "gzip -c \"$1\" > $R/gz/$2.gz",
            "lz4 -q -c \"$1\" > $R/lz4/$2.lz4",
            "zstd -q -c \"$1\" > $R/zst/$2.zst",
            "bzip2 -c \"$1\" > $R/bz2/$2.bz2",
            "xz -0 -c \"$1\" > $R/xz/$2.xz",
            "xz --format=lzma -c \"$1\" > $R/lzma/$2.lzma",
            "for t in " + String.join(" ", PGBACKREST) + "; do",
            "  pgbackrest --config=$R/pgbackrest.conf --stanza=$t --compress-type=$t archive-push \"$1\"",
            "done",
            "cp \"$1\" $R/barman/srv/incoming/$2",
            "cp \"$1\" $R/barman/srvz/incoming/$2", ""));
        openUp(root);
        server = PgServer.builder(15).walSegSizeMb(1)
            .setting("archive_mode", "on")
            .setting("archive_command", script + " %p %f")
            .start();
        configureArchivers();
        server.execute("CREATE TABLE acc (id int PRIMARY KEY, owner text, balance numeric)");
        Path catalogFile = root.resolve("catalog.json");
        CliRun cat = CliRun.of("catalog", "--jdbc-url", server.jdbcUrl(), "--user", "postgres", "-o", catalogFile.toString());
        assertEquals(0, cat.exitCode(), cat.toString());
        catalog = catalogFile;
        long start = server.currentWalInsertLsn();
        server.execute(
            "INSERT INTO acc SELECT g, md5(g::text), g * 10 FROM generate_series(1, 20000) g",
            "CHECKPOINT",
            "UPDATE acc SET balance = balance + 1 WHERE id % 3 = 0",
            "DELETE FROM acc WHERE id % 17 = 0");
        long end = server.flushWal();
        String last = server.walFileName(server.switchWal());
        waitArchived(last);
        run("barman", "-c", root.resolve("barman.conf").toString(), "archive-wal", "srv");
        run("barman", "-c", root.resolve("barman.conf").toString(), "archive-wal", "srvz");
        walCopy = Files.createDirectories(root.resolve("pg_wal-copy"));
        try (Stream<Path> files = Files.list(server.walDir())) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                Files.copy(f, walCopy.resolve(f.getFileName()));
            }
        }
        range = new String[] {"--catalog", catalog.toString(), "--from-lsn", Lsn.format(start), "--to-lsn", Lsn.format(end)};
        CliRun plain = mine(walCopy);
        assertEquals(0, plain.exitCode(), plain.toString());
        assertTrue(plain.stdout().contains("UPDATE"), "the workload's changes are mined");
        expected = plain.stdout();
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (root != null) {
            try (Stream<Path> all = Files.walk(root)) {
                all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void everyCompressionOfTheArchiveCommandMinesAsPgWal() {
        for (String c : PLAIN) {
            CliRun run = mine(root.resolve(c));
            assertEquals(0, run.exitCode(), c + ": " + run);
            assertEquals(expected, run.stdout(), c);
        }
    }

    @Test
    void everyPgBackRestCompressTypeMinesAsPgWal() {
        for (String t : PGBACKREST) {
            Path stanza = root.resolve("pgbackrest/archive/" + t);
            CliRun run = mine(stanza);
            assertEquals(0, run.exitCode(), t + ": " + run);
            assertEquals(expected, run.stdout(), t);
        }
        // the repository itself holds a stanza per compress type: several clusters, as far as it says
        CliRun repo = mine(root.resolve("pgbackrest"));
        assertEquals(3, repo.exitCode(), repo.toString());
        assertTrue(repo.stderr().contains("is a pgBackRest repository of the stanzas [bz2, gz, lz4, none, zst]: "
            + "give --wal-dir "
            + root.resolve("pgbackrest/archive") + "/<name>"), repo.stderr());
    }

    /** Barman's gzip, and a custom compression (zstd) of which its files keep no record. */
    @Test
    void barmanWalsMineAsPgWal() throws IOException {
        for (String srv : List.of("srv", "srvz")) {
            Path wals = root.resolve("barman/" + srv + "/wals");
            try (Stream<Path> files = Files.walk(wals)) {
                assertTrue(files.anyMatch(p -> p.getFileName().toString().equals("xlog.db")),
                    "Barman archived the WAL");
            }
            // the server's wals/, and its directory
            for (Path dir : List.of(wals, wals.getParent())) {
                CliRun run = mine(dir);
                assertEquals(0, run.exitCode(), dir + ": " + run);
                assertEquals(expected, run.stdout(), dir.toString());
            }
        }
        byte[] head = Arrays.copyOf(Files.readAllBytes(segmentFiles(root.resolve("barman/srvz/wals")).get(0)), 4);
        assertArrayEquals(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD}, head, "Barman's custom filter wrote zstd");
        // Barman's home: of two servers, refused with their names; of one, that server's
        CliRun two = mine(root.resolve("barman"));
        assertEquals(3, two.exitCode(), two.toString());
        assertTrue(two.stderr().contains("is a Barman home of the servers [srv, srvz]"), two.stderr());
        Path home = copyTree(root.resolve("barman/srvz"), tmp.resolve("home/srvz")).getParent();
        CliRun one = mine(home);
        assertEquals(0, one.exitCode(), one.toString());
        assertEquals(expected, one.stdout());
    }

    @Test
    void anArchiveTogetherWithPgWalMinesAsPgWal() {
        CliRun run = mine(root.resolve("zst"), walCopy);
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(expected, run.stdout());
    }

    @Test
    void aPgBackRestSegmentWhoseSha1DoesNotMatchIsCorruptWal() throws IOException {
        Path stanza = copyTree(root.resolve("pgbackrest/archive/gz"), tmp.resolve("gz"));
        Path victim = segmentFiles(stanza).get(1);
        byte[] segment;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(victim))) {
            segment = in.readAllBytes();
        }
        segment[segment.length / 2] ^= 0x01;
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(victim))) {
            out.write(segment);
        }
        CliRun run = CliRun.of("records", "--wal-dir", stanza.toString());
        assertEquals(3, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains(victim.toString()) && run.stderr().contains("SHA-1"), run.stderr());
        assertFalse(run.stderr().contains("\tat "), "no stack trace");
    }

    /**
     * An encrypted pgBackRest repository (repo1-cipher-type): its files start with OpenSSL's
     * "Salted__", which would otherwise be taken for a plain segment with a bad page magic.
     */
    @Test
    void anEncryptedPgBackRestRepositoryIsNamedAsSuch() throws Exception {
        Path conf = root.resolve("pgbackrest-enc.conf");
        Files.createDirectories(root.resolve("pgbackrest-enc"));
        Files.writeString(conf, "[global]\nrepo1-path=" + root.resolve("pgbackrest-enc")
            + "\nrepo1-cipher-type=aes-256-cbc\nrepo1-cipher-pass=not-for-xlogminer"
            + "\nlog-path=" + root.resolve("log") + "\nlock-path=" + root.resolve("log")
            + "\nlog-level-console=warn\n[enc]\npg1-path=" + server.dataDir() + "\npg1-port=" + server.port()
            + "\npg1-socket-path=" + server.serverDir() + "\n");
        openUp(root);
        runAsPostgres("pgbackrest", "--config=" + conf, "--stanza=enc", "stanza-create");
        Path segment = segmentFiles(walCopy).get(0);
        runAsPostgres("pgbackrest", "--config=" + conf, "--stanza=enc", "archive-push", segment.toString());
        Path stanza = root.resolve("pgbackrest-enc/archive/enc");
        Path pushed = segmentFiles(stanza).get(0);
        // the stanza's archive, and the repository of that one stanza
        for (Path dir : List.of(stanza, root.resolve("pgbackrest-enc"))) {
            CliRun run = CliRun.of("records", "--wal-dir", dir.toString());
            assertEquals(3, run.exitCode(), run.toString());
            assertTrue(run.stderr().contains(pushed + " is encrypted"), run.stderr());
            assertFalse(run.stderr().contains("\tat "), "no stack trace");
        }
    }

    @Test
    void aTruncatedCompressedFileIsNamed() throws IOException {
        Path dir = copyTree(root.resolve("zst"), tmp.resolve("zst"));
        Path victim = segmentFiles(dir).get(1);
        byte[] bytes = Files.readAllBytes(victim);
        Files.write(victim, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        CliRun run = CliRun.of("records", "--wal-dir", dir.toString());
        assertEquals(3, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains(victim.toString()) && run.stderr().contains("truncated"), run.stderr());
    }

    @Test
    void copiesThatDisagreeAreAnErrorNamingBoth() throws IOException {
        Path other = copyTree(walCopy, tmp.resolve("other"));
        Path victim = segmentFiles(other).get(1);
        byte[] bytes = Files.readAllBytes(victim);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(victim, bytes);
        CliRun run = CliRun.of("records", "--wal-dir", root.resolve("gz").toString(), "--wal-dir", other.toString());
        assertEquals(3, run.exitCode(), run.toString());
        String name = victim.getFileName().toString();
        assertTrue(run.stderr().contains(victim.toString()) && run.stderr().contains(root.resolve("gz/" + name + ".gz").toString()),
            run.stderr());
    }

    private static CliRun mine(Path... dirs) {
        List<String> args = new ArrayList<>(List.of("mine"));
        for (Path d : dirs) {
            args.add("--wal-dir");
            args.add(d.toString());
        }
        args.addAll(List.of(range));
        return CliRun.of(args.toArray(String[]::new));
    }

    /** pgBackRest: one stanza per compress type in one local repository; Barman: a cp archiver. */
    private static void configureArchivers() throws Exception {
        StringBuilder conf = new StringBuilder("[global]\nrepo1-path=" + root.resolve("pgbackrest") + "\nlog-path=" + root.resolve("log")
            + "\nlock-path=" + root.resolve("log") + "\nlog-level-console=warn\n");
        for (String t : PGBACKREST) {
            conf.append('[').append(t).append("]\npg1-path=").append(server.dataDir()).append("\npg1-port=").append(server.port())
                .append("\npg1-socket-path=").append(server.serverDir()).append('\n');
        }
        Files.writeString(root.resolve("pgbackrest.conf"), conf);
        for (String t : PGBACKREST) {
            runAsPostgres("pgbackrest", "--config=" + root.resolve("pgbackrest.conf"), "--stanza=" + t, "stanza-create");
        }
        Files.writeString(root.resolve("barman.conf"), String.join("\n",
            "[barman]", "barman_home = " + root.resolve("barman"), "barman_user = " + System.getProperty("user.name"),
            "log_file = " + root.resolve("log/barman.log"), "compression = gzip", "",
            "[srv]", "description = xlogminer test", "conninfo = host=" + server.serverDir() + " port=" + server.port()
                + " user=postgres dbname=postgres",
            "backup_method = postgres", "archiver = on", "streaming_archiver = off", "",
            "[srvz]", "description = xlogminer test, zstd", "conninfo = host=" + server.serverDir() + " port="
                + server.port() + " user=postgres dbname=postgres",
            "backup_method = postgres", "archiver = on", "streaming_archiver = off", "compression = custom",
            "custom_compression_filter = zstd -q -c", "custom_decompression_filter = zstd -q -d -c", ""));
        openUp(root);
    }

    private static void waitArchived(String segment) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!segment.equals(server.queryString("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("segment " + segment + " was not archived: "
                    + server.queryString("SELECT row(a.*)::text FROM pg_stat_archiver a"));
            }
            Thread.sleep(200);
        }
    }

    private static void runAsPostgres(String... cmd) throws Exception {
        List<String> full = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(cmd));
        run(full.toArray(String[]::new));
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(Duration.ofMinutes(2).toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    /** Lets the server's OS user write the archives (the tests may run as root). */
    private static void openUp(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxrwxrwx" : "rwxrwxrwx"));
            }
        }
    }

    private static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return to;
    }

    /** The segment files below dir, by name. */
    private static List<Path> segmentFiles(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> p.getFileName().toString().matches("[0-9A-F]{24}.*") && Files.isRegularFile(p))
                .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        }
    }
}
