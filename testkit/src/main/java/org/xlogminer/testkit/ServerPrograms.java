package org.xlogminer.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The PostgreSQL programs a test runs against one {@link PgServer} ({@link PgServer#runBinary},
 * {@link PgServer#runTool}): which executable, as which OS user, in which environment and directory.
 *
 * <p>It exists apart from {@link PgServer} so that the handle tests use says what a server offers,
 * and this says how a program is started against it. Connection parameters are passed through the
 * environment, which every libpq client honours: {@code PGHOST=127.0.0.1}, {@code PGPORT},
 * {@code PGUSER=postgres}, {@code PGDATABASE=postgres}, and {@code PGDATA} = the data directory for
 * server-side tools such as {@code pg_controldata}. The working directory is the server directory.
 * When the JVM runs as root, programs that refuse root or write to the data directory
 * ({@link #RUN_AS_PG_USER}) run as the {@code postgres} OS user; others (e.g. {@code pg_waldump})
 * run as root.
 *
 * <p>Thread-safe: it keeps no state of its own; the port is read from the server at each call.
 */
final class ServerPrograms {

    /** Programs that refuse to run as root or write into the data directory: run as {@code postgres}. */
    static final Set<String> RUN_AS_PG_USER = Set.of("initdb", "pg_ctl", "postgres", "postmaster",
            "pgbench", "pg_resetwal", "pg_rewind", "pg_upgrade", "pg_checksums");
    /** How long a program may run unless the caller says otherwise. */
    static final Duration DEFAULT_TOOL_TIMEOUT = Duration.ofMinutes(10);

    private final PgServer server;

    ServerPrograms(PgServer server) {
        this.server = server;
    }

    /** Runs the server major's program {@code name} (see {@link PgBinaries#tool(int, String)}). */
    ProcessResult runBinary(String name, List<String> args, Duration timeout) {
        Path exe = PgBinaries.tool(server.major(), name);
        return run(exe, args, RUN_AS_PG_USER.contains(name), timeout);
    }

    /** Runs any executable as the current user. */
    ProcessResult runTool(Path executable, List<String> args, Duration timeout) {
        return run(executable, args, false, timeout);
    }

    private ProcessResult run(Path exe, List<String> args, boolean asPgUser, Duration timeout) {
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toString());
        cmd.addAll(args);
        Map<String, String> env = Map.of(
                "PGHOST", PgServer.HOST,
                "PGPORT", String.valueOf(server.port()),
                "PGUSER", PgServer.USER,
                "PGDATABASE", PgServer.DATABASE,
                "PGDATA", server.dataDir().toString());
        return Os.run(cmd, asPgUser, Os.childEnvironment(env), server.serverDir(), timeout);
    }
}
