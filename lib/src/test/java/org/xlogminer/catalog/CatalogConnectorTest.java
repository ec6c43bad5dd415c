package org.xlogminer.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.catalog.CatalogConnector.Login;
import org.xlogminer.catalog.CatalogConnector.PasswordSource;

/** Password and user resolution: URL, then PGPASSWORD, then the password file; never an option. */
class CatalogConnectorTest {

    private static final String URL = "jdbc:postgresql://db.example:6543/shop";

    @TempDir
    Path home;

    private Path pgpass;

    @BeforeEach
    void passwordFile() throws Exception {
        assertNull(System.getProperty(PgPassFile.PROPERTY), "tests run without the pgjdbc property");
        pgpass = home.resolve(".pgpass");
        Files.writeString(pgpass, "db.example:6543:shop:miner:from-file\n*:*:*:other:other-file\n");
    }

    @Test
    void urlPasswordComesFirst() throws Exception {
        Login l = CatalogConnector.resolve(URL + "?password=from-url", "miner", Map.of("PGPASSWORD", "from-env"),
            home.toString());
        assertEquals("from-url", l.password());
        assertEquals(PasswordSource.URL, l.passwordSource());
    }

    @Test
    void thenPgpasswordThenThePasswordFile() throws Exception {
        Login env = CatalogConnector.resolve(URL, "miner", Map.of("PGPASSWORD", "from-env"), home.toString());
        assertEquals("from-env", env.password());
        assertEquals(PasswordSource.PGPASSWORD, env.passwordSource());

        Login file = CatalogConnector.resolve(URL, "miner", Map.of(), home.toString());
        assertEquals("from-file", file.password());
        assertEquals(PasswordSource.PGPASSFILE, file.passwordSource());
        assertEquals(pgpass, file.passwordFile());
    }

    @Test
    void pgpassfileNamesAnotherFile() throws Exception {
        Path other = home.resolve("elsewhere");
        Files.writeString(other, "*:*:*:*:from-pgpassfile\n");
        Login l = CatalogConnector.resolve(URL, "miner", Map.of("PGPASSFILE", other.toString()), home.toString());
        assertEquals("from-pgpassfile", l.password());
    }

    @Test
    void noPasswordAnywhere() throws Exception {
        Login l = CatalogConnector.resolve(URL, "nobody", Map.of(), home.toString());
        assertNull(l.password());
        assertEquals(PasswordSource.NONE, l.passwordSource());
        assertEquals("Login[db.example:6543/shop as nobody, password from none]", l.toString());
    }

    @Test
    void userFromOptionUrlPguserOrTheOs() throws Exception {
        assertEquals("miner", CatalogConnector.resolve(URL + "?user=miner", null, Map.of(), home.toString()).user());
        assertEquals("miner", CatalogConnector.resolve(URL + "?user=miner", "miner", Map.of(), home.toString()).user());
        assertEquals("other", CatalogConnector.resolve(URL, null, Map.of("PGUSER", "other"), home.toString()).user());
        assertEquals("other-file", CatalogConnector.resolve(URL, null, Map.of("PGUSER", "other"), home.toString())
            .password());
        assertEquals(System.getProperty("user.name"), CatalogConnector.resolve(URL, null, Map.of(), home.toString()).user());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> CatalogConnector.resolve(URL + "?user=a", "b", Map.of(), home.toString()));
        assertEquals("--user b contradicts user=a in the JDBC URL", e.getMessage());
    }

    @Test
    void hostPortAndDatabaseComeFromTheUrl() throws Exception {
        Login l = CatalogConnector.resolve("jdbc:postgresql://h1:5433,h2:5434/db", "u", Map.of(), home.toString());
        assertEquals("h1", l.host());
        assertEquals(5433, l.port());
        assertEquals("db", l.database());
        Login defaults = CatalogConnector.resolve("jdbc:postgresql:db", "u", Map.of(), home.toString());
        assertEquals("localhost", defaults.host());
        assertEquals(5432, defaults.port());
    }

    @Test
    void refusesOtherUrls() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> CatalogConnector.resolve("jdbc:mysql://h/db", "u", Map.of(), home.toString()));
        assertTrue(e.getMessage().startsWith("not a PostgreSQL JDBC URL: 'jdbc:mysql://h/db'"), e.getMessage());
    }

    @Test
    void recognisesPgjdbcsMissingPasswordError() {
        assertTrue(CatalogConnector.isPasswordRequired(new SQLException(
            "The server requested password-based authentication, but no password was provided by plugin null",
            "08004")));
        assertEquals(false, CatalogConnector.isPasswordRequired(new SQLException(
            "FATAL: password authentication failed for user \"miner\"", "28P01")));
    }
}
