package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
            // at least once: killed between writing a transaction and saving the state file, the first
            // run's last transaction is written again by the second, as docs/api.md says; known by its
            // commit LSN, it is the only one that may come twice
            String again = repeated(out1, out2);
            assertEquals(mine.stdout(), out1 + out2.substring(again.length()),
                "the two runs' output is the offline output, nothing missing, nothing twice but the transaction killed");
            String slotRestart = server.queryString("SELECT restart_lsn FROM pg_replication_slots WHERE slot_name = 'audit'");
            assertTrue(Lsn.parse(slotRestart).value() <= Lsn.parse(last).value(), slotRestart);
        }
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
     * The block at the start of {@code second} that repeats the last block of {@code first} (same
     * commit LSN, same text), or "" when it does not start with one.
     */
    private static String repeated(String first, String second) {
        List<String> done = commits(first);
        List<String> next = commits(second);
        if (done.isEmpty() || next.isEmpty() || !next.get(0).equals(done.get(done.size() - 1))) {
            return "";
        }
        Matcher m = HEADER.matcher(second);
        int end = m.find() && m.find() ? m.start() : second.length();
        String block = second.substring(0, end);
        assertTrue(first.endsWith(block), "the transaction written again is the same: " + block);
        return block;
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
