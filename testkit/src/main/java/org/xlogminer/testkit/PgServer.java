package org.xlogminer.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * A real PostgreSQL server (major 13 to 18) started for a test, with its own data directory, port and
 * log file, stopped and deleted by {@link #close()}.
 *
 * <pre>{@code
 * try (PgServer server = PgServer.builder(15).walSegSizeMb(1).start()) {
 *     server.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
 *     WalRange r = server.captureRange(() -> server.execute("INSERT INTO t VALUES (1, 'a')"));
 *     // read server.walDir() between r.start() and r.end()
 * }
 * }</pre>
 *
 * <h2>Binaries</h2>
 * See {@link PgBinaries}: 15 from Debian ({@code /usr/lib/postgresql/15/bin}), the other majors from the
 * zonky jars, extracted once into {@code /var/tmp/xlogminer-pg}.
 *
 * <h2>Files and users</h2>
 * Each server lives in {@code /tmp/xlogminer-it/pg<major>-<random>/} (base directory overridable with
 * {@code -Dxlogminer.it.dir} / {@code XLOGMINER_IT_DIR}): {@code data/} is the data directory (mode 0700),
 * {@code server.log} the server log ({@code pg_ctl -l}), and the Unix socket lives in the server directory
 * itself. When the JVM runs as root (checked once with {@code id -u}), {@code initdb}, {@code pg_ctl} and
 * {@code postgres} run as the OS user {@code postgres} through {@code runuser -u postgres --}, and the
 * server directory is owned by that user; root can still read {@code pg_wal}. Otherwise everything runs
 * as the current user.
 *
 * <h2>Configuration</h2>
 * {@code initdb -U postgres -A trust -E UTF8 --locale=C --wal-segsize=N --no-sync} (plus {@code -k} with
 * {@link Builder#dataChecksums(boolean) dataChecksums(true)}, and {@code --no-data-checksums} otherwise on
 * 18, whose initdb enables checksums by default). The testkit appends to {@code postgresql.conf}:
 * {@code listen_addresses='127.0.0.1'}, the socket directory, {@code fsync=off},
 * {@code wal_level}/{@code full_page_writes}/{@code wal_compression} from the builder,
 * {@code max_wal_senders} (0 with {@code wal_level=minimal}, else 10), {@code max_wal_size=1GB},
 * {@code checkpoint_timeout=1h}, {@code wal_keep_size=1GB} (no checkpoint and no segment recycling during
 * a small test), {@code autovacuum=off}, {@code shared_preload_libraries=''}, and finally every
 * {@link Builder#setting(String, String)}. The port ({@code -p}) is picked from a free ephemeral port and
 * the start is retried with another port if the bind fails.
 *
 * <h2>Lifetime</h2>
 * {@link #close()} runs {@code pg_ctl stop -m fast}, falls back to {@code -m immediate} and then to killing
 * the postmaster, and deletes the server directory unless {@link Builder#keepData(boolean) keepData(true)}.
 * It is idempotent. Every started server is also closed by a JVM shutdown hook, and servers left behind by a
 * JVM that was killed with SIGKILL are stopped and deleted the next time any JVM starts a server.
 *
 * <h2>Errors</h2>
 * A server that cannot start throws {@link IllegalStateException} with the reason (missing binaries, initdb
 * output, the last lines of the server log). Tests are meant to fail loudly, never to skip.
 *
 * <h2>Thread safety</h2>
 * A {@code PgServer} may be used from several threads: the SQL helpers ({@link #execute}, the LSN getters,
 * {@link #captureRange}, ...) share one autocommit connection and are serialized on it (session state such
 * as {@code SET} persists between calls); {@link #connect()} returns an independent connection each time;
 * {@link #close()} may race with anything and wins. A {@link Builder} is not thread-safe. Starting servers
 * concurrently from several threads or JVMs is supported (separate directories and ports), though the
 * testkit's own tests run sequentially.
 */
public final class PgServer implements AutoCloseable {

    /** Address the server listens on. */
    public static final String HOST = "127.0.0.1";
    /** Superuser created by initdb; authentication is {@code trust}. */
    public static final String USER = "postgres";
    /** Database to connect to. */
    public static final String DATABASE = "postgres";

    /** Programs that refuse to run as root or write into the data directory: run as {@code postgres}. */
    private static final Set<String> RUN_AS_PG_USER = Set.of("initdb", "pg_ctl", "postgres", "postmaster",
            "pgbench", "pg_resetwal", "pg_rewind", "pg_upgrade", "pg_checksums");
    private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
    private static final String OWNER_FILE = "xlogminer-owner.properties";
    private static final Duration DEFAULT_TOOL_TIMEOUT = Duration.ofMinutes(10);
    private static final System.Logger LOG = System.getLogger("org.xlogminer.testkit");

    private static final Set<PgServer> LIVE = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOK_INSTALLED = new AtomicBoolean();
    private static final AtomicBoolean REAPED = new AtomicBoolean();

    /** A piece of test code whose WAL is captured by {@link #captureRange(Workload)}. */
    @FunctionalInterface
    public interface Workload {
        void run() throws Exception;
    }

    private final int major;
    private final String walLevel;
    private final boolean fullPageWrites;
    private final String walCompression;
    private final int walSegSizeMb;
    private final boolean dataChecksums;
    private final boolean keepData;
    private final boolean autovacuum;
    private final Duration startTimeout;
    private final Map<String, String> extraSettings;
    private final List<String> extraInitdbArgs;

    private final Path binDir;
    private final Path serverDir;
    private final Path dataDir;
    private final Path logFile;

    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object sqlLock = new Object();
    private Connection admin; // guarded by sqlLock
    private volatile int port;
    private volatile String version;
    private volatile int versionNum;
    private volatile boolean running;

    /** A builder for a server of the given major version (13 to 18). */
    public static Builder builder(int major) {
        return new Builder(major);
    }

    private PgServer(Builder b, Path binDir, Path serverDir) {
        this.major = b.major;
        this.walLevel = b.walLevel;
        this.fullPageWrites = b.fullPageWrites;
        this.walCompression = b.walCompression;
        this.walSegSizeMb = b.walSegSizeMb;
        this.dataChecksums = b.dataChecksums;
        this.keepData = b.keepData;
        this.autovacuum = b.autovacuum;
        this.startTimeout = b.startTimeout;
        this.extraSettings = Collections.unmodifiableMap(new LinkedHashMap<>(b.settings));
        this.extraInitdbArgs = List.copyOf(b.initdbArgs);
        this.binDir = binDir;
        this.serverDir = serverDir;
        this.dataDir = serverDir.resolve("data");
        this.logFile = serverDir.resolve("server.log");
    }

    // ---------------------------------------------------------------------------------------- accessors

    /** The requested major version (13 to 18). */
    public int major() {
        return major;
    }

    /** The server version, e.g. {@code "15.18"}: the first word of {@code SHOW server_version}. */
    public String version() {
        return version;
    }

    /** {@code server_version_num}, e.g. {@code 150018}. */
    public int versionNum() {
        return versionNum;
    }

    /** The TCP port on {@link #HOST}. */
    public int port() {
        return port;
    }

    /** {@value #HOST}. */
    public String host() {
        return HOST;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/postgres?user=postgres}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + DATABASE + "?user=" + USER;
    }

    /** The {@code bin} directory of the binaries this server runs. */
    public Path binDir() {
        return binDir;
    }

    /** The data directory ({@code PGDATA}). */
    public Path dataDir() {
        return dataDir;
    }

    /** {@code dataDir()/pg_wal}. */
    public Path walDir() {
        return dataDir.resolve("pg_wal");
    }

    /** The per-server directory holding {@code data/}, {@code server.log} and the Unix socket. */
    public Path serverDir() {
        return serverDir;
    }

    /** The server log file ({@code pg_ctl -l}). */
    public Path logFile() {
        return logFile;
    }

    /** The configured {@code wal_level}. */
    public String walLevel() {
        return walLevel;
    }

    /** WAL segment size in bytes ({@code initdb --wal-segsize}). */
    public long walSegmentSize() {
        return walSegSizeMb * 1024L * 1024L;
    }

    /** Whether the server was started and has not been closed. */
    public boolean isRunning() {
        return running && !closed.get();
    }

    @Override
    public String toString() {
        return "PgServer[" + (version != null ? version : String.valueOf(major)) + " port=" + port + " data="
                + dataDir + (closed.get() ? " closed" : "") + "]";
    }

    // --------------------------------------------------------------------------------------------- SQL

    /** A new connection (pgjdbc, autocommit on, user {@code postgres}, database {@code postgres}). */
    public Connection connect() throws SQLException {
        checkOpen();
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("connectTimeout", "10");
        p.setProperty("ApplicationName", "xlogminer-testkit");
        Connection c = DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + port + "/" + DATABASE, p);
        c.setAutoCommit(true);
        return c;
    }

    /** Runs each statement in its own autocommit transaction, in order, on the shared connection. */
    public void execute(String... statements) throws SQLException {
        synchronized (sqlLock) {
            Connection c = admin();
            try (Statement st = c.createStatement()) {
                for (String sql : statements) {
                    st.execute(sql);
                }
            } catch (SQLException e) {
                dropAdminIfBroken();
                throw e;
            }
        }
    }

    /** First column of the first row as text, or {@code null} for no row / SQL NULL. */
    public String queryString(String sql) throws SQLException {
        synchronized (sqlLock) {
            Connection c = admin();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                return rs.next() ? rs.getString(1) : null;
            } catch (SQLException e) {
                dropAdminIfBroken();
                throw e;
            }
        }
    }

    /** First column of the first row as a {@code long}; fails if there is no row or it is NULL. */
    public long queryLong(String sql) throws SQLException {
        synchronized (sqlLock) {
            Connection c = admin();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                if (!rs.next()) {
                    throw new SQLException("no row returned by: " + sql);
                }
                long v = rs.getLong(1);
                if (rs.wasNull()) {
                    throw new SQLException("NULL returned by: " + sql);
                }
                return v;
            } catch (SQLException e) {
                dropAdminIfBroken();
                throw e;
            }
        }
    }

    /** All rows, each as a list of column values in text form (SQL NULL as {@code null}). */
    public List<List<String>> queryRows(String sql) throws SQLException {
        synchronized (sqlLock) {
            Connection c = admin();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                int n = rs.getMetaData().getColumnCount();
                List<List<String>> rows = new ArrayList<>();
                while (rs.next()) {
                    List<String> row = new ArrayList<>(n);
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getString(i));
                    }
                    rows.add(Collections.unmodifiableList(row));
                }
                return Collections.unmodifiableList(rows);
            } catch (SQLException e) {
                dropAdminIfBroken();
                throw e;
            }
        }
    }

    private long queryLsn(String sql) throws SQLException {
        String s = queryString(sql);
        if (s == null) {
            throw new SQLException("NULL LSN from: " + sql);
        }
        return Lsn.parse(s);
    }

    /** {@code pg_current_wal_insert_lsn()} as an unsigned long. */
    public long currentWalInsertLsn() throws SQLException {
        return queryLsn("SELECT pg_current_wal_insert_lsn()::text");
    }

    /** {@code pg_current_wal_flush_lsn()} as an unsigned long. */
    public long currentWalFlushLsn() throws SQLException {
        return queryLsn("SELECT pg_current_wal_flush_lsn()::text");
    }

    /** {@code CHECKPOINT}. */
    public void checkpoint() throws SQLException {
        execute("CHECKPOINT");
    }

    /** {@code pg_switch_wal()}: the end of the segment just finished (unsigned long). */
    public long switchWal() throws SQLException {
        return queryLsn("SELECT pg_switch_wal()::text");
    }

    /** {@code system_identifier} from {@code pg_control_system()}. */
    public long systemIdentifier() throws SQLException {
        return queryLong("SELECT system_identifier FROM pg_control_system()");
    }

    /** {@code timeline_id} from {@code pg_control_checkpoint()} (1 for these servers). */
    public int timelineId() throws SQLException {
        return (int) queryLong("SELECT timeline_id FROM pg_control_checkpoint()");
    }

    /** {@code pg_walfile_name(lsn)}: the name of the segment file containing {@code lsn}. */
    public String walFileName(long lsn) throws SQLException {
        return queryString("SELECT pg_walfile_name('" + Lsn.format(lsn) + "'::pg_lsn)");
    }

    /**
     * Makes sure every WAL record inserted so far is written to the files in {@link #walDir()} and
     * returns the insert position that is now covered (see {@link #captureRange(Workload)} for how).
     */
    public long flushWal() throws SQLException {
        synchronized (sqlLock) {
            long target = currentWalInsertLsn();
            ensureFlushed(target);
            return target;
        }
    }

    /**
     * Runs {@code workload} and returns the WAL range it wrote.
     *
     * <p>{@code start} is {@code pg_current_wal_insert_lsn()} before, {@code end} the same after the
     * workload. Before returning, WAL up to {@code end} is guaranteed to be flushed, so a reader of the
     * segment files sees every record below {@code end}:
     * <ul>
     *   <li>if {@code pg_current_wal_flush_lsn() >= end} already (e.g. the workload ended with a
     *       synchronous commit), nothing more is written;</li>
     *   <li>otherwise one transaction runs {@code SET LOCAL synchronous_commit = on} and
     *       {@code SELECT pg_logical_emit_message(true, 'xlogminer-testkit', 'flush')}. A transactional
     *       logical message gets an XID and writes a WAL record, so its commit is a synchronous commit that
     *       calls {@code XLogFlush} up to the commit record, i.e. past {@code end}. (A bare
     *       {@code SELECT txid_current()} would not do: a transaction whose only WAL is its commit record
     *       commits asynchronously.) This adds one LOGICAL_MESSAGE and one COMMIT record after
     *       {@code end}; it works with every {@code wal_level}, and neither switches segments nor
     *       checkpoints (so later full-page images are unaffected);</li>
     *   <li>then {@code pg_current_wal_flush_lsn()} is polled until it reaches {@code end} (10 s limit).</li>
     * </ul>
     * With {@code fsync=off} "flushed" means handed to the kernel, which is what a reader of the files sees.
     *
     * <p>Background activity (e.g. {@code RUNNING_XACTS} records from the checkpointer/bgwriter) may also
     * land inside the range.
     */
    public WalRange captureRange(Workload workload) throws Exception {
        long start = currentWalInsertLsn();
        workload.run();
        long end;
        synchronized (sqlLock) {
            end = currentWalInsertLsn();
            ensureFlushed(end);
        }
        return new WalRange(start, end);
    }

    private void ensureFlushed(long target) throws SQLException {
        if (Long.compareUnsigned(currentWalFlushLsn(), target) >= 0) {
            return;
        }
        Connection c = admin();
        try {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL synchronous_commit = on");
                st.execute("SELECT pg_logical_emit_message(true, 'xlogminer-testkit', 'flush')");
                c.commit();
            } catch (SQLException e) {
                try {
                    c.rollback();
                } catch (SQLException e2) {
                    e.addSuppressed(e2);
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            dropAdminIfBroken();
            throw e;
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long flushed;
        while (Long.compareUnsigned(flushed = currentWalFlushLsn(), target) < 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("WAL flush position " + Lsn.format(flushed)
                        + " did not reach " + Lsn.format(target) + " within 10 s");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a WAL flush", e);
            }
        }
    }

    private Connection admin() throws SQLException {
        checkOpen();
        if (admin == null || admin.isClosed()) {
            admin = connect();
        }
        return admin;
    }

    private void dropAdminIfBroken() {
        try {
            if (admin != null && !admin.isValid(2)) {
                admin.close();
                admin = null;
            }
        } catch (SQLException e) {
            admin = null;
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    // ----------------------------------------------------------------------------------------- programs

    /**
     * Runs a program of this server's major version (see {@link PgBinaries#tool(int, String)}: the
     * server's bin directory; the zonky majors only have {@code initdb}, {@code pg_ctl} and
     * {@code postgres}, major 15 has everything Debian ships, e.g. {@code pgbench} and {@code pg_waldump}),
     * with a 10 minute timeout.
     *
     * <p>Connection parameters are passed through the environment, which every libpq client honours:
     * {@code PGHOST=127.0.0.1}, {@code PGPORT}, {@code PGUSER=postgres}, {@code PGDATABASE=postgres}, and
     * {@code PGDATA} = {@link #dataDir()} for server-side tools such as {@code pg_controldata}. The working
     * directory is {@link #serverDir()}. When the JVM runs as root, programs that refuse root or write to
     * the data directory ({@code initdb, pg_ctl, postgres, pgbench, pg_resetwal, pg_rewind, pg_upgrade,
     * pg_checksums}) run as the {@code postgres} OS user; others (e.g. {@code pg_waldump}) run as root.
     *
     * @return the result, whatever the exit code (see {@link ProcessResult#requireSuccess()})
     * @throws IllegalStateException if the program does not exist or times out
     */
    public ProcessResult runBinary(String name, String... args) {
        return runBinary(name, Arrays.asList(args), DEFAULT_TOOL_TIMEOUT);
    }

    /** {@link #runBinary(String, String...)} with an explicit timeout. */
    public ProcessResult runBinary(String name, List<String> args, Duration timeout) {
        Path exe = PgBinaries.tool(major, name);
        return runProgram(exe, args, RUN_AS_PG_USER.contains(name), timeout);
    }

    /**
     * Runs any executable (e.g. {@code PgBinaries.debian15Tool("pgbench")} against a server of another
     * major, if you know it is compatible) as the current user, with the same environment and working
     * directory as {@link #runBinary(String, String...)} and a 10 minute timeout.
     */
    public ProcessResult runTool(Path executable, String... args) {
        return runProgram(executable, Arrays.asList(args), false, DEFAULT_TOOL_TIMEOUT);
    }

    private ProcessResult runProgram(Path exe, List<String> args, boolean asPgUser, Duration timeout) {
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toString());
        cmd.addAll(args);
        Map<String, String> env = Map.of(
                "PGHOST", HOST,
                "PGPORT", String.valueOf(port),
                "PGUSER", USER,
                "PGDATABASE", DATABASE,
                "PGDATA", dataDir.toString());
        return Os.run(cmd, asPgUser, Os.childEnvironment(env), serverDir, timeout);
    }

    private ProcessResult runServerProgram(List<String> cmd, Duration timeout) {
        return Os.run(cmd, true, Os.childEnvironment(Map.of()), serverDir, timeout);
    }

    // ------------------------------------------------------------------------------------- start / stop

    private void start() {
        try {
            initdb();
            writeConfig();
            startPostmaster();
            if (closed.get()) {
                throw new IllegalStateException("closed while starting");
            }
            running = true;
            version = queryString("SHOW server_version").trim().split("\\s+")[0];
            versionNum = (int) queryLong("SHOW server_version_num");
            if (versionNum / 10000 != major) {
                throw new IllegalStateException("asked for PostgreSQL " + major + " but " + binDir
                        + " started version " + version);
            }
        } catch (RuntimeException | Error e) {
            closeAfterFailure(e);
            throw e;
        } catch (SQLException e) {
            IllegalStateException ise = new IllegalStateException("PostgreSQL " + major
                    + " started but does not answer SQL on port " + port + ": " + e.getMessage()
                    + "\n--- last lines of " + logFile + " ---\n" + Os.tailLines(logFile, 0, 30), e);
            closeAfterFailure(ise);
            throw ise;
        }
    }

    private void closeAfterFailure(Throwable e) {
        try {
            close();
        } catch (RuntimeException e2) {
            e.addSuppressed(e2);
        }
    }

    private void initdb() {
        List<String> cmd = new ArrayList<>(List.of(binDir.resolve("initdb").toString(),
                "-D", dataDir.toString(), "-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C",
                "--wal-segsize=" + walSegSizeMb, "--no-sync"));
        if (dataChecksums) {
            cmd.add("-k");
        } else if (major >= 18) {
            cmd.add("--no-data-checksums");
        }
        cmd.addAll(extraInitdbArgs);
        ProcessResult r = runServerProgram(cmd, Duration.ofMinutes(3));
        if (!r.success()) {
            throw new IllegalStateException("initdb for PostgreSQL " + major + " failed.\n" + r.describe("failed"));
        }
    }

    private void writeConfig() {
        long segMb = walSegSizeMb;
        Map<String, String> s = new LinkedHashMap<>();
        s.put("listen_addresses", HOST);
        s.put("unix_socket_directories", serverDir.toString());
        s.put("fsync", "off");
        s.put("wal_level", walLevel);
        s.put("full_page_writes", fullPageWrites ? "on" : "off");
        s.put("wal_compression", walCompression);
        s.put("max_wal_senders", walLevel.equals("minimal") ? "0" : "10");
        s.put("max_wal_size", Math.max(1024, 4 * segMb) + "MB");
        s.put("min_wal_size", Math.max(80, 2 * segMb) + "MB");
        s.put("wal_keep_size", Math.max(1024, 4 * segMb) + "MB");
        s.put("checkpoint_timeout", "1h");
        s.put("autovacuum", autovacuum ? "on" : "off");
        s.put("shared_preload_libraries", "");
        s.put("logging_collector", "off");
        s.put("log_destination", "stderr");
        s.putAll(extraSettings);
        StringBuilder sb = new StringBuilder("\n# ---- added by xlogminer-testkit ----\n");
        s.forEach((k, v) -> sb.append(k).append(" = '").append(v.replace("'", "''")).append("'\n"));
        try {
            Files.writeString(dataDir.resolve("postgresql.conf"), sb.toString(), StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dataDir.resolve("postgresql.conf"), e);
        }
    }

    private void startPostmaster() {
        int maxAttempts = 5;
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            long logOffset = sizeOf(logFile);
            long timeoutS = Math.max(5, startTimeout.toSeconds());
            ProcessResult r = runServerProgram(List.of(binDir.resolve("pg_ctl").toString(), "-D",
                    dataDir.toString(), "-l", logFile.toString(), "-w", "-t", String.valueOf(timeoutS),
                    "-o", "-p " + port, "start"), Duration.ofSeconds(timeoutS + 60));
            if (r.success()) {
                return;
            }
            String log = Os.tailLines(logFile, logOffset, 40);
            stopPostmaster(binDir, dataDir, serverDir, false); // in case it half-started
            boolean portClash = log.contains("Address already in use") || log.contains("could not bind")
                    || log.contains("could not create any TCP/IP sockets");
            if (portClash && attempt < maxAttempts) {
                continue;
            }
            String hint = "";
            if (log.contains("wal_compression") && (walCompression.equals("lz4") || walCompression.equals("zstd"))) {
                hint = "\nHint: the zonky binaries (13, 14, 16, 17, 18) are built without lz4 and zstd;"
                        + " only Debian's 15 supports wal_compression=" + walCompression + ".";
            }
            throw new IllegalStateException("PostgreSQL " + major + " (" + binDir + ") did not start on port "
                    + port + " (attempt " + attempt + ").\n" + r.describe("failed")
                    + "\n--- last lines of " + logFile + " ---\n" + log + hint);
        }
    }

    private static int freePort() {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            ss.setReuseAddress(true);
            return ss.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free TCP port on " + HOST, e);
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Stops the server ({@code pg_ctl stop -m fast}, then {@code -m immediate}, then SIGKILL), closes the
     * shared connection and deletes {@link #serverDir()} unless {@code keepData(true)}. Idempotent; never
     * throws for an already-stopped server. Problems while deleting are logged, not thrown.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        try {
            synchronized (sqlLock) {
                if (admin != null) {
                    try {
                        admin.close();
                    } catch (SQLException e) {
                        // the server is going away anyway
                    }
                    admin = null;
                }
            }
            stopPostmaster(binDir, dataDir, serverDir, true);
            if (!keepData) {
                try {
                    Os.deleteRecursively(serverDir);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "cannot delete " + serverDir + ": " + e);
                }
            }
        } finally {
            LIVE.remove(this);
        }
    }

    /**
     * Stops the postmaster of {@code dataDir} if it is running. {@code gentle}: try {@code -m fast} first.
     * Ends with SIGKILL to the postmaster and its children if pg_ctl could not stop it.
     */
    private static void stopPostmaster(Path binDir, Path dataDir, Path workDir, boolean gentle) {
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

    // ------------------------------------------------------------------------------ directories / reaping

    /** Base directory for server directories: {@code -Dxlogminer.it.dir}, {@code XLOGMINER_IT_DIR}, or /tmp/xlogminer-it. */
    static Path baseDir() {
        Path base = Path.of(Os.Config.get("xlogminer.it.dir", "XLOGMINER_IT_DIR", "/tmp/xlogminer-it"))
                .toAbsolutePath().normalize();
        try {
            if (!Files.isDirectory(base)) {
                Files.createDirectories(base);
                Os.chmod(base, "rwxr-xr-x");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + base + " (set -Dxlogminer.it.dir / XLOGMINER_IT_DIR"
                    + " to a writable directory): " + e, e);
        }
        if (!Files.isWritable(base)) {
            Path own = base.resolveSibling(base.getFileName() + "-" + System.getProperty("user.name"));
            try {
                Files.createDirectories(own);
                Os.chmod(own, "rwxr-xr-x");
            } catch (IOException e) {
                throw new IllegalStateException(base + " is not writable and " + own + " cannot be created: " + e, e);
            }
            base = own;
        }
        if (Os.isRoot()) {
            for (Path p = base; p != null; p = p.getParent()) {
                try {
                    if (!Files.getPosixFilePermissions(p).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                        throw new IllegalStateException("The OS user '" + Os.PG_OS_USER + "' cannot traverse " + p
                                + " (needs o+x) to reach " + base + "; choose another -Dxlogminer.it.dir.");
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return base;
    }

    private static Path createServerDir(int major, Path base, Path binDir, boolean keep) {
        try {
            Path dir = Files.createTempDirectory(base, "pg" + major + "-");
            Os.chmod(dir, "rwxr-xr-x");
            Properties owner = new Properties();
            ProcessHandle self = ProcessHandle.current();
            owner.setProperty("pid", String.valueOf(self.pid()));
            owner.setProperty("start", self.info().startInstant().map(i -> String.valueOf(i.toEpochMilli())).orElse(""));
            owner.setProperty("bindir", binDir.toString());
            owner.setProperty("keep", String.valueOf(keep));
            // Written under another name and renamed, so a concurrent reaper never sees a partial file.
            Path tmp = dir.resolve(OWNER_FILE + ".tmp");
            try (var out = Files.newOutputStream(tmp)) {
                owner.store(out, "xlogminer-testkit: JVM that owns this server directory");
            }
            Os.chmod(tmp, "rw-r--r--");
            Files.move(tmp, dir.resolve(OWNER_FILE), StandardCopyOption.ATOMIC_MOVE);
            if (Os.isRoot()) {
                Files.setOwner(dir, Os.pgOsUser(dir));
            }
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a server directory under " + base + ": " + e, e);
        }
    }

    /**
     * Once per JVM: stops and deletes server directories whose owning JVM is gone (killed with SIGKILL,
     * so its shutdown hook never ran). Directories of live JVMs, of unknown owners and with
     * {@code keepData(true)} are not deleted (the latter's servers are still stopped).
     */
    private static void reapOrphans(Path base) {
        if (!REAPED.compareAndSet(false, true)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(base, "pg*-*")) {
            for (Path dir : ds) {
                try {
                    reapIfOrphan(dir);
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.DEBUG, "not reaping " + dir + ": " + e);
                }
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "cannot scan " + base + ": " + e);
        }
    }

    private static void reapIfOrphan(Path dir) throws IOException {
        Path ownerFile = dir.resolve(OWNER_FILE);
        Properties owner = new Properties();
        try (InputStream in = Files.newInputStream(ownerFile)) {
            owner.load(in);
        } catch (NoSuchFileException e) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(owner.getProperty("pid", "").trim());
        } catch (NumberFormatException e) {
            return; // not written by us: leave it alone
        }
        if (pid <= 0 || pid == ProcessHandle.current().pid() || ownerAlive(pid, owner.getProperty("start", ""))) {
            return;
        }
        Path bin = Path.of(owner.getProperty("bindir", "/nonexistent"));
        Path data = dir.resolve("data");
        if (Files.exists(data.resolve("postmaster.pid"))) {
            long pmPid = postmasterPid(data.resolve("postmaster.pid"));
            if (isPostmaster(pmPid, bin)) {
                LOG.log(Level.INFO, "stopping orphaned PostgreSQL server in " + dir);
                stopPostmaster(bin, data, dir, false);
            }
        }
        if (!Boolean.parseBoolean(owner.getProperty("keep", "false"))) {
            LOG.log(Level.INFO, "deleting orphaned server directory " + dir);
            Os.deleteRecursively(dir);
        }
    }

    private static boolean ownerAlive(long pid, String startMillis) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        Optional<Instant> started = h.get().info().startInstant();
        if (started.isEmpty() || startMillis.isBlank()) {
            return true; // cannot tell: assume it is the owner
        }
        return Math.abs(started.get().toEpochMilli() - Long.parseLong(startMillis.trim())) <= 2000;
    }

    private static void register(PgServer s) {
        if (HOOK_INSTALLED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(PgServer::closeAllLive, "xlogminer-testkit-shutdown"));
        }
        LIVE.add(s);
    }

    private static void closeAllLive() {
        for (PgServer s : List.copyOf(LIVE)) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cannot stop " + s + ": " + e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ builder

    /**
     * Configures and starts a {@link PgServer}. Not thread-safe. Defaults: {@code wal_level=replica},
     * {@code full_page_writes=on}, {@code wal_compression=off}, 16 MB segments, no data checksums,
     * {@code autovacuum=off}, data deleted on close.
     */
    public static final class Builder {
        private final int major;
        private String walLevel = "replica";
        private boolean fullPageWrites = true;
        private String walCompression = "off";
        private int walSegSizeMb = 16;
        private boolean dataChecksums;
        private boolean keepData;
        private boolean autovacuum;
        private Duration startTimeout = Duration.ofSeconds(60);
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final List<String> initdbArgs = new ArrayList<>();

        private Builder(int major) {
            if (!PgBinaries.SUPPORTED_MAJORS.contains(major)) {
                throw new IllegalArgumentException("unsupported PostgreSQL major " + major + "; supported: "
                        + PgBinaries.SUPPORTED_MAJORS);
            }
            this.major = major;
        }

        /** {@code wal_level}: {@code "minimal"}, {@code "replica"} (default) or {@code "logical"}. */
        public Builder walLevel(String level) {
            String l = level.trim().toLowerCase(Locale.ROOT);
            if (!List.of("minimal", "replica", "logical").contains(l)) {
                throw new IllegalArgumentException("wal_level must be minimal, replica or logical, not '" + level + "'");
            }
            this.walLevel = l;
            return this;
        }

        /** {@code full_page_writes} (default on). */
        public Builder fullPageWrites(boolean on) {
            this.fullPageWrites = on;
            return this;
        }

        /**
         * {@code wal_compression}: {@code "off"} (default), {@code "on"}, {@code "pglz"}, {@code "lz4"},
         * {@code "zstd"}. On 13 and 14 (boolean setting) {@code "pglz"} becomes {@code "on"}, and
         * {@code lz4}/{@code zstd} are rejected here. Note that the zonky builds (16, 17, 18) have no lz4 or
         * zstd support either: only Debian's 15 accepts them (the server would fail to start).
         *
         * @throws IllegalArgumentException for unknown methods or lz4/zstd before 15
         */
        public Builder walCompression(String method) {
            String m = method.trim().toLowerCase(Locale.ROOT);
            switch (m) {
                case "off", "on", "pglz", "lz4", "zstd" -> {
                }
                case "false", "no", "0" -> m = "off";
                case "true", "yes", "1" -> m = "on";
                default -> throw new IllegalArgumentException("wal_compression must be off, on, pglz, lz4 or zstd,"
                        + " not '" + method + "'");
            }
            if (major < 15) {
                if (m.equals("lz4") || m.equals("zstd")) {
                    throw new IllegalArgumentException("PostgreSQL " + major + " only supports wal_compression"
                            + " on/off (pglz); " + m + " needs PostgreSQL 15 or later");
                }
                if (m.equals("pglz")) {
                    m = "on";
                }
            }
            this.walCompression = m;
            return this;
        }

        /** WAL segment size in MB ({@code initdb --wal-segsize}): a power of two from 1 to 1024; default 16. */
        public Builder walSegSizeMb(int mb) {
            if (mb < 1 || mb > 1024 || Integer.bitCount(mb) != 1) {
                throw new IllegalArgumentException("WAL segment size must be a power of two between 1 and 1024 MB,"
                        + " not " + mb);
            }
            this.walSegSizeMb = mb;
            return this;
        }

        /** Data checksums ({@code initdb -k}); default off. */
        public Builder dataChecksums(boolean on) {
            this.dataChecksums = on;
            return this;
        }

        /** Keep the server directory after {@link PgServer#close()} (for debugging); default false. */
        public Builder keepData(boolean keep) {
            this.keepData = keep;
            return this;
        }

        /** {@code autovacuum} (default off, so that no background vacuum writes WAL during a test). */
        public Builder autovacuum(boolean on) {
            this.autovacuum = on;
            return this;
        }

        /** How long {@code pg_ctl start -w} waits (default 60 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /**
         * Any extra configuration parameter, written to {@code postgresql.conf} after the testkit's own
         * (so it overrides them). {@code port} is managed by the testkit and cannot be set.
         */
        public Builder setting(String name, String value) {
            if (!SETTING_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not a parameter name: '" + name + "'");
            }
            if (name.equalsIgnoreCase("port")) {
                throw new IllegalArgumentException("the port is chosen by the testkit");
            }
            if (value == null) {
                throw new IllegalArgumentException("null value for " + name);
            }
            settings.put(name, value);
            return this;
        }

        /** An extra {@code initdb} argument (e.g. {@code "--data-checksums"}). */
        public Builder initdbArg(String arg) {
            initdbArgs.add(arg);
            return this;
        }

        /**
         * Creates the data directory, starts the server and waits until it accepts connections.
         *
         * @throws IllegalStateException if the binaries are missing or the server cannot start (the message
         *                               includes the tool output and the end of the server log)
         */
        public PgServer start() {
            Path bin = PgBinaries.forMajor(major);
            Path base = baseDir();
            reapOrphans(base);
            Path dir = createServerDir(major, base, bin, keepData);
            PgServer server = new PgServer(this, bin, dir);
            register(server);
            server.start();
            return server;
        }
    }
}
