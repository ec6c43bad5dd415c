package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.Lsn;

/**
 * {@code xlogminer follow} against PostgreSQL 15 running pgbench, as a process of its own (the shaded
 * jar): what it writes is what {@code xlogminer mine} writes over the same range afterwards, byte for
 * byte; SIGTERM ends it with exit 0 and the state file holding the last commit; killed with SIGKILL in
 * the middle and started again with its state file, the two outputs together are the offline output,
 * nothing missing, nothing twice; a role without REPLICATION gets exit code 4 and a clear message.
 */
class FollowCommandIT {

    private static final Pattern HEADER = Pattern.compile("(?m)^-- xid \\d+ committed at ([0-9A-F]+/[0-9A-F]{8}) ");

    @TempDir
    Path tmp;

    @Test
    void followWritesWhatMineWritesAndResumesAfterAKill() throws Exception {
        try (PgServer server = PgServer.builder(15).walSegSizeMb(1).start()) {
            server.runBinary("pgbench", "-i", "-s", "1", "-q").requireSuccess();
            Path catalog = tmp.resolve("catalog.json");
            CliRun cat = CliRun.of("catalog", "--jdbc-url", server.jdbcUrl(), "-o", catalog.toString());
            assertEquals(0, cat.exitCode(), cat.toString());
            long from = server.currentWalInsertLsn();
            Path state = tmp.resolve("follow.state");
            List<String> args = List.of("follow", "--jdbc-url", server.jdbcUrl(), "--slot", "audit", "--create-slot",
                "--from-lsn", Lsn.format(from), "--state-file", state.toString());

            Process first = start(args, "first");
            Thread bench = new Thread(() -> server.runBinary("pgbench", "-n", "-c", "2", "-j", "2", "-t", "800")
                .requireSuccess());
            bench.start();
            awaitState(state, first, s -> s != null);
            first.destroyForcibly(); // SIGKILL, in the middle of the pgbench run
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            bench.join();
            long end = server.flushWal();

            CliRun mine = CliRun.of("mine", "--wal-dir", server.walDir().toString(), "--catalog", catalog.toString(),
                "--from-lsn", Lsn.format(from), "--to-lsn", Lsn.format(end));
            assertEquals(0, mine.exitCode(), mine.toString());
            List<String> commits = commits(mine.stdout());
            assertEquals(1600, commits.size(), "one block per pgbench transaction offline");
            String last = commits.get(commits.size() - 1);

            Process second = start(args, "second");
            awaitState(state, second, last::equals);
            second.destroy(); // SIGTERM: ends after the transaction being written, state saved
            assertTrue(second.waitFor(30, TimeUnit.SECONDS), "SIGTERM ends follow");
            String err2 = Files.readString(tmp.resolve("second.err"));
            assertEquals(0, second.exitValue(), err2);
            assertEquals(last + "\ntimeline 1", Files.readString(state).trim(),
                "the state file holds the last commit written, and its timeline");
            assertTrue(err2.contains("xlogminer: resuming after "), err2);
            assertTrue(err2.contains("xlogminer: stopped after "), err2);

            String out1 = Files.readString(tmp.resolve("first.out"));
            String out2 = Files.readString(tmp.resolve("second.out"));
            assertTrue(!out1.isEmpty() && !out2.isEmpty(), "each run wrote some: " + out1.length() + ", " + out2.length());
            // at least once: killed between writing a group of transactions out and saving the state
            // file, the first run's last group is written again by the second, as docs/api.md says
            // (killed while writing it, the first run may have written only part of it); known by
            // their commit LSNs, they are the only ones that may come twice
            String again = repeated(out1, out2);
            assertEquals(mine.stdout(), out1 + out2.substring(again.length()),
                "the two runs' output is the offline output, nothing missing, nothing twice but the group killed");
            String slotRestart = server.queryString("SELECT restart_lsn FROM pg_replication_slots WHERE slot_name = 'audit'");
            assertTrue(Lsn.parse(slotRestart).value() <= Lsn.parse(last).value(), slotRestart);
        }
    }

