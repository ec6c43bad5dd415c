package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.catalog.CatalogJson;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.PgPassFile;
import org.xlogminer.testkit.PgServer;

/**
 * {@code xlogminer catalog} against a real server, as an unprivileged role that must give a
 * password (SCRAM): the snapshot it writes loads, passwords come from the URL or the password
 * file, and a wrong or missing password exits 1 with one line on stderr.
 */
class CatalogCommandIT {

    /** A password with what the password file must escape. */
    private static final String PASSWORD = "p:w\\x";

    @TempDir
    Path tmp;

    @Test
    void capturesAsAPasswordProtectedUnprivilegedRole() throws Exception {
        try (PgServer server = PgServer.builder(16).start()) {
            server.execute("CREATE TABLE accounts (id int PRIMARY KEY, owner text)",
                "SET password_encryption = 'scram-sha-256'",
                "CREATE ROLE miner LOGIN PASSWORD '" + PASSWORD + "'");
            requireScramFor(server, "miner");
            String url = "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres";

            // the password in the URL; the snapshot goes to a file
            Path out = tmp.resolve("catalog.json");
            CliRun run = CliRun.of("catalog", "--jdbc-url", url + "?password=" + "p%3Aw%5Cx", "--user", "miner",
                "-o", out.toString());
            assertEquals(0, run.exitCode(), run.toString());
            assertEquals("", run.stdout());
            assertEquals(1, run.stderrLines().size(), run.stderr());
            assertTrue(run.stderr().matches("xlogminer: catalog of database postgres \\(PostgreSQL 16\\.\\d+\\): \\d+ tables, \\d+"
                + " types, LSN [0-9A-F]+/[0-9A-F]{8}, timeline 1; written to .*\\n"), run.stderr());
            CatalogSnapshot s = CatalogJson.read(out);
            assertEquals(server.systemIdentifier(), s.systemIdentifier());
            assertEquals(List.of(1), s.table("public.accounts").primaryKey());

            // the password file, with its escapes
            Path pgpass = tmp.resolve("pgpass");
            Files.writeString(pgpass, "# xlogminer test\n127.0.0.1:" + server.port() + ":postgres:miner:p\\:w\\\\x\n");
            run = withPasswordFile(pgpass, "catalog", "--jdbc-url", url, "--user", "miner", "-o", out.toString());
            assertEquals(0, run.exitCode(), run.toString());
            assertEquals(s.table("public.accounts"), CatalogJson.read(out).table("public.accounts"));

            // a wrong password: exit 1, one line that says where the password came from
            Files.writeString(pgpass, "*:*:*:miner:wrong\n");
            run = withPasswordFile(pgpass, "catalog", "--jdbc-url", url, "--user", "miner");
            assertEquals(1, run.exitCode(), run.toString());
            assertEquals(List.of("xlogminer: error: cannot connect to 127.0.0.1:" + server.port() + "/postgres as miner:"
                + " FATAL: password authentication failed for user \"miner\" (password from " + pgpass + ")"),
                run.stderrLines());
            assertEquals("", run.stdout());

            // no password anywhere and no console: exit 1, one line
            Files.writeString(pgpass, "");
            run = withPasswordFile(pgpass, "catalog", "--jdbc-url", url, "--user", "miner");
            assertEquals(1, run.exitCode(), run.toString());
            assertEquals(1, run.stderrLines().size(), run.stderr());
            assertTrue(run.stderr().startsWith("xlogminer: error: cannot connect to 127.0.0.1:" + server.port()
                + "/postgres as miner: the server asks for a password and none was found"), run.stderr());

            // trust authentication, to stdout
            run = CliRun.of("catalog", "--jdbc-url", server.jdbcUrl());
            assertEquals(0, run.exitCode(), run.toString());
            CatalogSnapshot fromStdout = CatalogJson.read(new StringReader(run.stdout()));
            assertEquals(s.table("public.accounts"), fromStdout.table("public.accounts"));
        }
    }

    @Test
    void noServerIsARuntimeError() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        CliRun run = CliRun.of("catalog", "--jdbc-url", "jdbc:postgresql://127.0.0.1:" + port + "/postgres",
            "--user", "nobody");
        assertEquals(1, run.exitCode(), run.toString());
        assertEquals(1, run.stderrLines().size(), run.stderr());
        assertTrue(run.stderr().startsWith("xlogminer: error: cannot connect to 127.0.0.1:" + port
            + "/postgres as nobody: Connection to 127.0.0.1:" + port + " refused"), run.stderr());
    }

    private static CliRun withPasswordFile(Path file, String... args) {
        String saved = System.getProperty(PgPassFile.PROPERTY);
        System.setProperty(PgPassFile.PROPERTY, file.toString());
        try {
            return CliRun.of(args);
        } finally {
            if (saved == null) {
                System.clearProperty(PgPassFile.PROPERTY);
            } else {
                System.setProperty(PgPassFile.PROPERTY, saved);
            }
        }
    }

    /** Puts a scram-sha-256 line for the role first in pg_hba.conf (the testkit trusts everyone) and reloads. */
    private static void requireScramFor(PgServer server, String role) throws Exception {
        Path hba = server.dataDir().resolve("pg_hba.conf");
        List<String> lines = new ArrayList<>();
        lines.add("host all " + role + " 127.0.0.1/32 scram-sha-256");
        lines.addAll(Files.readAllLines(hba));
        Files.write(hba, lines); // keeps the file's owner and mode
        server.execute("SELECT pg_reload_conf()");
        Properties p = new Properties();
        p.setProperty("user", role);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres", p).close();
                // still trusted: the reload has not taken effect yet
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("pg_hba.conf change not in effect after 10 s");
                }
                Thread.sleep(50);
            } catch (SQLException e) {
                return; // a password is now required
            }
        }
    }
}
