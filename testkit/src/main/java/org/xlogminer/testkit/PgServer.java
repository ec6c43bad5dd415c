package org.xlogminer.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real PostgreSQL server (major 13 to 18) started for a test, with its own data directory, port and
 * log file, stopped and deleted by {@link #close()}: what a test asks of it (SQL, LSNs, the WAL range
 * of a workload, PostgreSQL programs), over the parts that do the work.
 *
 * <pre>{@code
 * try (PgServer server = PgServer.builder(15).walSegSizeMb(1).start()) {
 *     server.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
 *     WalRange r = server.captureRange(() -> server.execute("INSERT INTO t VALUES (1, 'a')"));
 *     // read server.walDir() between r.start() and r.end()
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link PgServerBuilder}: the settings; {@link PgBinaries}: 15 from Debian
 *       ({@code /usr/lib/postgresql/15/bin}), the other majors from the zonky jars, extracted once into
 *       {@code /var/tmp/xlogminer-pg}.</li>
 *   <li>{@link ServerDirectory}: where the server's files live ({@code /tmp/xlogminer-it/pg<major>-<random>/}),
 *       who owns them, and the clean-up of servers left behind by a JVM killed with SIGKILL.</li>
 *   <li>{@link Postmaster}: {@code initdb}, the configuration the testkit writes, {@code pg_ctl start}
 *       and stop. When the JVM runs as root (checked once with {@code id -u}), the server programs run
 *       as the OS user {@code postgres} through {@code runuser -u postgres --}; otherwise everything runs
 *       as the current user.</li>
 *   <li>{@link AdminConnection}: the shared connection of the SQL helpers.</li>
 *   <li>{@link ServerPrograms}: how {@link #runBinary} and {@link #runTool} start a program against
 *       the server (environment, OS user, working directory).</li>
 * </ul>
 *
 * <h2>Lifetime</h2>
 * {@link #close()} stops the server and deletes the server directory unless
 * {@link PgServerBuilder#keepData(boolean) keepData(true)}. It is idempotent. Every started server is
 * also closed by a JVM shutdown hook ({@link LiveServers}).
 *
 * <h2>Errors</h2>
 * A server that cannot start throws {@link IllegalStateException} with the reason (missing binaries, initdb
 * output, the last lines of the server log). Tests are meant to fail loudly, never to skip.
 *
 * <h2>Thread safety</h2>
 * A {@code PgServer} may be used from several threads: the SQL helpers ({@link #execute}, the LSN getters,
 * {@link #captureRange}, ...) share one autocommit connection and are serialized on it (session state such
 * as {@code SET} persists between calls); {@link #connect()} returns an independent connection each time;
 * {@link #close()} may race with anything and wins. A {@link PgServerBuilder} is not thread-safe. Starting
 * servers concurrently from several threads or JVMs is supported (separate directories and ports), though
 * the testkit's own tests run sequentially.
 */
public final class PgServer implements AutoCloseable {

    /** Address the server listens on. */
    public static final String HOST = "127.0.0.1";
    /** Superuser created by initdb; authentication is {@code trust}. */
    public static final String USER = "postgres";
    /** Database to connect to. */
    public static final String DATABASE = "postgres";


    /** A piece of test code whose WAL is captured by {@link #captureRange(Workload)}. */
    @FunctionalInterface
    public interface Workload {
        void run() throws Exception;
    }

    private final ServerSettings settings;
    private final Path binDir;
    private final ServerDirectory dir;
    private final Postmaster postmaster;
    private final AdminConnection admin = new AdminConnection(this);
    private final ServerPrograms programs = new ServerPrograms(this);
    /** The server this one is a standby of (made from its base backup); null for one made by initdb. */
    private final PgServer primary;

    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile int port;
    private volatile String version;
    private volatile int versionNum;
    private volatile boolean running;

    /** A builder for a server of the given major version (13 to 18). */
    public static PgServerBuilder builder(int major) {
        return new PgServerBuilder(major);
    }

    private PgServer(ServerSettings settings, Path binDir, ServerDirectory dir, PgServer primary) {
        this.settings = settings;
        this.binDir = binDir;
        this.dir = dir;
        this.primary = primary;
        this.postmaster = new Postmaster(settings, binDir, dir);
    }

    /** Starts a server in {@code dir} (called by {@link PgServerBuilder#start()}); closes it on failure. */
    static PgServer start(ServerSettings settings, Path binDir, ServerDirectory dir) {
        return start(settings, binDir, dir, null);
    }

    private static PgServer start(ServerSettings settings, Path binDir, ServerDirectory dir, PgServer primary) {
        PgServer server = new PgServer(settings, binDir, dir, primary);
        LiveServers.add(server);
        server.start();
        return server;
    }

    /**
     * Starts a streaming standby of this server, made from its base backup ({@code pg_basebackup -R
     * -X stream}), with the same settings (an {@code archive_command} too: a standby archives nothing
     * until it is promoted, e.g. with {@code SELECT pg_promote()}). It has a directory, port and log
     * of its own and is stopped and deleted by its own {@link #close()}, which the caller owes, as for
     * any server.
     *
     * @throws IllegalStateException if the backup fails or the standby cannot start
     */
    public PgServer startStandby() {
        ServerDirectory standbyDir = ServerDirectory.create(settings.major(), binDir, settings.keepData());
        return start(settings, binDir, standbyDir, this);
    }

    // ---------------------------------------------------------------------------------------- accessors

    /** The requested major version (13 to 18). */
    public int major() {
        return settings.major();
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
        return dir.data();
    }

    /** {@code dataDir()/pg_wal}. */
    public Path walDir() {
        return dir.data().resolve("pg_wal");
    }

    /** The per-server directory holding {@code data/}, {@code server.log} and the Unix socket. */
    public Path serverDir() {
        return dir.root();
    }

    /**
     * A new empty directory in {@link #serverDir()}, owned by the OS user the server runs as (a
     * tablespace's location, say): deleted with the server's directory.
     */
    public Path createServerOwnedDirectory(String name) throws IOException {
        checkOpen();
        Path d = Files.createDirectory(dir.root().resolve(name));
        Os.chmod(d, "rwx------");
        if (Os.isRoot()) {
            Files.setOwner(d, Os.pgOsUser(d));
        }
        return d;
    }

    /** The server log file ({@code pg_ctl -l}). */
    public Path logFile() {
        return dir.log();
    }

    /** The configured {@code wal_level}. */
    public String walLevel() {
        return settings.walLevel();
    }

    /** WAL segment size in bytes ({@code initdb --wal-segsize}). */
    public long walSegmentSize() {
        return settings.walSegSizeMb() * 1024L * 1024L;
    }

    /** Whether the server was started and has not been closed. */
    public boolean isRunning() {
        return running && !closed.get();
    }

    @Override
    public String toString() {
        return "PgServer[" + (version != null ? version : String.valueOf(settings.major())) + " port=" + port
                + " data=" + dir.data() + (closed.get() ? " closed" : "") + "]";
    }

    // --------------------------------------------------------------------------------------------- SQL

    /** A new connection (pgjdbc, autocommit on, user {@code postgres}, database {@code postgres}). */
    public Connection connect() throws SQLException {
        return connect(DATABASE);
    }

    /** A new connection to another database (pgjdbc, autocommit on, user {@code postgres}). */
    public Connection connect(String database) throws SQLException {
        checkOpen();
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("connectTimeout", "10");
        p.setProperty("ApplicationName", "xlogminer-testkit");
        Connection c = DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + port + "/" + database, p);
        c.setAutoCommit(true);
        return c;
    }

    /** Runs each statement in its own autocommit transaction, in order, on the shared connection. */
    public void execute(String... statements) throws SQLException {
        admin.execute(statements);
    }

    /** First column of the first row as text, or {@code null} for no row / SQL NULL. */
    public String queryString(String sql) throws SQLException {
        return admin.queryString(sql);
    }

    /** First column of the first row as a {@code long}; fails if there is no row or it is NULL. */
    public long queryLong(String sql) throws SQLException {
        return admin.queryLong(sql);
    }

    /** All rows, each as a list of column values in text form (SQL NULL as {@code null}). */
    public List<List<String>> queryRows(String sql) throws SQLException {
        return admin.queryRows(sql);
    }

    /** {@code pg_current_wal_insert_lsn()} as an unsigned long. */
    public long currentWalInsertLsn() throws SQLException {
        return admin.queryLsn("SELECT pg_current_wal_insert_lsn()::text");
    }

    /** {@code pg_current_wal_flush_lsn()} as an unsigned long. */
    public long currentWalFlushLsn() throws SQLException {
        return admin.queryLsn("SELECT pg_current_wal_flush_lsn()::text");
    }

    /** {@code CHECKPOINT}. */
    public void checkpoint() throws SQLException {
        execute("CHECKPOINT");
    }

    /** {@code pg_switch_wal()}: the end of the segment just finished (unsigned long). */
    public long switchWal() throws SQLException {
        return admin.queryLsn("SELECT pg_switch_wal()::text");
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
        return admin.flushInserted();
    }

    /**
     * Runs {@code workload} and returns the WAL range it wrote: {@code start} is
     * {@code pg_current_wal_insert_lsn()} before, {@code end} the same after the workload. Before
     * returning, WAL up to {@code end} is guaranteed to be flushed, so a reader of the segment files sees
     * every record below {@code end}. If it was not flushed yet, one transactional logical message and its
     * synchronous commit are written after {@code end} to flush it (see {@link AdminConnection#flushInserted()}:
     * no segment switch, no checkpoint). Background activity (e.g. {@code RUNNING_XACTS} records from the
     * checkpointer/bgwriter) may also land inside the range.
     */
    public WalRange captureRange(Workload workload) throws Exception {
        long start = currentWalInsertLsn();
        workload.run();
        long end = admin.flushInserted();
        return new WalRange(start, end);
    }

    /** Throws {@link IllegalStateException} once the server is closed. */
    void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    // ----------------------------------------------------------------------------------------- programs

    /**
     * Runs a program of this server's major version (see {@link PgBinaries#tool(int, String)}: the
     * server's bin directory; the zonky majors only have {@code initdb}, {@code pg_ctl} and
     * {@code postgres}, major 15 has everything Debian ships, e.g. {@code pgbench} and {@code pg_waldump}),
     * with a 10 minute timeout, connected to this server through the {@code PG*} environment variables
     * ({@code PGDATA} = {@link #dataDir()} too), in {@link #serverDir()}; as the {@code postgres} OS user
     * when the JVM runs as root and the program refuses root or writes to the data directory (see
     * {@link ServerPrograms}).
     *
     * @return the result, whatever the exit code (see {@link ProcessResult#requireSuccess()})
     * @throws IllegalStateException if the program does not exist or times out
     */
    public ProcessResult runBinary(String name, String... args) {
        return programs.runBinary(name, Arrays.asList(args), ServerPrograms.DEFAULT_TOOL_TIMEOUT);
    }

    /** {@link #runBinary(String, String...)} with an explicit timeout. */
    public ProcessResult runBinary(String name, List<String> args, Duration timeout) {
        return programs.runBinary(name, args, timeout);
    }

    /**
     * Runs any executable (e.g. {@code PgBinaries.debian15Tool("pgbench")} against a server of another
     * major, if you know it is compatible) as the current user, with the same environment and working
     * directory as {@link #runBinary(String, String...)} and a 10 minute timeout.
     */
    public ProcessResult runTool(Path executable, String... args) {
        return programs.runTool(executable, Arrays.asList(args), ServerPrograms.DEFAULT_TOOL_TIMEOUT);
    }

    // ------------------------------------------------------------------------------------- start / stop

    private void start() {
        int major = settings.major();
        try {
            port = primary == null ? postmaster.create() : postmaster.createStandby(HOST, primary.port());
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
                    + "\n--- last lines of " + dir.log() + " ---\n" + Os.tailLines(dir.log(), 0, 30), e);
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
            admin.close();
            postmaster.stop(true);
            if (!settings.keepData()) {
                dir.delete();
            }
        } finally {
            LiveServers.remove(this);
        }
    }
}
