package org.xlogminer.cli;

import org.xlogminer.SqlScripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.testkit.PgServer;

/**
 * Mining with a catalog that does not describe the WAL, on the command line: a catalog of another
 * cluster is refused with one error line (exit 3); a catalog of another database of the same
 * cluster mines nothing of the other databases and says so; a relation created after the catalog
 * was taken is counted on stderr and skipped, while the tables the catalog knows still mine.
 */
class CatalogMismatchIT {

    private static final Pattern SEGMENT = Pattern.compile("segment=([0-9A-F]{24})");

    /** The cluster whose WAL is mined. */
    private static PgServer clusterA;
    /** Another cluster with the same table, whose catalog does not fit A's WAL. */
    private static PgServer clusterB;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        clusterA = PgServer.builder(15).walLevel("logical").walSegSizeMb(1).start();
        clusterB = PgServer.builder(15).walLevel("logical").walSegSizeMb(1).start();
        for (PgServer s : List.of(clusterA, clusterB)) {
            s.execute("CREATE TABLE accounts (id int PRIMARY KEY, owner text, balance numeric(12,2))",
                "ALTER TABLE accounts REPLICA IDENTITY FULL",
                "INSERT INTO accounts SELECT g, 'owner ' || g, g * 10 FROM generate_series(1, 20) g");
        }
    }

    @AfterAll
    static void stop() {
        if (clusterA != null) {
            clusterA.close();
        }
        if (clusterB != null) {
            clusterB.close();
        }
    }

    @Test
    void catalogOfAnotherClusterIsRefusedWithOneLine() throws Exception {
        Path catalogB = catalog(clusterB, "postgres", "B.json");
        long from = clusterA.currentWalInsertLsn();
        clusterA.execute("UPDATE accounts SET balance = 0 WHERE id <= 5",
            "INSERT INTO accounts VALUES (100, 'new', 1)",
            "DELETE FROM accounts WHERE id = 20");
        long to = clusterA.flushWal();
        String fromSegment = clusterA.walFileName(from);

        for (String command : List.of("mine", "stats")) {
            CliRun run = CliRun.of(command, "--wal-dir", clusterA.walDir().toString(), "--catalog", catalogB.toString(),
                "--from-lsn", PgbenchRoundTripIT.lsn(from), "--to-lsn", PgbenchRoundTripIT.lsn(to));
            save("another-cluster-" + command, run);
            assertEquals(3, run.exitCode(), command + ": " + run);
            assertEquals("", run.stdout(), command + ": nothing on stdout");
            List<String> err = run.stderrLines();
            assertEquals(1, err.size(), command + ": one line on stderr: " + run.stderr());
            String line = err.get(0);
            assertTrue(line.startsWith("xlogminer: error: "), line);
            assertTrue(line.contains(Long.toUnsignedString(clusterA.systemIdentifier())), "names the WAL's system identifier: " + line);
            assertTrue(line.contains(Long.toUnsignedString(clusterB.systemIdentifier())), "names the catalog's system identifier: " + line);
            Matcher m = SEGMENT.matcher(line);
            assertTrue(m.find(), "names the segment: " + line);
            assertTrue(Files.exists(clusterA.walDir().resolve(m.group(1))), "a segment of the WAL read: " + line);
            assertTrue(m.group(1).compareTo(fromSegment) <= 0, "the first segment read, at or before " + fromSegment + ": " + line);
            assertFalse(run.stderr().contains("Exception") || run.stderr().contains("\tat "), run.stderr());
        }
    }

    /** The mined REDO of a workload in two databases, with the catalog of the other one; computed once. */
    private static CliRun otherDatabaseRun;
    private static long postgresOid;

    private CliRun mineWithCatalogOfOtherDatabase() throws Exception {
        synchronized (CatalogMismatchIT.class) {
            if (otherDatabaseRun != null) {
                return otherDatabaseRun;
            }
            clusterA.execute("CREATE DATABASE other",
                "CREATE TABLE items (id int PRIMARY KEY, name text)",
                "ALTER TABLE items REPLICA IDENTITY FULL");
            try (Connection other = DriverManager.getConnection(url(clusterA, "other")); Statement s = other.createStatement()) {
                s.execute("CREATE TABLE items (id int PRIMARY KEY, name text)");
                s.execute("ALTER TABLE items REPLICA IDENTITY FULL");
                s.execute("CREATE TABLE accounts (id int PRIMARY KEY, owner text, balance numeric(12,2))");
                s.execute("ALTER TABLE accounts REPLICA IDENTITY FULL");
            }
            postgresOid = clusterA.queryLong("SELECT oid FROM pg_database WHERE datname = 'postgres'");
            Path catalogOther = catalog(clusterA, "other", "other.json");

            long from = clusterA.currentWalInsertLsn();
            clusterA.execute("INSERT INTO items SELECT g, 'in postgres ' || g FROM generate_series(1, 5) g",
                "UPDATE items SET name = 'in postgres, updated' WHERE id = 2",
                "DELETE FROM items WHERE id = 3",
                "UPDATE accounts SET balance = balance + 1 WHERE id = 1");
            try (Connection other = DriverManager.getConnection(url(clusterA, "other")); Statement s = other.createStatement()) {
                s.execute("INSERT INTO items VALUES (100, 'in other')");
            }
            clusterA.execute("INSERT INTO items VALUES (6, 'in postgres, after')");
            long to = clusterA.flushWal();
            otherDatabaseRun = CliRun.of("--wal-dir", clusterA.walDir().toString(), "--catalog", catalogOther.toString(),
                "--from-lsn", PgbenchRoundTripIT.lsn(from), "--to-lsn", PgbenchRoundTripIT.lsn(to));
            save("another-database", otherDatabaseRun);
            return otherDatabaseRun;
        }
    }

    @Test
    void catalogOfAnotherDatabaseMinesOnlyThatDatabase() throws Exception {
        CliRun run = mineWithCatalogOfOtherDatabase();
        assertEquals(0, run.exitCode(), run.toString());
        assertFalse(run.stdout().contains("in postgres"), "nothing of database postgres is mined:\n" + SqlScripts.head(run.stdout(), 20));
        assertEquals(List.of("INSERT INTO public.items (id, name) VALUES (100, 'in other'::text);"),
            SqlScripts.statements(run.stdout()), "only the change in database other:\n" + SqlScripts.head(run.stdout(), 20));
        assertFalse(run.stderr().lines().anyMatch(l -> l.contains("/" + postgresOid + "/") && l.contains("not in the catalog")),
            "relations of another database are not 'not in the catalog': " + run.stderr());
    }

    /**
     * The desired behaviour: when records of other databases were skipped, stderr says so (naming the
     * database), so that a user who captured the catalog of the wrong database is not left with an
     * empty output and no hint.
     */
    @Test
    void catalogOfAnotherDatabaseSaysThatRecordsOfOtherDatabasesWereSkipped() throws Exception {
        CliRun run = mineWithCatalogOfOtherDatabase();
        assertEquals(0, run.exitCode(), run.toString());
        Pattern oid = Pattern.compile("\\b" + postgresOid + "\\b");
        List<String> told = run.stderrLines().stream()
            .filter(l -> l.startsWith("xlogminer: ") && l.toLowerCase().contains("database") && l.contains("skipped")
                && oid.matcher(l).find())
            .collect(Collectors.toList());
        assertEquals(1, told.size(), "one stderr line saying that records of database " + postgresOid
            + " (postgres) were skipped, the catalog being of database other; stderr was:\n" + run.stderr());
    }

    @Test
    void relationNotInTheCatalogIsCountedOnceAndTheOthersStillMine() throws Exception {
        clusterA.execute("CREATE TABLE known (id int PRIMARY KEY, v text)", "ALTER TABLE known REPLICA IDENTITY FULL");
        Path catalog = catalog(clusterA, "postgres", "A.json");
        // created after the capture and before the checkpoint mining starts at: no WAL read tells of
        // it (a table created in the range would be followed, and mined)
        clusterA.execute("CREATE TABLE newcomer (id int, v text)", "CHECKPOINT");
        long from = clusterA.currentWalInsertLsn();
        clusterA.execute("INSERT INTO newcomer SELECT g, 'new ' || g FROM generate_series(1, 10) g",
            "INSERT INTO known VALUES (1, 'known 1'), (2, 'known 2')",
            "UPDATE known SET v = 'known 2b' WHERE id = 2",
            "UPDATE newcomer SET v = 'newer' WHERE id = 1");
        long to = clusterA.flushWal();
        long db = clusterA.queryLong("SELECT oid FROM pg_database WHERE datname = current_database()");
        long relfilenode = clusterA.queryLong("SELECT pg_relation_filenode('newcomer')");
        long tablespace = clusterA.queryLong("SELECT dattablespace FROM pg_database WHERE datname = current_database()");

        CliRun run = CliRun.of("--wal-dir", clusterA.walDir().toString(), "--catalog", catalog.toString(),
            "--from-lsn", PgbenchRoundTripIT.lsn(from), "--to-lsn", PgbenchRoundTripIT.lsn(to));
        save("relation-not-in-catalog", run);
        assertEquals(0, run.exitCode(), run.toString());

        List<String> notInCatalog = run.stderrLines().stream().filter(l -> l.contains("not in the catalog"))
            .collect(Collectors.toList());
        assertEquals(List.of("xlogminer: relation " + tablespace + "/" + db + "/" + relfilenode
            + " is not in the catalog: 11 records skipped"), notInCatalog, "10 inserts and 1 update skipped:\n" + run.stderr());

        List<String> known = SqlScripts.statements(run.stdout()).stream().filter(l -> l.contains("public.known"))
            .collect(Collectors.toList());
        assertEquals(List.of("INSERT INTO public.known (id, v) VALUES (1, 'known 1'::text);",
            "INSERT INTO public.known (id, v) VALUES (2, 'known 2'::text);",
            "UPDATE public.known SET id = 2, v = 'known 2b'::text WHERE id = 2;"), known,
            "the table the catalog knows still mines:\n" + run.stderr());
        // (the CREATE TABLE itself shows up as rows of pg_catalog tables, which the catalog has: not checked here)
        List<String> ofNewcomer = SqlScripts.statements(run.stdout()).stream()
            .filter(l -> l.contains("public.newcomer") || l.contains("'new ") || l.contains("'newer'"))
            .map(SqlScripts::cut).limit(3).collect(Collectors.toList());
        assertEquals(List.of(), ofNewcomer, "nothing of the relation that is not in the catalog");
    }

    /** Keeps what a run printed in target/catalog-mismatch/, to look at after a failure. */
    private static void save(String name, CliRun run) throws java.io.IOException {
        Path dir = Path.of("target", "catalog-mismatch");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name + ".out"), run.stdout());
        Files.writeString(dir.resolve(name + ".err"), "exit " + run.exitCode() + "\n" + run.stderr());
    }

    private static String url(PgServer server, String database) {
        return "jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + database + "?user=postgres";
    }

    private Path catalog(PgServer server, String database, String file) {
        Path out = tmp.resolve(file);
        CliRun run = CliRun.of("catalog", "--jdbc-url", url(server, database), "-o", out.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stderr().startsWith("xlogminer: catalog of database " + database + " "), run.stderr());
        return out;
    }
}
