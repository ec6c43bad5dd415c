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

import org.junit.jupiter.api.Test;
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
 * missing value, rewritten pg_class and pg_enum, a pg_class row whose old version's xmax is a
 * MultiXact with an updater, partitions in two levels, a detached one and inheritance children:
 * both captures must name the partitions' parents) captured over JDBC, then read from the files of
 * the cluster stopped cleanly (every major), and from plain, tar and compressed tar (gzip, lz4,
 * zstd) base backups of
 * the running server (15 and 13, pg_basebackup being Debian's 15, with a catalog-changing
 * transaction open during the copy: named in a warning); the parsed JSON of both must be
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
            "VACUUM FULL pg_enum",
            // partitions in two levels, one detached (a dead pg_inherits row), inheritance children
            // (live pg_inherits rows of tables that are no partitions), one of two parents
            "CREATE TABLE shop.reading (id int, kind text, at date) PARTITION BY LIST (kind)",
            "CREATE TABLE shop.reading_a PARTITION OF shop.reading FOR VALUES IN ('a') PARTITION BY RANGE (at)",
            "CREATE TABLE shop.reading_a_2024 PARTITION OF shop.reading_a"
                + " FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
            "CREATE TABLE shop.reading_b PARTITION OF shop.reading FOR VALUES IN ('b')",
            "ALTER TABLE shop.reading DETACH PARTITION shop.reading_b",
            "CREATE TABLE shop.inherited () INHERITS (shop.reading_b)",
            "CREATE TABLE shop.base2 (w int)",
            "CREATE TABLE shop.multi () INHERITS (shop.reading_b, shop.base2)");
    }

    /** The parents of {@link #extraDdl()}'s partitions, and none for the rest: the feature, not only the same JSON. */
    static void assertPartitionParents(CatalogSnapshot s) {
        assertEquals(s.table("shop.reading").oid(), s.table("shop.reading_a").partitionParent(), s.databaseName());
        assertEquals(s.table("shop.reading_a").oid(), s.table("shop.reading_a_2024").partitionParent());
        assertEquals("shop.reading", s.partitionRoot(s.table("shop.reading_a_2024")).toString());
        for (String t : List.of("shop.reading", "shop.reading_b", "shop.inherited", "shop.multi", "shop.base2")) {
            assertEquals(0, s.table(t).partitionParent(), t + " is no partition");
        }
    }

    /** A server with the schema, and its catalog captured over JDBC. */
    private record Started(PgServer server, CatalogSnapshot jdbc) {
    }

    private static Started schemaServer(int major, Path archive) throws Exception {
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
        // a pg_class row updated while another transaction holds a key-share lock on it: the old
        // version's xmax is a MultiXact of the locker and the (committed) updater; an older
        // snapshot held open until after the JDBC capture keeps the old version from being pruned
        try (Connection holder = server.connect(); Connection locker = server.connect();
             Connection alterer = server.connect(); var hs = holder.createStatement();
             var ls = locker.createStatement(); var as = alterer.createStatement()) {
            holder.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            holder.setAutoCommit(false);
            hs.execute("SELECT count(*) FROM pg_class");
            locker.setAutoCommit(false);
            ls.execute("SELECT 1 FROM pg_class WHERE oid = 'shop.nokey'::regclass FOR KEY SHARE");
            as.execute("ALTER TABLE shop.nokey REPLICA IDENTITY FULL");
            locker.commit();
            CatalogSnapshot jdbc = jdbc(server);
            holder.commit();
            return new Started(server, jdbc);
        }
    }

    private static CatalogSnapshot jdbc(PgServer server) throws Exception {
        try (Connection c = server.connect()) {
            return CatalogCapture.capture(c);
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 14, 15, 16, 17, 18})
    void aStoppedClusterGivesTheJdbcSnapshot(int major) throws Exception {
        Started started = schemaServer(major, null);
        try (PgServer server = started.server()) {
            CatalogSnapshot expected = started.jdbc();
            server.runBinary("pg_ctl", "stop", "-m", "fast", "-w", "-D", server.dataDir().toString()).requireSuccess();
            Path out = tmp.resolve("pgdata.json");
            CliRun run = CliRun.of("catalog", "--pgdata", server.dataDir().toString(), "--database", "postgres",
                "-o", out.toString());
            assertEquals(0, run.exitCode(), run.toString());
            assertTrue(run.stderr().contains("xlogminer: catalog of database postgres (PostgreSQL " + major + ")"),
                run.stderr());
            assertTrue(!run.stderr().contains("warning"), run.stderr());
            assertSameCatalog(expected, out);
            if (major == 15) {
                badInputIsNamedWithItsExitCode(server.dataDir());
            }
        }
    }

    /** Damaged copies of a stopped cluster: one line naming the file, the documented exit code. */
    private void badInputIsNamedWithItsExitCode(Path data) throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        expectError(2, "not a data directory", empty);
        expectError(2, "no database \"nosuch\"", data, "--database", "nosuch");

        Path v12 = copy(data, "v12");
        Files.writeString(v12.resolve("PG_VERSION"), "12\n");
        expectError(1, "PG_VERSION: PostgreSQL 12 is not supported", v12);

        Path truncated = copy(data, "truncated");
        byte[] control = Files.readAllBytes(truncated.resolve("global/pg_control"));
        Files.write(truncated.resolve("global/pg_control"), java.util.Arrays.copyOf(control, 100));
        expectError(3, "global/pg_control: truncated", truncated);

        Path crc = copy(data, "crc");
        control[0] ^= 1;
        Files.write(crc.resolve("global/pg_control"), control);
        expectError(3, "global/pg_control: CRC mismatch", crc);

        Path page = copy(data, "page");
        String pgClass = "base/5/" + mappedFilenode(page.resolve("base/5/pg_filenode.map"), 1259);
        byte[] heap = Files.readAllBytes(page.resolve(pgClass));
        heap[org.xlogminer.page.PageLayout.PD_PAGESIZE_VERSION] = 0; // of block 0
        heap[org.xlogminer.page.PageLayout.PD_PAGESIZE_VERSION + 1] = 0;
        Files.write(page.resolve(pgClass), heap);
        expectError(3, pgClass + " block 0: not a heap page", page);
    }

    private static long mappedFilenode(Path map, long oid) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(map)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < b.getInt(4); i++) {
            if (b.getInt(8 + 8 * i) == oid) {
                return b.getInt(12 + 8 * i);
            }
        }
        throw new AssertionError("not mapped: " + oid);
    }

    private Path copy(Path data, String name) throws IOException {
        Path to = tmp.resolve(name);
        try (Stream<Path> all = Files.walk(data)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path t = to.resolve(data.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else if (Files.isRegularFile(p)) {
                    Files.copy(p, t);
                }
            }
        }
        return to;
    }

    private void expectError(int code, String message, Path pgdata, String... more) {
        List<String> args = new ArrayList<>(List.of("catalog", "--pgdata", pgdata.toString()));
        args.addAll(List.of(more));
        CliRun run = CliRun.of(args.toArray(new String[0]));
        assertEquals(code, run.exitCode(), run.toString());
        assertTrue(run.stderr().startsWith("xlogminer: error: ") && run.stderr().contains(message), run.stderr());
        assertEquals(1, run.stderrLines().size(), "one line, no stack trace: " + run.stderr());
        assertEquals("", run.stdout());
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {15, 13})
    void baseBackupsPlainTarAndCompressedTarGiveTheJdbcSnapshot(int major) throws Exception {
        Path archive = openDirectory(Files.createTempDirectory(Path.of("/tmp"), "xlogminer-pgdata-archive-"));
        Started started = schemaServer(major, archive);
        try (PgServer server = started.server()) {
            CatalogSnapshot expected = started.jdbc();
            // a transaction that changed the catalog and is still open while the backups copy it
            Connection inFlight = server.connect();
            inFlight.setAutoCommit(false);
            String xid;
            try (var st = inFlight.createStatement()) {
                st.execute("CREATE TABLE shop.in_flight (x int)");
                xid = server.queryString("SELECT backend_xid FROM pg_stat_activity WHERE query LIKE 'CREATE TABLE shop.in_flight%'");
            }
            // plain; tar; tar compressed by pg_basebackup (15's, on the client, so also for 13): gzip, lz4, zstd
            Map<String, String> tarNames = Map.of("t", "base.tar", "tz", "base.tar.gz", "tlz4", "base.tar.lz4",
                "tzstd", "base.tar.zst");
            for (String format : List.of("p", "t", "tz", "tlz4", "tzstd")) {
                Path dir = tmp.resolve("backup-" + format);
                List<String> args = new ArrayList<>(List.of("-D", dir.toString(), "-c", "fast", "-X", "none",
                    "-F", format.substring(0, 1)));
                if (format.length() > 1) {
                    args.add("--compress=" + (format.equals("tz") ? "gzip" : format.substring(1)));
                }
                ProcessResult r = server.runTool(PgBinaries.debian15Tool("pg_basebackup"), args.toArray(new String[0]));
                r.requireSuccess();
                Path pgdata = format.equals("p") ? dir : dir.resolve(tarNames.get(format));
                assertTrue(Files.exists(pgdata), pgdata.toString());
                Path out = tmp.resolve("catalog-" + format + ".json");
                // the backup's directory, or (zstd, gzip) the tar file itself
                boolean file = format.equals("tz") || format.equals("tzstd");
                CliRun run = CliRun.of("catalog", "--pgdata", (file ? pgdata : dir).toString(),
                    "-o", out.toString());
                assertEquals(0, run.exitCode(), format + ": " + run);
                assertTrue(run.stderr().contains("xlogminer: warning: transaction(s) [" + xid + "] had not ended in "
                    + "pg_xact when the backup copied it"), run.stderr());
                assertSameCatalog(expected, out);
                String label = format.equals("p") ? Files.readString(dir.resolve("backup_label")) : null;
                if (label != null) {
                    String start = label.lines().filter(l -> l.startsWith("START WAL LOCATION: ")).findFirst()
                        .orElseThrow().substring(20).split(" ")[0];
                    assertEquals(Lsn.parse(start).value(), CatalogJson.read(out).captureLsn(), "the backup's start");
                }
            }
            inFlight.rollback();
            inFlight.close();
            if (major == 15) {
                minesTheArchiveWithoutAServer(server, archive, expected);
            }
        } finally {
            deleteTree(archive);
        }
    }

    /**
     * A database created in another tablespace (and a table of it put back in pg_default): its
     * catalogs are read through pg_tblspc's link in the stopped cluster and in a plain backup (its
     * tablespace mapped elsewhere), and from the tablespace's own tar beside a zstd tar backup's
     * base.tar; without that tar, the error says where it should be. And --wal-dir on that backup
 * points at its pg_wal.tar.
     */
    @Test
    void aDatabaseInAnotherTablespaceIsReadFromItsLinkAndItsTar() throws Exception {
        try (PgServer server = PgServer.builder(15).start()) {
            Path space = server.createServerOwnedDirectory("tablespace");
            Path mapped = server.createServerOwnedDirectory("tablespace-copy");
            server.execute("CREATE TABLESPACE fast LOCATION '" + space + "'", "CREATE DATABASE shop TABLESPACE fast");
            long spcOid = server.queryLong("SELECT oid FROM pg_tablespace WHERE spcname = 'fast'");
            CatalogSnapshot expected;
            try (Connection c = server.connect("shop"); var st = c.createStatement()) {
                st.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')");
                st.execute("CREATE TABLE stock (id int PRIMARY KEY, m mood, note text)");
                st.execute("CREATE TABLE audit (id bigint, at timestamptz) TABLESPACE pg_default");
                st.execute("INSERT INTO stock VALUES (1, 'ok', 'x')");
                expected = CatalogCapture.capture(c);
            }
            assertEquals(spcOid, expected.defaultTablespace(), "the database's own tablespace");
            Path plain = tmp.resolve("tablespace-plain");
            Path tar = tmp.resolve("tablespace-tar");
            server.runTool(PgBinaries.debian15Tool("pg_basebackup"), "-D", plain.toString(), "-c", "fast", "-X", "none",
                "-F", "p", "-T", space + "=" + mapped).requireSuccess();
            server.runTool(PgBinaries.debian15Tool("pg_basebackup"), "-D", tar.toString(), "-c", "fast", "-X", "stream",
                "-F", "t", "--compress=zstd").requireSuccess();
            assertTrue(Files.exists(tar.resolve(spcOid + ".tar.zst")), "the tablespace's own tar");
            server.runBinary("pg_ctl", "stop", "-m", "fast", "-w", "-D", server.dataDir().toString()).requireSuccess();
            for (Path pgdata : List.of(server.dataDir(), plain, tar)) {
                Path out = tmp.resolve("tablespace.json");
                CliRun run = CliRun.of("catalog", "--pgdata", pgdata.toString(), "--database", "shop",
                    "-o", out.toString());
                assertEquals(0, run.exitCode(), pgdata + ": " + run);
                assertSameJson(expected, out);
            }
            // its WAL is in pg_wal.tar, which --wal-dir does not unpack: said so
            CliRun records = CliRun.of("records", "--wal-dir", tar.toString());
            assertEquals(3, records.exitCode(), records.toString());
            assertTrue(records.stderr().contains(tar.resolve("pg_wal.tar") + " holds a tar-format base backup's WAL"),
                records.stderr());
            Files.delete(tar.resolve(spcOid + ".tar.zst"));
            expectError(2, "lives in tablespace " + spcOid + ", but pg_tblspc/" + spcOid + " has no PG_15_* directory",
                tar, "--database", "shop");
        }
    }

    /**
     * After the backups: row changes and a schema change, archived; the server stopped; the range
     * after the backup's start mined from the archive with the catalog of the plain and of the
     * gzipped tar backup gives what the JDBC catalog gives.
     */
    private void minesTheArchiveWithoutAServer(PgServer server, Path archive, CatalogSnapshot jdbc) throws Exception {
        server.execute(
            "INSERT INTO shop.customer (id, name, feeling, nums, price) VALUES (1, 'a', 'happy', '{1,2}', 1.5),"
                + " (2, 'b', 'meh', NULL, NULL)",
            "UPDATE shop.customer SET name = 'c', feeling = 'ok' WHERE id = 1",
            "ALTER TABLE shop.order_line ADD COLUMN note text DEFAULT 'n'",
            "INSERT INTO shop.order_line VALUES (1, 1, 5, 'x'), (1, 2, 6, DEFAULT)",
            "DELETE FROM shop.customer WHERE id = 2",
            "INSERT INTO shop.evolving (id) VALUES (2)",
            "UPDATE shop.evolving SET kept = 'z' WHERE id = 1");
        long end = server.flushWal();
        String last = server.walFileName(server.switchWal());
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!last.equals(server.queryString("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver"))) {
            assertTrue(System.nanoTime() < deadline, last + " was not archived");
            Thread.sleep(100);
        }
        Path jdbcJson = tmp.resolve("jdbc.json");
        CatalogJson.write(jdbc, jdbcJson);
        server.close(); // no server from here on
        String from = Lsn.format(CatalogJson.read(tmp.resolve("catalog-p.json")).captureLsn());
        CliRun expected = CliRun.of("--wal-dir", archive.toString(), "--catalog", jdbcJson.toString(),
            "--from-lsn", from, "--to-lsn", Lsn.format(end));
        assertEquals(0, expected.exitCode(), expected.toString());
        assertTrue(expected.stdout().contains("UPDATE \"shop\".\"customer\"") || expected.stdout().contains("UPDATE shop.customer"),
            expected.stdout());
        assertTrue(expected.stdout().contains("DELETE"), expected.stdout());
        for (String backup : List.of("p", "tz")) {
            CliRun run = CliRun.of("--wal-dir", archive.toString(), "--catalog",
                tmp.resolve("catalog-" + backup + ".json").toString(), "--from-lsn", from, "--to-lsn", Lsn.format(end));
            assertEquals(0, run.exitCode(), backup + ": " + run);
            assertEquals(expected.stdout(), run.stdout(), backup);
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
        assertPartitionParents(expected);
        assertPartitionParents(actual);
        // the newest xmin of each table's defining catalog rows: the same from the files (compared below)
        for (var t : expected.tables()) {
            assertTrue(t.catalogXmin() != 0, "catalog xmin of " + t.qualifiedName());
        }
        assertTrue(org.xlogminer.catalog.TransactionIds.precedes(expected.table("shop.reading").catalogXmin(),
            expected.table("shop.nokey").catalogXmin()), "shop.nokey altered last");
        assertEquals(expected.major(), actual.major(), "major");
        assertEquals(expected.major() * 10000, actual.serverVersionNum());
        assertSameJson(expected, pgdataJson);
    }

    /**
     * The JSON of the two snapshots is the same but for the fields a data directory cannot know,
     * and the files' capture LSN is not before the JDBC capture's.
     */
    static void assertSameJson(CatalogSnapshot expected, Path pgdataJson) throws IOException {
        CatalogSnapshot actual = CatalogJson.read(pgdataJson);
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
}
