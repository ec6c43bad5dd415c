package org.xlogminer.cli;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;

import org.xlogminer.catalog.CatalogConnector;
import org.xlogminer.catalog.CatalogConnector.Login;
import org.xlogminer.catalog.CatalogConnector.PasswordSource;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The JDBC connection of a command that reads the database ({@code catalog}, {@code check-undo}):
 * the login resolved as {@link CatalogConnector} does (password from the URL, PGPASSWORD, the
 * password file, or a prompt at a terminal), and the reasons a connection fails, said in one line.
 */
final class JdbcSession {

    private JdbcSession() {
    }

    /** The login of {@code --jdbc-url} and {@code --user}; a bad URL is a usage error. */
    static Login login(CommandSpec spec, String jdbcUrl, String user) throws IOException {
        try {
            return CatalogConnector.resolve(jdbcUrl, user, System.getenv(), System.getProperty("user.home"));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The connection, or null after printing why there is none. */
    static Connection connect(Login login, String applicationName, PrintWriter err) {
        Console console = System.console();
        CatalogConnector.PasswordPrompt prompt = console == null ? null : p -> console.readPassword("%s", p);
        try {
            return CatalogConnector.connect(login, applicationName, prompt);
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

    /** The exception's message on one line. */
    static String oneLine(SQLException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
