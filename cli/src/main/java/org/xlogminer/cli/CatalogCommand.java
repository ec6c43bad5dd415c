package org.xlogminer.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;

import org.xlogminer.catalog.CatalogCapture;
import org.xlogminer.catalog.CatalogConnector.Login;
import org.xlogminer.catalog.CatalogJson;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.pgdata.PgDataCapture;
import org.xlogminer.catalog.pgdata.PgDataException;
import org.xlogminer.wal.Lsn;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code xlogminer catalog}: captures a catalog snapshot over a read-only JDBC session, or from the
 * files of a stopped cluster or a base backup ({@code --pgdata}).
 */
@Command(name = "catalog",
    mixinStandardHelpOptions = true,
    description = {
        "Captures what the miner needs to know of one database (tables, columns, types, keys, relfilenodes)",
        "in one read-only REPEATABLE READ transaction, and writes it as JSON. Never writes to the database.",
        "The password comes from password= in the URL, PGPASSWORD, the password file (PGPASSFILE or",
        "~/.pgpass), or a prompt when a console exists and the server asks for one.",
        "With --pgdata, reads the same from the files of a stopped cluster or a base backup (plain, or",
        "base.tar, plain or compressed: .gz, .lz4, .zst, .bz2, .xz), no server needed."})
final class CatalogCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--jdbc-url", paramLabel = "URL",
        description = "The database to capture, e.g. jdbc:postgresql://db.example:5432/shop")
    String jdbcUrl;

    @Option(names = "--pgdata", paramLabel = "DIR",
        description = "Read the catalog from a stopped cluster's data directory or a base backup (a directory, "
            + "or base.tar[.gz|.lz4|.zst|...]) instead of a server.")
    Path pgdata;

    @Option(names = "--database", paramLabel = "NAME",
        description = "With --pgdata: the database (default: the only one that is neither a template nor "
            + "postgres, else postgres).")
    String database;

    @Option(names = "--user", paramLabel = "USER",
        description = "User to connect as (default: user= in the URL, else PGUSER, else the OS user).")
    String user;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
        description = "Write the snapshot to FILE (default: stdout).")
    Path output;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (output != null && output.toAbsolutePath().getParent() != null
                && !Files.isDirectory(output.toAbsolutePath().getParent())) {
            throw new ParameterException(spec.commandLine(), "-o " + output + ": no such directory");
        }
        if ((jdbcUrl == null) == (pgdata == null)) {
            throw new ParameterException(spec.commandLine(), "give one of --jdbc-url and --pgdata");
        }
        if (database != null && pgdata == null) {
            throw new ParameterException(spec.commandLine(), "--database goes with --pgdata (the JDBC URL names "
                + "the database)");
        }
        CatalogSnapshot snapshot;
        if (pgdata != null) {
            Integer failed = fromFiles(err);
            if (failed != null) {
                return failed;
            }
            snapshot = fromPgdata;
        } else {
            snapshot = fromServer(err);
            if (snapshot == null) {
                return Main.EXIT_RUNTIME;
            }
        }
        if (output != null) {
            CatalogJson.write(snapshot, output);
        } else {
            CatalogJson.write(snapshot, out);
        }
        err.println("xlogminer: catalog of database " + snapshot.databaseName() + " (PostgreSQL "
            + snapshot.serverVersion() + "): " + snapshot.tables().size() + " tables, " + snapshot.types().size()
            + " types, LSN " + Lsn.format(snapshot.captureLsn()) + ", timeline " + snapshot.timeline()
            + (output != null ? "; written to " + output : ""));
        return Main.EXIT_OK;
    }

    private CatalogSnapshot fromPgdata;

    /**
     * Reads the snapshot from files into {@link #fromPgdata}; null when done, else the exit code
     * after printing why: 2 when the path is not a data directory or base backup (or has no such
     * database), 1 for a version not supported or a file that cannot be read, 3 for a damaged file.
     */
    private Integer fromFiles(PrintWriter err) {
        try {
            PgDataCapture.Result r = PgDataCapture.capture(pgdata, database);
            for (String w : r.warnings()) {
                err.println("xlogminer: warning: " + w);
            }
            fromPgdata = r.snapshot();
            return null;
        } catch (PgDataException e) {
            err.println("xlogminer: error: " + e.getMessage());
            return switch (e.kind()) {
                case NOT_A_DATA_DIRECTORY -> Main.EXIT_USAGE;
                case UNSUPPORTED -> Main.EXIT_RUNTIME;
                case CORRUPT -> Main.EXIT_BAD_WAL;
            };
        } catch (IOException | java.io.UncheckedIOException e) {
            err.println("xlogminer: error: cannot read " + pgdata + ": " + e.getMessage());
            return Main.EXIT_RUNTIME;
        }
    }

    /** The snapshot of the server, or null after printing why there is none. */
    private CatalogSnapshot fromServer(PrintWriter err) throws IOException {
        Login login = JdbcSession.login(spec, jdbcUrl, user);
        try (Connection c = JdbcSession.connect(login, "xlogminer catalog", err)) {
            if (c == null) {
                return null;
            }
            return CatalogCapture.capture(c);
        } catch (SQLException e) {
            err.println("xlogminer: error: catalog capture from " + login.describe() + " failed: " + JdbcSession.oneLine(e));
            return null;
        } catch (IllegalStateException e) {
            err.println("xlogminer: error: " + e.getMessage());
            return null;
        }
    }
}
