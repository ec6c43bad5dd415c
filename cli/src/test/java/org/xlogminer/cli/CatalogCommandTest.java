package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage errors of {@code xlogminer catalog} exit 2 before connecting anywhere. */
class CatalogCommandTest {

    @TempDir
    Path tmp;

    @Test
    void aJdbcUrlOrADataDirectoryIsRequired() {
        CliRun run = CliRun.of("catalog");
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("give one of --jdbc-url and --pgdata"), run.stderr());
        CliRun both = CliRun.of("catalog", "--jdbc-url", "jdbc:postgresql://localhost/x", "--pgdata", tmp.toString());
        assertEquals(2, both.exitCode());
        assertTrue(both.stderr().contains("give one of --jdbc-url and --pgdata"), both.stderr());
        CliRun database = CliRun.of("catalog", "--jdbc-url", "jdbc:postgresql://localhost/x", "--database", "x");
        assertEquals(2, database.exitCode());
        assertTrue(database.stderr().contains("--database goes with --pgdata"), database.stderr());
    }

    @Test
    void thereIsNoPasswordOption() {
        CliRun run = CliRun.of("catalog", "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/x", "--password", "secret");
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("Unknown options: '--password'"), run.stderr());
        String help = CliRun.of("catalog", "--help").stdout();
        assertTrue(help.contains("--jdbc-url=URL") && !help.contains("--password"), help);
    }

    @Test
    void otherUrlsAreUsageErrors() {
        CliRun run = CliRun.of("catalog", "--jdbc-url", "jdbc:mysql://127.0.0.1/x");
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().startsWith("not a PostgreSQL JDBC URL: 'jdbc:mysql://127.0.0.1/x'"), run.stderr());
    }

    @Test
    void twoDifferentUsersAreAUsageError() {
        CliRun run = CliRun.of("catalog", "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/x?user=a", "--user", "b");
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().startsWith("--user b contradicts user=a in the JDBC URL"), run.stderr());
    }

    @Test
    void outputDirectoryMustExist() {
        CliRun run = CliRun.of("catalog", "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/x", "-o",
            tmp.resolve("no/such/dir/catalog.json").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("no such directory"), run.stderr());
    }

    @Test
    void listedInTheMainUsage() {
        String usage = CliRun.of().stderr();
        assertTrue(CliRun.commandsListed(usage).contains("catalog"), usage);
    }
}
