package org.xlogminer.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server process of one test server: {@code initdb}, the testkit's {@code postgresql.conf},
 * {@code pg_ctl start} on a free port and {@code pg_ctl stop}, all run as the OS user {@code postgres}
 * when the JVM is root.
 *
 * <p>{@code initdb -U postgres -A trust -E UTF8 --locale=C --wal-segsize=N --no-sync} (plus {@code -k}
 * with data checksums, and {@code --no-data-checksums} otherwise on 18, whose initdb enables checksums by
 * default). Appended to {@code postgresql.conf}: {@code listen_addresses='127.0.0.1'}, the socket
 * directory, {@code fsync=off}, {@code wal_level}/{@code full_page_writes}/{@code wal_compression} from
 * the settings, {@code max_wal_senders} (0 with {@code wal_level=minimal}, else 10),
 * {@code max_wal_size=1GB}, {@code checkpoint_timeout=1h}, {@code wal_keep_size=1GB} (no checkpoint and
 * no segment recycling during a small test), {@code autovacuum=off}, {@code shared_preload_libraries=''},
 * and finally every extra setting. The port ({@code -p}) is picked from a free ephemeral port and the
 * start is retried with another port if the bind fails.
 *
 * <p>Stopping tries {@code pg_ctl stop -m fast}, then {@code -m immediate}, then kills the postmaster and
 * its children; a postmaster is recognised by its {@code postmaster.pid} and its executable (never a
 * reused pid). Not thread-safe: its {@link PgServer} starts it once and stops it once.
 */
final class Postmaster {

    private static final System.Logger LOG = System.getLogger("org.xlogminer.testkit");
    private static final int START_ATTEMPTS = 5;

    private final ServerSettings settings;
    private final Path binDir;
    private final ServerDirectory dir;

    Postmaster(ServerSettings settings, Path binDir, ServerDirectory dir) {
        this.settings = settings;
        this.binDir = binDir;
        this.dir = dir;
    }

    /** Runs {@code initdb}, writes the configuration and starts the server; returns its port. */
    int create() {
        initdb();
        writeConfig();
        return start();
    }

