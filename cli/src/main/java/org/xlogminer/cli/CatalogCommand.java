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
import org.xlogminer.wal.Lsn;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code xlogminer catalog}: captures a catalog snapshot over a read-only JDBC session. */
@Command(name = "catalog",
    mixinStandardHelpOptions = true,
    description = {
        "Captures what the miner needs to know of one database (tables, columns, types, keys, relfilenodes)",
        "in one read-only REPEATABLE READ transaction, and writes it as JSON. Never writes to the database.",
        "The password comes from password= in the URL, PGPASSWORD, the password file (PGPASSFILE or",
        "~/.pgpass), or a prompt when a console exists and the server asks for one."})
final class CatalogCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--jdbc-url", required = true, paramLabel = "URL",
        description = "The database to capture, e.g. jdbc:postgresql://db.example:5432/shop")
    String jdbcUrl;

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
        Login login = JdbcSession.login(spec, jdbcUrl, user);
        CatalogSnapshot snapshot;
        try (Connection c = JdbcSession.connect(login, "xlogminer catalog", err)) {
            if (c == null) {
                return Main.EXIT_RUNTIME;
            }
            snapshot = CatalogCapture.capture(c);
        } catch (SQLException e) {
            err.println("xlogminer: error: catalog capture from " + login.describe() + " failed: " + JdbcSession.oneLine(e));
            return Main.EXIT_RUNTIME;
        } catch (IllegalStateException e) {
            err.println("xlogminer: error: " + e.getMessage());
            return Main.EXIT_RUNTIME;
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
}
