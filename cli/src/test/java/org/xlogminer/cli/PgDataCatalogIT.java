package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xlogminer.catalog.CatalogCapture;
import org.xlogminer.catalog.CatalogJson;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.CatalogTestSchema;
import org.xlogminer.testkit.PgBinaries;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.testkit.ProcessResult;
import org.xlogminer.wal.Lsn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code catalog --pgdata} against the oracle of the JDBC capture: a varied schema (the capture
 * tests' one, plus dead and aborted catalog rows, an enum value added in between, a compressed
 * missing value, rewritten pg_class and pg_enum) captured over JDBC, then read from the files of
 * the cluster stopped cleanly (every major), and from plain, tar and gzipped tar base backups of
 * the running server (15 and 13, pg_basebackup being Debian's 15); the parsed JSON of both must be
 * equal but for the fields a data directory cannot know (see {@link #assertSameCatalog}). And the
 * point of it all: a base backup and the WAL archive, no server running, mine the range after the
 * backup as the JDBC catalog does.
 */
class PgDataCatalogIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** DDL beyond the capture tests' schema: rows of the catalogs that are dead, aborted or moved. */
    static List<String> extraDdl() {
        return List.of(
            "CREATE TABLE shop.dropped_later (x int)",
            "DROP TABLE shop.dropped_later",
            "ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok'",
            "ALTER TABLE shop.evolving ADD COLUMN big text DEFAULT repeat('xyz', 3000)",
            "CREATE DOMAIN shop.tags AS text[]",
            "CREATE TABLE shop.tagged (id bigint PRIMARY KEY, t shop.tags, moods mood[], c \"char\", b bit(3),"
                + " v varchar(10), ch char(2), ts timestamp(3), tz timestamptz, d double precision)",
            "ALTER TABLE shop.tagged ALTER COLUMN moods SET STORAGE external",
            "BEGIN; CREATE TABLE shop.rolled_back (x int); ROLLBACK",
            "VACUUM FULL pg_class",
            "VACUUM FULL pg_enum");
    }

    private static PgServer schemaServer(int major, Path archive) throws Exception {
        var b = PgServer.builder(major);
        if (archive != null) {
            b.setting("archive_mode", "on").setting("archive_command", "cp %p " + archive + "/%f");
        }
        PgServer server = b.start();
        for (String sql : CatalogTestSchema.ddl(major)) {
            server.execute(sql);
        }
        for (String sql : extraDdl()) {
            try (Connection c = server.connect(); var st = c.createStatement()) {
                st.execute(sql);
            }
        }
        return server;
    }

    private static CatalogSnapshot jdbc(PgServer server) throws Exception {
        try (Connection c = server.connect()) {
            return CatalogCapture.capture(c);
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 14, 15, 16, 17, 18})
    void aStoppedClusterGivesTheJdbcSnapshot(int major) throws Exception {
        try (PgServer server = schemaServer(major, null)) {
            CatalogSnapshot expected = jdbc(server);
            server.runBinary("pg_ctl", "stop", "-m", "fast", "-w", "-D", server.dataDir().toString()).requireSuccess();
            Path out = tmp.resolve("pgdata.json");
            CliRun run = CliRun.of("catalog", "--pgdata", server.dataDir().toString(), "--database", "postgres",
                "-o", out.toString());
            assertEquals(0, run.exitCode(), run.toString());
            assertTrue(run.stderr().contains("xlogminer: catalog of database postgres (PostgreSQL " + major + ")"),
                run.stderr());
            assertTrue(!run.stderr().contains("warning"), run.stderr());
            assertSameCatalog(expected, out);
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {15, 13})
    void baseBackupsPlainTarAndGzipGiveTheJdbcSnapshot(int major) throws Exception {
        Path archive = openDirectory(tmp.resolve("archive"));
        try (PgServer server = schemaServer(major, archive)) {
            CatalogSnapshot expected = jdbc(server);
            for (String format : List.of("p", "t", "tz")) {
                Path dir = tmp.resolve("backup-" + format);
                List<String> args = new ArrayList<>(List.of("-D", dir.toString(), "-c", "fast", "-X", "none",
                    "-F", format.substring(0, 1)));
                if (format.equals("tz")) {
                    args.add("-z");
                }
                ProcessResult r = server.runTool(PgBinaries.debian15Tool("pg_basebackup"), args.toArray(new String[0]));
                r.requireSuccess();
                Path pgdata = format.equals("p") ? dir : dir.resolve(format.equals("t") ? "base.tar" : "base.tar.gz");
                assertTrue(Files.exists(pgdata), pgdata.toString());
                Path out = tmp.resolve("catalog-" + format + ".json");
                CliRun run = CliRun.of("catalog", "--pgdata", (format.equals("p") ? dir : dir).toString(),
                    "-o", out.toString());
                assertEquals(0, run.exitCode(), format + ": " + run);
                assertSameCatalog(expected, out);
                String label = format.equals("p") ? Files.readString(dir.resolve("backup_label")) : null;
                if (label != null) {
                    String start = label.lines().filter(l -> l.startsWith("START WAL LOCATION: ")).findFirst()
                        .orElseThrow().substring(20).split(" ")[0];
                    assertEquals(Lsn.parse(start).value(), CatalogJson.read(out).captureLsn(), "the backup's start");
                }
            }
        }
    }

    /**
     * Parsed JSON equal, except what a data directory does not record or records later: the minor
     * release (PG_VERSION has the major only: serverVersionNum is major * 10000, serverVersion the
     * major), the capture LSN (the shutdown checkpoint's REDO, or the backup's start: not before
     * the JDBC capture's) and the capture time.
     */
    static void assertSameCatalog(CatalogSnapshot expected, Path pgdataJson) throws IOException {
        CatalogSnapshot actual = CatalogJson.read(pgdataJson);
        assertEquals(expected.major(), actual.major(), "major");
        assertEquals(expected.major() * 10000, actual.serverVersionNum());
        assertTrue(Long.compareUnsigned(actual.captureLsn(), expected.captureLsn()) >= 0,
            Lsn.format(actual.captureLsn()) + " before the JDBC capture's " + Lsn.format(expected.captureLsn()));
        java.io.StringWriter w = new java.io.StringWriter();
        CatalogJson.write(expected, w);
        ObjectNode e = (ObjectNode) JSON.readTree(w.toString());
        ObjectNode a = (ObjectNode) JSON.readTree(Files.readString(pgdataJson));
        for (String excluded : List.of("serverVersionNum", "serverVersion", "captureLsn", "capturedAt")) {
            e.remove(excluded);
            a.remove(excluded);
        }
        assertEquals(e.get("tables").size(), a.get("tables").size(), "number of tables");
        assertEquals(e.get("types").size(), a.get("types").size(), "number of types: " + names(e.get("types"))
            + " vs " + names(a.get("types")));
        for (String list : List.of("tables", "types")) {
            Iterator<JsonNode> ei = e.get(list).elements();
            Iterator<JsonNode> ai = a.get(list).elements();
            while (ei.hasNext()) {
                JsonNode x = ei.next();
                JsonNode y = ai.next();
                assertEquals(x, y, list);
            }
        }
        assertEquals(e, a);
    }

    private static List<String> names(JsonNode types) {
        List<String> n = new ArrayList<>();
        types.forEach(t -> n.add(t.get("name").asText()));
        return n;
    }

    static Path openDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        return dir;
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted((x, y) -> y.getNameCount() - x.getNameCount()).forEach(p -> p.toFile().delete());
        }
    }

    static Map<String, String> unused() {
        return Map.of();
    }
}
