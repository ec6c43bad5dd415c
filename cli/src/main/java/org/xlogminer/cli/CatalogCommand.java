package org.xlogminer.cli;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;

import org.xlogminer.catalog.CatalogCapture;
import org.xlogminer.catalog.CatalogConnector;
import org.xlogminer.catalog.CatalogConnector.Login;
import org.xlogminer.catalog.CatalogConnector.PasswordSource;
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
        Login login;
        try {
            login = CatalogConnector.resolve(jdbcUrl, user, System.getenv(), System.getProperty("user.home"));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        CatalogSnapshot snapshot;
        try (Connection c = connect(login, err)) {
            if (c == null) {
                return Main.EXIT_RUNTIME;
            }
            snapshot = CatalogCapture.capture(c);
        } catch (SQLException e) {
            err.println("xlogminer: error: catalog capture from " + login.describe() + " failed: " + oneLine(e));
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

    /** The connection, or null after printing why there is none. */
    private static Connection connect(Login login, PrintWriter err) {
        Console console = System.console();
        CatalogConnector.PasswordPrompt prompt = console == null ? null : p -> console.readPassword("%s", p);
        try {
            return CatalogConnector.connect(login, "xlogminer catalog", prompt);
        } catch (SQLException e) {
            String why;
            if (CatalogConnector.isPasswordRequired(e)) {
                why = "the server asks for a password and none was found (password= in the URL, PGPASSWORD, "
                    + login.passwordFile() + ", or a prompt when run in a terminal)";
            } else if (isAuthentication(e)) {
                why = oneLine(e) + " (password from " + (login.passwordSource() == PasswordSource.PGPASSFILE
                    ? login.passwordFile().toString() : login.passwordSource().description()) + ")";
            } else {
                why = oneLine(e);
            }
            err.println("xlogminer: error: cannot connect to " + login.describe() + ": " + why);
            return null;
        }
    }

    private static boolean isAuthentication(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("28") || state.equals("08004"));
    }

    private static String oneLine(SQLException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
