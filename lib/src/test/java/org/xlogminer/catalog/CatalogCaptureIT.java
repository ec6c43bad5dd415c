package org.xlogminer.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xlogminer.testkit.PgServer;

/**
 * Captures a schema with one table per feature on every major and checks each field against what
 * the DDL produced and what the server itself reports (pg_relation_filenode, pg_attribute, ...);
 * the JSON round trip; and that the capture ran read-only.
 */
class CatalogCaptureIT {

    private static final long INT4 = 23, TEXT = 25, INT4_ARRAY = 1007, TEXT_ARRAY = 1009, NUMERIC = 1700,
        TSRANGE = 3908, TIMESTAMP = 1114, BOX = 603;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 14, 15, 16, 17, 18})
    void capturesWhatTheDdlMade(int major) throws Exception {
        try (PgServer server = PgServer.builder(major).walLevel("logical").setting("log_statement", "all").start();
             Connection other = server.connect(); Statement os = other.createStatement()) {
            long spcOid = createTablespace(server);
            for (String sql : CatalogTestSchema.ddl(major)) {
                server.execute(sql);
            }
            server.execute("CREATE TABLE shop.elsewhere (id int) TABLESPACE spc");
            // another session's temp table (and its TOAST table): not part of the snapshot
            os.execute("CREATE TEMP TABLE other_temp (t text)");

            long before = server.currentWalInsertLsn();
            CatalogSnapshot s;
            try (Connection c = server.connect()) {
                s = CatalogCapture.capture(c);
                assertLeftReadOnly(c);
            }
            long after = server.currentWalInsertLsn();
            // never inside the caller's transaction: pgjdbc refuses to make it read-only halfway
            other.setAutoCommit(false);
            os.execute("SELECT 1");
            assertThrows(SQLException.class, () -> CatalogCapture.capture(other));
            other.rollback();
            other.setAutoCommit(true);

            checkHeader(server, s, before, after);
            checkRelationsMatchTheServer(server, s);
            checkKeysAndIdentities(s);
            checkColumns(server, s);
            checkTypes(s, major);
            checkLookups(server, s, spcOid);
            assertTrue(s.tables().stream().noneMatch(t -> t.name().equals("other_temp")
                || t.schema().startsWith("pg_temp") || t.schema().startsWith("pg_toast_temp")), "other sessions' temp");
            checkJsonRoundTrip(s);
            assertTrue(Files.readString(server.logFile()).contains("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"),
                "the server log shows the read-only transaction");
        }
    }

    /** Capture is set-based: a database of thousands of relations takes a few queries, not one per table. */
    @Test
    void capturesThousandsOfTablesQuickly() throws Exception {
        try (PgServer server = PgServer.builder(17).start()) {
            server.execute("DO $$ BEGIN FOR i IN 1..2000 LOOP EXECUTE format("
                + "'CREATE TABLE t%s (id int PRIMARY KEY, a text, b numeric(10,2), c timestamptz, d int[])', i);"
                + " END LOOP; END $$");
            try (Connection c = server.connect()) {
                CatalogCapture.capture(c); // warm up the JIT and the server's caches
                long t0 = System.nanoTime();
                CatalogSnapshot s = CatalogCapture.capture(c);
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                assertTrue(s.tables().size() > 4000, "tables and their TOAST tables: " + s.tables().size());
                assertTrue(took.toMillis() < 5000, "capture took " + took);
                assertEquals(List.of(1), s.table("public.t1999").primaryKey());
            }
        }
    }

    private long createTablespace(PgServer server) throws Exception {
        Path dir = server.serverDir().resolve("spc");
        Files.createDirectory(dir);
        Files.setOwner(dir, Files.getOwner(server.dataDir()));
        server.execute("CREATE TABLESPACE spc LOCATION '" + dir + "'");
        return server.queryLong("SELECT oid FROM pg_tablespace WHERE spcname = 'spc'");
    }

    private static void assertLeftReadOnly(Connection c) throws SQLException {
        assertTrue(c.isReadOnly());
        assertTrue(c.getAutoCommit(), "auto-commit restored");
        try (Statement st = c.createStatement()) {
            try (var rs = st.executeQuery("SHOW default_transaction_read_only")) {
                rs.next();
                assertEquals("on", rs.getString(1));
            }
            SQLException e = assertThrows(SQLException.class, () -> st.execute("CREATE TABLE must_fail (x int)"));
            assertEquals("25006", e.getSQLState(), e.getMessage()); // read_only_sql_transaction
        }
    }

    private static void checkHeader(PgServer server, CatalogSnapshot s, long before, long after) throws SQLException {
        assertEquals(server.systemIdentifier(), s.systemIdentifier());
        assertEquals(server.versionNum(), s.serverVersionNum());
        assertEquals(server.version(), s.serverVersion());
        assertEquals(server.major(), s.major());
        assertEquals(server.queryLong("SELECT oid FROM pg_database WHERE datname = 'postgres'"), s.databaseOid());
        assertEquals("postgres", s.databaseName());
        assertEquals(1663, s.defaultTablespace());
        assertEquals(1, s.timeline());
        assertTrue(Long.compareUnsigned(before, s.captureLsn()) <= 0 && Long.compareUnsigned(s.captureLsn(), after) <= 0,
            "capture LSN between the LSNs read before and after");
        assertTrue(Duration.between(s.capturedAt(), Instant.now()).abs().toMinutes() < 5, s.capturedAt().toString());
    }

    /** Every heap-bearing relation the server has, with the relfilenode and tablespace WAL names it by. */
    private static void checkRelationsMatchTheServer(PgServer server, CatalogSnapshot s) throws SQLException {
        List<List<String>> rows = server.queryRows("SELECT c.oid, COALESCE(pg_relation_filenode(c.oid), 0),"
            + " CASE WHEN c.reltablespace = 0 THEN 1663 ELSE c.reltablespace END, c.relkind, c.relpersistence"
            + " FROM pg_class c WHERE c.relkind IN ('r','p','m','t') AND NOT pg_is_other_temp_schema(c.relnamespace)"
            + " ORDER BY c.oid");
        assertEquals(rows.size(), s.tables().size(), "relations");
        for (int i = 0; i < rows.size(); i++) {
            List<String> r = rows.get(i);
            TableInfo t = s.tables().get(i);
            String at = t.qualifiedName();
            assertEquals(Long.parseLong(r.get(0)), t.oid(), at);
            assertEquals(Long.parseLong(r.get(1)), t.relfilenode(), at + " relfilenode");
            assertEquals(Long.parseLong(r.get(2)), t.tablespace(), at + " tablespace");
            assertEquals(r.get(3).charAt(0), t.relkind(), at);
            assertEquals(r.get(4).charAt(0), t.persistence(), at);
        }
        // mapped catalogs have relfilenode 0 in pg_class: the snapshot has the mapper's number
        TableInfo pgClass = s.table("pg_catalog.pg_class");
        assertTrue(pgClass.relfilenode() != 0);
        assertEquals(server.queryLong("SELECT pg_relation_filenode('pg_class')"), pgClass.relfilenode());
        assertEquals(CatalogSnapshot.GLOBAL_TABLESPACE, s.table("pg_catalog.pg_database").tablespace());
    }

    private static void checkKeysAndIdentities(CatalogSnapshot s) {
        assertKeys(s, "shop.customer", 'd', List.of(1), List.of(1));
        assertKeys(s, "shop.order_line", 'd', List.of(1, 2), List.of(1, 2));
        assertKeys(s, "shop.nokey", 'd', List.of(), List.of());
        assertKeys(s, "shop.full_ident", 'f', List.of(1), List.of());
        assertKeys(s, "shop.idx_ident", 'i', List.of(1), List.of(3, 2));
        assertKeys(s, "shop.nothing_ident", 'n', List.of(1), List.of());
        assertKeys(s, "shop.incl", 'd', List.of(1), List.of(1)); // INCLUDE columns are not key columns
        assertKeys(s, "shop.event_2024", 'd', List.of(1, 2), List.of(1, 2));
        assertKeys(s, "shop.event", 'd', List.of(1, 2), List.of(1, 2));

        TableInfo nokey = s.table("shop.nokey");
        assertNotEquals(nokey.oid(), nokey.relfilenode(), "VACUUM FULL gave a new relfilenode");

        TableInfo event = s.table("shop.event");
        assertEquals('p', event.relkind());
        assertEquals(0, event.relfilenode());
        assertEquals('r', s.table("shop.event_2025").relkind());
        assertEquals('m', s.table("shop.customer_names").relkind());
        assertEquals('u', s.table("shop.scratch").persistence());
        assertEquals('p', s.table("shop.customer").persistence());
        assertNotNull(s.table("public.Shop Mixed"));

        TableInfo customer = s.table("shop.customer");
        TableInfo toast = s.tableByOid(customer.toastRelid());
        assertNotNull(toast, "TOAST table of shop.customer");
        assertEquals('t', toast.relkind());
        assertEquals("pg_toast", toast.schema());
        assertEquals("pg_toast_" + customer.oid(), toast.name());
        assertEquals(List.of("chunk_id", "chunk_seq", "chunk_data"),
            toast.columns().stream().map(ColumnInfo::name).toList());
    }

    private static void assertKeys(CatalogSnapshot s, String table, char replident, List<Integer> pk, List<Integer> identity) {
        TableInfo t = s.table(table);
        assertNotNull(t, table);
        assertEquals(replident, t.replicaIdentity(), table);
        assertEquals(pk, t.primaryKey(), table + " primary key");
        assertEquals(identity, t.identityKey(), table + " identity key");
    }

    private static void checkColumns(PgServer server, CatalogSnapshot s) throws SQLException {
        TableInfo customer = s.table("shop.customer");
        assertEquals(List.of("id", "name", "notes", "feeling", "balance", "addr", "stay", "nums", "words", "price"),
            customer.columns().stream().map(ColumnInfo::name).toList());
        ColumnInfo id = customer.column(1);
        assertEquals(new ColumnInfo(1, "id", INT4, -1, 4, true, 'i', 'p', true, false, false, null), id);
        ColumnInfo name = customer.column(2);
        assertEquals(TEXT, name.typeOid());
        assertEquals(-1, name.len());
        assertEquals('x', name.storage(), "TOASTable");
        assertTrue(name.notNull());
        assertEquals(-1, customer.column(5).typmod(), "a domain column has no typmod of its own");
        assertEquals(((12 << 16) | 3) + 4, customer.column(10).typmod(), "numeric(12,3)");
        assertEquals(NUMERIC, customer.column(10).typeOid());
        assertEquals(INT4_ARRAY, customer.column(8).typeOid());
        assertEquals(TEXT_ARRAY, customer.column(9).typeOid());
        assertEquals(TSRANGE, customer.column(7).typeOid());

        TableInfo ev = s.table("shop.evolving");
        assertEquals(9, ev.columns().size());
        ColumnInfo gone = ev.column(2);
        assertTrue(gone.dropped());
        assertEquals(0, gone.typeOid());
        assertEquals("........pg.dropped.2........", gone.name());
        assertEquals(-1, gone.len(), "a dropped column keeps its length and alignment for old tuples");
        assertEquals('i', gone.align());
        assertFalse(ev.column(3).hasMissing(), "kept: present in every tuple");
        assertMissing(ev.column(4), "note", CatalogTestSchema.NOTE_DEFAULT);
        assertMissing(ev.column(5), "area", "(1,1),(0,0)");
        assertEquals(BOX, ev.column(5).typeOid());
        assertMissing(ev.column(6), "ids", "{1,2}");
        ColumnInfo nothing = ev.column(7);
        assertFalse(nothing.hasMissing(), "a NULL default stores no missing value");
        assertNull(nothing.missingValue());
        assertMissing(ev.column(8), "feeling", "happy");
        assertMissing(ev.column(9), "at", "2024-02-29 10:00:00+00"); // ISO, in UTC, whatever the session's zone
        // what the server itself prints for the row written before the columns existed
        assertEquals(List.of(List.of(CatalogTestSchema.NOTE_DEFAULT, "(1,1),(0,0)", "{1,2}", "happy")),
            server.queryRows("SELECT note, area, ids, feeling FROM shop.evolving WHERE id = 1"));

        TableInfo gen = s.table("shop.gen");
        assertEquals('a', gen.column(1).identity());
        assertEquals(ColumnInfo.NONE, gen.column(1).generated());
        assertEquals(ColumnInfo.NONE, gen.column(2).identity());
        assertEquals(ColumnInfo.NONE, gen.column(2).generated());
        assertEquals('s', gen.column(3).generated());
    }

    private static void assertMissing(ColumnInfo c, String name, String value) {
        assertEquals(name, c.name());
        assertTrue(c.hasMissing(), name + " has a missing value");
        assertEquals(value, c.missingValue(), name);
    }

    private static void checkTypes(CatalogSnapshot s, int major) {
        TableInfo customer = s.table("shop.customer");
        for (TableInfo t : s.tables()) {
            for (ColumnInfo c : t.columns()) {
                assertTrue(c.dropped() || s.type(c.typeOid()) != null, t.qualifiedName() + "." + c.name() + " has its type");
            }
        }
        TypeInfo mood = s.type(customer.column(4).typeOid());
        assertEquals("public.mood", mood.sqlName());
        assertEquals("mood", mood.name());
        assertEquals('e', mood.kind());
        assertEquals(List.of("sad", "ok", "happy"), mood.enumLabels().entrySet().stream()
            .sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue).toList());
        assertNull(s.type(mood.arrayOid()), "array types are there only when a column uses them");

        TypeInfo money = s.type(customer.column(5).typeOid());
        assertEquals("shop.money2", money.sqlName());
        assertEquals('d', money.kind());
        assertEquals(NUMERIC, money.baseTypeOid());
        assertEquals(((10 << 16) | 2) + 4, money.baseTypmod(), "numeric(10,2)");
        assertEquals("numeric", s.type(NUMERIC).sqlName(), "sqlName is format_type(oid, NULL): no typmod");

        TypeInfo address = s.type(customer.column(6).typeOid());
        assertEquals('c', address.kind());
        assertEquals("shop.address", address.sqlName());
        assertEquals(List.of("street", "zip", "tags", "........pg.dropped.4........"),
            address.attributes().stream().map(ColumnInfo::name).toList());
        assertEquals(List.of(TEXT, INT4, TEXT_ARRAY, 0L), address.attributes().stream().map(ColumnInfo::typeOid).toList());
        assertTrue(address.attributes().get(3).dropped());

        TypeInfo tsrange = s.type(TSRANGE);
        assertEquals('r', tsrange.kind());
        assertEquals(TIMESTAMP, tsrange.rangeSubtype());
        assertNotNull(s.type(TIMESTAMP), "range subtype captured");

        TypeInfo ints = s.type(INT4_ARRAY);
        assertEquals("integer[]", ints.sqlName());
        assertEquals('A', ints.category());
        assertEquals(INT4, ints.elementOid());
        assertEquals("text[]", s.type(TEXT_ARRAY).sqlName());
        assertEquals(TEXT, s.type(TEXT_ARRAY).elementOid());
        assertEquals(INT4_ARRAY, s.type(INT4).arrayOid());
        assertEquals(4, s.type(INT4).len());
        assertTrue(s.type(INT4).byval());
        assertEquals('i', s.type(INT4).align());

        if (major >= 14) {
            TypeInfo multirange = s.type(s.table("shop.spans").column(1).typeOid());
            assertEquals('m', multirange.kind());
            assertEquals(3904, multirange.rangeSubtype(), "int4multirange's range is int4range");
            assertEquals(INT4, s.type(3904).rangeSubtype());
        }
    }

    private static void checkLookups(PgServer server, CatalogSnapshot s, long spcOid) throws SQLException {
        TableInfo customer = s.table("shop.customer");
        assertSame(customer, s.tableByRelfilenode(1663, s.databaseOid(), customer.relfilenode()));
        assertSame(customer, s.tableByOid(customer.oid()));
        assertNull(s.tableByRelfilenode(1663, s.databaseOid() + 1, customer.relfilenode()), "another database");
        assertNull(s.tableByRelfilenode(spcOid, s.databaseOid(), customer.relfilenode()), "another tablespace");

        TableInfo elsewhere = s.table("shop.elsewhere");
        assertEquals(spcOid, elsewhere.tablespace());
        assertSame(elsewhere, s.tableByRelfilenode(spcOid, s.databaseOid(), elsewhere.relfilenode()));

        TableInfo pgDatabase = s.table("pg_catalog.pg_database");
        assertSame(pgDatabase, s.tableByRelfilenode(1664, 0, pgDatabase.relfilenode()), "shared catalogs: database 0");
        assertNull(s.tableByRelfilenode(1664, s.databaseOid(), pgDatabase.relfilenode()));
        assertNull(s.tableByRelfilenode(1663, s.databaseOid(), 0));

        String file = server.queryString("SELECT pg_relation_filepath('shop.customer')");
        assertTrue(file.endsWith("/" + s.databaseOid() + "/" + customer.relfilenode()), file);
    }

    private void checkJsonRoundTrip(CatalogSnapshot s) throws Exception {
        Path file = tmp.resolve("catalog-" + s.major() + ".json");
        CatalogJson.write(s, file);
        CatalogSnapshot back = CatalogJson.read(file);
        assertEquals(s, back);
        StringWriter w = new StringWriter();
        CatalogJson.write(s, w);
        assertEquals(s, CatalogJson.read(new StringReader(w.toString())));
        List<String> differing = new ArrayList<>();
        for (int i = 0; i < s.tables().size(); i++) {
            if (!s.tables().get(i).equals(back.tables().get(i))) {
                differing.add(s.tables().get(i).qualifiedName());
            }
        }
        assertEquals(List.of(), differing);
        assertEquals(s.types().keySet().stream().sorted().collect(Collectors.toList()),
            back.types().keySet().stream().sorted().collect(Collectors.toList()));
    }
}