    /**
     * Makes the data directory a streaming standby of the server at {@code host:port} (of this
     * major, or of 13 or 14 through Debian's 15 client)
     * ({@code pg_basebackup -R -X stream -c fast}: the primary's configuration and a
     * {@code standby.signal}), writes the testkit's configuration over the copied one and starts
     * it; returns its port.
     */
    int createStandby(String host, int port) {
        // the zonky builds have no pg_basebackup: Debian's 15 backs up servers of its major and older ones
        Path basebackup = Files.isExecutable(binDir.resolve("pg_basebackup")) ? binDir.resolve("pg_basebackup")
                : PgBinaries.debian15Tool("pg_basebackup");
        List<String> cmd = List.of(basebackup.toString(), "-D", dir.data().toString(),
                "-h", host, "-p", String.valueOf(port), "-U", PgServer.USER, "-R", "-X", "stream", "-c", "fast",
                "--no-sync");
        ProcessResult r = runAsServer(cmd, Duration.ofMinutes(5));
        if (!r.success()) {
            throw new IllegalStateException("pg_basebackup from " + host + ":" + port + " failed.\n" + r.describe("failed"));
        }
        // -R writes the connection options of its own libpq, some of which an older server's
        // walreceiver does not know (sslsni before 14): name only what every major knows
        Path auto = dir.data().resolve("postgresql.auto.conf");
        try {
            Files.writeString(auto, "primary_conninfo = 'host=" + host + " port=" + port + " user=" + PgServer.USER
                    + "'\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + auto, e);
        }
        writeConfig();
        return start();
    }

    /** Stops the server if it runs ({@code gentle}: try {@code -m fast} first). */
    void stop(boolean gentle) {
        stop(binDir, dir.data(), dir.root(), gentle);
    }

    private void initdb() {
        List<String> cmd = new ArrayList<>(List.of(binDir.resolve("initdb").toString(),
                "-D", dir.data().toString(), "-U", PgServer.USER, "-A", "trust", "-E", "UTF8", "--locale=C",
                "--wal-segsize=" + settings.walSegSizeMb(), "--no-sync"));
        if (settings.dataChecksums()) {
            cmd.add("-k");
        } else if (settings.major() >= 18) {
            cmd.add("--no-data-checksums");
        }
        cmd.addAll(settings.extraInitdbArgs());
        ProcessResult r = runAsServer(cmd, Duration.ofMinutes(3));
        if (!r.success()) {
            throw new IllegalStateException("initdb for PostgreSQL " + settings.major() + " failed.\n"
                    + r.describe("failed"));
        }
    }

    private void writeConfig() {
        long segMb = settings.walSegSizeMb();
        String walLevel = settings.walLevel();
        Map<String, String> s = new LinkedHashMap<>();
        s.put("listen_addresses", PgServer.HOST);
        s.put("unix_socket_directories", dir.root().toString());
        s.put("fsync", "off");
        s.put("wal_level", walLevel);
        s.put("full_page_writes", settings.fullPageWrites() ? "on" : "off");
        s.put("wal_compression", settings.walCompression());
        s.put("max_wal_senders", walLevel.equals("minimal") ? "0" : "10");
        s.put("max_wal_size", Math.max(1024, 4 * segMb) + "MB");
        s.put("min_wal_size", Math.max(80, 2 * segMb) + "MB");
        s.put("wal_keep_size", Math.max(1024, 4 * segMb) + "MB");
        s.put("checkpoint_timeout", "1h");
        s.put("autovacuum", settings.autovacuum() ? "on" : "off");
        s.put("shared_preload_libraries", "");
        s.put("logging_collector", "off");
        s.put("log_destination", "stderr");
        s.putAll(settings.extraSettings());
        StringBuilder sb = new StringBuilder("\n# ---- added by xlogminer-testkit ----\n");
        s.forEach((k, v) -> sb.append(k).append(" = '").append(v.replace("'", "''")).append("'\n"));
        Path conf = dir.data().resolve("postgresql.conf");
        try {
            Files.writeString(conf, sb.toString(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + conf, e);
        }
    }

    private int start() {
        Path logFile = dir.log();
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            long logOffset = sizeOf(logFile);
            long timeoutS = Math.max(5, settings.startTimeout().toSeconds());
            ProcessResult r = runAsServer(List.of(binDir.resolve("pg_ctl").toString(), "-D",
                    dir.data().toString(), "-l", logFile.toString(), "-w", "-t", String.valueOf(timeoutS),
                    "-o", "-p " + port, "start"), Duration.ofSeconds(timeoutS + 60));
            if (r.success()) {
                return port;
            }
            String log = Os.tailLines(logFile, logOffset, 40);
            stop(false); // in case it half-started
            boolean portClash = log.contains("Address already in use") || log.contains("could not bind")
                    || log.contains("could not create any TCP/IP sockets");
            if (portClash && attempt < START_ATTEMPTS) {
                continue;
            }
            throw new IllegalStateException("PostgreSQL " + settings.major() + " (" + binDir
                    + ") did not start on port " + port + " (attempt " + attempt + ").\n" + r.describe("failed")
                    + "\n--- last lines of " + logFile + " ---\n" + log + compressionHint(log));
        }
    }

    private String compressionHint(String log) {
        String method = settings.walCompression();
        if (log.contains("wal_compression") && (method.equals("lz4") || method.equals("zstd"))) {
            return "\nHint: the zonky binaries (13, 14, 16, 17, 18) are built without lz4 and zstd;"
                    + " only Debian's 15 supports wal_compression=" + method + ".";
        }
        return "";
    }

    private ProcessResult runAsServer(List<String> cmd, Duration timeout) {
        return Os.run(cmd, true, Os.childEnvironment(Map.of()), dir.root(), timeout);
    }

    private static int freePort() {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getByName(PgServer.HOST))) {
            ss.setReuseAddress(true);
            return ss.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free TCP port on " + PgServer.HOST, e);
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Whether a postmaster of {@code binDir} runs on {@code dataDir} (per its {@code postmaster.pid}). */
    static boolean runs(Path binDir, Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        return Files.exists(pidFile) && isPostmaster(postmasterPid(pidFile), binDir);
    }

    /**
     * Stops the postmaster of {@code dataDir} if it is running. {@code gentle}: try {@code -m fast} first.
     * Ends with SIGKILL to the postmaster and its children if pg_ctl could not stop it.
     */
    static void stop(Path binDir, Path dataDir, Path workDir, boolean gentle) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = postmasterPid(pidFile);
        List<String> modes = gentle ? List.of("fast", "immediate") : List.of("immediate");
        for (String mode : modes) {
            try {
                ProcessResult r = Os.run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(),
                        "-m", mode, "-w", "-t", "30", "stop"), true, Os.childEnvironment(Map.of()), workDir,
                        Duration.ofSeconds(60));
                if (r.success() && !isPostmaster(pid, binDir)) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "pg_ctl stop -m " + mode + " failed for " + dataDir + ": " + e);
            }
        }
        if (isPostmaster(pid, binDir)) {
            LOG.log(Level.WARNING, "killing postmaster " + pid + " of " + dataDir);
            ProcessHandle.of(pid).ifPresent(Os::killTree);
        }
    }

    private static long postmasterPid(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            return lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Whether {@code pid} is alive and runs {@code binDir/postgres} (guards against PID reuse). */
    private static boolean isPostmaster(long pid, Path binDir) {
        if (pid <= 0) {
            return false;
        }
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        Optional<String> cmd = h.get().info().command();
        if (cmd.isEmpty()) {
            return false; // cannot tell (another user's process): do not touch it
        }
        try {
            Path expected = binDir.resolve("postgres").toRealPath();
            return Path.of(cmd.get()).equals(expected) || Path.of(cmd.get()).toRealPath().equals(expected);
        } catch (IOException e) {
            return false;
        }
    }
}