    /**
     * JSON lines written by the process (UTF-8 straight to stdout's bytes) are those written through
     * a writer, for text that needs escaping and characters of one to four bytes: {@code mine} run as
     * a process and in this JVM, and {@code follow} over the same range.
     */
    @Test
    void jsonLinesOfTheProcessAreThoseOfAWriter() throws Exception {
        try (PgServer server = PgServer.builder(15).start()) {
            server.execute("CREATE TABLE notes (id int PRIMARY KEY, body text, \"Ünïcode \"\"name\"\"\" text)");
            Path catalog = tmp.resolve("catalog.json");
            CliRun cat = CliRun.of("catalog", "--jdbc-url", server.jdbcUrl(), "-o", catalog.toString());
            assertEquals(0, cat.exitCode(), cat.toString());
            long from = server.currentWalInsertLsn();
            server.execute("INSERT INTO notes SELECT i, 'quote \" back\\ tab' || chr(9) || ' nl' || chr(10) || ' bell'"
                + " || chr(7) || ' é ß € 𝄞 😀 ' || i, 'ünï ' || i FROM generate_series(1, 300) i");
            server.execute("UPDATE notes SET body = body || ' ✓' WHERE id % 3 = 0");
            server.execute("DELETE FROM notes WHERE id % 5 = 0");
            long end = server.flushWal();
            List<String> range = List.of("--wal-dir", server.walDir().toString(), "--catalog", catalog.toString(),
                "--from-lsn", Lsn.format(from), "--to-lsn", Lsn.format(end), "--format", "json");
            List<String> mineArgs = new ArrayList<>(List.of("mine"));
            mineArgs.addAll(range);
            CliRun inJvm = CliRun.of(mineArgs.toArray(String[]::new));
            assertEquals(0, inJvm.exitCode(), inJvm.toString());
            assertTrue(inJvm.stdout().contains("😀") && inJvm.stdout().contains("\\u0007"), inJvm.stdout());

            Process mine = start(mineArgs, "mine");
            assertTrue(mine.waitFor(2, TimeUnit.MINUTES));
            assertEquals(0, mine.exitValue(), Files.readString(tmp.resolve("mine.err")));
            assertEquals(inJvm.stdout(), Files.readString(tmp.resolve("mine.out"), StandardCharsets.UTF_8),
                "mine's process writes the bytes its writer does");

            Process follow = start(List.of("follow", "--jdbc-url", server.jdbcUrl(), "--from-lsn", Lsn.format(from),
                "--format", "json"), "json");
            Path out = tmp.resolve("json.out");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (lines(out) < lines(inJvm.stdout()) && follow.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            follow.destroy();
            assertTrue(follow.waitFor(30, TimeUnit.SECONDS), "SIGTERM ends follow");
            assertEquals(inJvm.stdout(), Files.readString(tmp.resolve("json.out"), StandardCharsets.UTF_8),
                "follow's process writes what mine writes");
        }
    }

    private static long lines(Path p) throws IOException {
        return Files.exists(p) ? lines(Files.readString(p, StandardCharsets.UTF_8)) : 0;
    }

    private static long lines(String s) {
        return s.chars().filter(c -> c == '\n').count();
    }

    @Test
    void aRoleWithoutReplicationGetsExitCode5() throws Exception {
        try (PgServer server = PgServer.builder(15).start()) {
            server.execute("CREATE ROLE auditor LOGIN NOREPLICATION");
            CliRun run = CliRun.of("follow", "--jdbc-url", server.jdbcUrl().replace("user=postgres", "user=auditor"));
            assertEquals(Main.EXIT_NO_REPLICATION, run.exitCode(), run.toString());
            assertTrue(run.stderr().contains("xlogminer: error: role auditor may not start physical replication on 127.0.0.1:"),
                run.stderr());
            assertEquals("", run.stdout());
        }
    }

    private Process start(List<String> args, String name) throws IOException {
        Path jar = Path.of("target", "xlogminer.jar").toAbsolutePath();
        assertTrue(Files.exists(jar), "the shaded jar is built before integration tests: " + jar);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-Djava.io.tmpdir=" + tmp, "-jar", jar.toString()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectOutput(tmp.resolve(name + ".out").toFile())
            .redirectError(tmp.resolve(name + ".err").toFile()).start();
    }

    /** Waits until the state file's LSN passes the test (null: no file yet), or fails after 2 minutes. */
    private void awaitState(Path state, Process p, java.util.function.Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            String s = Files.exists(state) ? Files.readAllLines(state).get(0) : null;
            if (done.test(s)) {
                return;
            }
            if (!p.isAlive()) {
                throw new AssertionError("follow ended with " + p.exitValue() + ": "
                    + Files.readString(tmp.resolve("first.err")) + stderrOf());
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the state file did not get there: " + (Files.exists(state) ? Files.readString(state) : "none"));
    }

    private String stderrOf() throws IOException {
        Path second = tmp.resolve("second.err");
        return Files.exists(second) ? Files.readString(second) : "";
    }

    /**
     * What the first run wrote that the second writes again, or "": the longest tail of
     * {@code first}, from the start of a line, that {@code second} starts with. That is a group of
     * transactions the first run wrote out but had not stored the position of when it was killed:
     * all of it, or only a part when the kill came in the middle of writing it out (the kernel
     * stops a write to a file between pages for a fatal signal); the second run writes it whole.
     */
    private static String repeated(String first, String second) {
        List<String> done = commits(first);
        List<String> next = commits(second);
        int k = next.isEmpty() ? -1 : done.indexOf(next.get(0));
        if (k >= 0) {
            int n = done.size() - k;
            assertEquals(done.subList(k, done.size()), next.subList(0, Math.min(n, next.size())),
                "what comes again is the first run's last transactions, in order");
        }
        for (int at = 0; at < first.length(); at = first.indexOf('\n', at) + 1) {
            if (second.regionMatches(0, first, at, first.length() - at)) {
                assertTrue(k >= 0 || !HEADER.matcher(first.substring(at)).find(),
                    "a block written again is one of the first run's last: " + first.substring(at));
                return first.substring(at);
            }
            if (first.indexOf('\n', at) < 0) {
                break;
            }
        }
        return "";
    }

    private static List<String> commits(String sql) {
        List<String> l = new ArrayList<>();
        Matcher m = HEADER.matcher(sql);
        while (m.find()) {
            l.add(m.group(1));
        }
        return l;
    }
}
