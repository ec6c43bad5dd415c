package org.xlogminer.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

import org.postgresql.Driver;

/**
 * Opens the JDBC connection a capture reads through, finding the password as libpq would, since
 * pgjdbc alone does only part of it.
 *
 * <h2>Where the password comes from, first found wins</h2>
 * <ol>
 *   <li>{@code password=} in the JDBC URL;</li>
 *   <li>the environment variable {@code PGPASSWORD} (pgjdbc ignores it);</li>
 *   <li>the password file: the system property {@value PgPassFile#PROPERTY}, else {@code PGPASSFILE},
 *       else {@code ~/.pgpass} (pgjdbc 42.3+ reads the same file when it is given no password, but
 *       only after the URL, so it would take precedence over {@code PGPASSWORD});</li>
 *   <li>a prompt, only when the server asks for a password, none was found, and the caller passes
 *       a {@link PasswordPrompt} (the CLI does when a console exists).</li>
 * </ol>
 * Never from a command-line option: those show in {@code ps} and shell history.
 *
 * <p>The user is {@code --user}, else {@code user=} in the URL, else {@code PGUSER}, else the OS user
 * (libpq's order); the two first may not disagree. Stateless and thread-safe.
 */
public final class CatalogConnector {

    private CatalogConnector() {
    }

    /** Where a {@link Login}'s password came from. */
    public enum PasswordSource {
        URL("the JDBC URL"), PGPASSWORD("PGPASSWORD"), PGPASSFILE("the password file"), PROMPT("the prompt"),
        NONE("none");

        private final String description;

        PasswordSource(String description) {
            this.description = description;
        }

        /** For messages: "the JDBC URL", "PGPASSWORD", ... */
        public String description() {
            return description;
        }
    }

    /** Asks the person at the terminal; returns null if they give nothing. */
    @FunctionalInterface
    public interface PasswordPrompt {
        char[] ask(String prompt);
    }

    /**
     * Where and as whom to connect.
     *
     * @param url            the JDBC URL as given
     * @param host           the first host of the URL (what the password file is matched against)
     * @param port           its port
     * @param database       the database
     * @param user           the user
     * @param password       the password, or null
     * @param passwordSource where it came from
     * @param passwordFile   the password file consulted, or null
     */
    public record Login(String url, String host, int port, String database, String user, String password,
                        PasswordSource passwordSource, Path passwordFile) {

        /** {@code host:port/database as user}, for messages. */
        public String describe() {
            return host + ":" + port + "/" + database + " as " + user;
        }

        /** The same login with a password typed at the prompt. */
        Login withPrompted(String typed) {
            return new Login(url, host, port, database, user, typed, PasswordSource.PROMPT, passwordFile);
        }

        @Override
        public String toString() {
            return "Login[" + describe() + ", password from " + passwordSource.description() + "]";
        }
    }

    /**
     * Resolves user, database and password for a JDBC URL.
     *
     * @param jdbcUrl  a {@code jdbc:postgresql:} URL
     * @param user     the {@code --user} option, or null
     * @param env      the environment ({@code System.getenv()})
     * @param userHome the home directory ({@code user.home}) where {@code .pgpass} is looked for
     * @throws IllegalArgumentException if the URL is not a PostgreSQL JDBC URL, or names another user
     *                                  than {@code user}
     * @throws IOException              if the password file exists but cannot be read
     */
    public static Login resolve(String jdbcUrl, String user, Map<String, String> env, String userHome)
            throws IOException {
        Properties none = new Properties();
        String unset = "\u0000unset";
        none.setProperty("password", unset); // keeps parseURL from reading .pgpass itself
        Properties p = jdbcUrl == null ? null : Driver.parseURL(jdbcUrl, none);
        if (p == null) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: '" + jdbcUrl
                + "' (expected jdbc:postgresql://HOST:PORT/DATABASE)");
        }
        String urlUser = p.getProperty("user");
        if (user != null && urlUser != null && !urlUser.equals(user)) {
            throw new IllegalArgumentException("--user " + user + " contradicts user=" + urlUser + " in the JDBC URL");
        }
        String u = user != null ? user : urlUser != null ? urlUser : env.getOrDefault("PGUSER",
            System.getProperty("user.name"));
        String host = first(p.getProperty("PGHOST", "localhost"));
        int port = Integer.parseInt(first(p.getProperty("PGPORT", "5432")));
        String db = p.getProperty("PGDBNAME");
        if (db == null || db.isEmpty()) {
            db = u;
        }
        String urlPassword = p.getProperty("password");
        if (urlPassword != null && !urlPassword.equals(unset)) {
            return new Login(jdbcUrl, host, port, db, u, urlPassword, PasswordSource.URL, null);
        }
        String envPassword = env.get("PGPASSWORD");
        if (envPassword != null && !envPassword.isEmpty()) {
            return new Login(jdbcUrl, host, port, db, u, envPassword, PasswordSource.PGPASSWORD, null);
        }
        Path file = PgPassFile.locate(env, userHome);
        String filePassword = null;
        try {
            if (Files.isRegularFile(file)) {
                filePassword = PgPassFile.load(file).find(host, port, db, u);
            }
        } catch (NoSuchFileException e) {
            // gone since we looked: as if absent
        }
        if (filePassword != null) {
            return new Login(jdbcUrl, host, port, db, u, filePassword, PasswordSource.PGPASSFILE, file);
        }
        return new Login(jdbcUrl, host, port, db, u, null, PasswordSource.NONE, file);
    }

    /**
     * Connects. If the server asks for a password and the login has none, asks {@code prompt}
     * (when not null) and tries once more.
     *
     * @param applicationName shown in pg_stat_activity
     * @throws SQLException as the driver reports it
     */
    public static Connection connect(Login login, String applicationName, PasswordPrompt prompt) throws SQLException {
        try {
            return open(login, applicationName);
        } catch (SQLException e) {
            if (login.password() != null || prompt == null || !isPasswordRequired(e)) {
                throw e;
            }
            char[] typed = prompt.ask("Password for user " + login.user() + ": ");
            if (typed == null) {
                throw e;
            }
            return open(login.withPrompted(new String(typed)), applicationName);
        }
    }

    /**
     * Whether the connection failed because the server asked for a password and the driver had
     * none (pgjdbc: "The server requested password-based authentication, but no password was
     * provided").
     */
    public static boolean isPasswordRequired(SQLException e) {
        String m = e.getMessage();
        return "08004".equals(e.getSQLState()) && m != null && m.contains("no password was provided");
    }

    private static Connection open(Login login, String applicationName) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", login.user());
        if (login.password() != null) {
            props.setProperty("password", login.password());
        }
        props.setProperty("ApplicationName", applicationName);
        props.setProperty("readOnly", "true");
        props.setProperty("connectTimeout", "10");
        Connection c = new Driver().connect(login.url(), props);
        if (c == null) {
            throw new SQLException("not a PostgreSQL JDBC URL: " + login.url());
        }
        return c;
    }

    private static String first(String commaList) {
        int comma = commaList.indexOf(',');
        return comma < 0 ? commaList : commaList.substring(0, comma);
    }
}
