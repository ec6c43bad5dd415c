package org.xlogminer.catalog.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xlogminer.catalog.CatalogCapture;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.catalog.TypeInfo;
import org.xlogminer.event.SchemaChange;
import org.xlogminer.mine.Miner;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.reader.DirectorySegmentSource;

/**
 * The oracle is the server's own catalog: capture snapshot A, run a DDL workload, capture snapshot
 * B, mine the system catalogs' row changes between them; A moved forward must be B and B moved
 * backward must be A (for every table outside pg_catalog and information_schema, TOAST tables
 * included, and the enum type), and the schema changes must be what the workload did.
 */
class CatalogTimelineIT {

    @TempDir
    Path tmp;

    static void before(Statement s) throws Exception {
        s.execute("CREATE TABLE keep (id int PRIMARY KEY, v text)");
        s.execute("CREATE TABLE doomed (x int)");
        s.execute("CREATE TYPE mood AS ENUM ('sad', 'ok')");
        s.execute("CREATE TABLE moods (id int, m mood, code int)");
        s.execute("CREATE SCHEMA shop");
        s.execute("CREATE TABLE shop.orders (id int PRIMARY KEY, note text, price numeric(10,2))");
        s.execute("INSERT INTO keep SELECT g, 'v' || g FROM generate_series(1, 50) g");
        s.execute("INSERT INTO shop.orders SELECT g, 'n' || g, g * 1.5 FROM generate_series(1, 50) g");
    }

    /** The workload, and the schema changes it makes, in order. */
    static final String[][] WORKLOAD = {
        {"CREATE SCHEMA sales"},
        {"CREATE TABLE sales.items (n int, label text)", "sales.items: table created"},
        {"INSERT INTO sales.items SELECT g, 'l' || g FROM generate_series(1, 20) g"},
        {"ALTER TABLE shop.orders ADD COLUMN shipped boolean DEFAULT false",
            "shop.orders: column shipped boolean added"},
        {"ALTER TABLE keep ADD COLUMN at timestamp(3) with time zone, ADD COLUMN codes varchar(20), "
            + "ADD COLUMN span interval day to second(2)",
            "public.keep: column at timestamp(3) with time zone added",
            "public.keep: column codes character varying(20) added",
            "public.keep: column span interval day to second(2) added"},
        {"ALTER TABLE shop.orders RENAME COLUMN note TO memo", "shop.orders: column note renamed to memo"},
        {"ALTER TABLE shop.orders ALTER COLUMN price TYPE numeric(12,3)",
            "shop.orders: column price type changed from numeric(10,2) to numeric(12,3)", "shop.orders: table rewritten"},
        {"ALTER TABLE shop.orders DROP COLUMN memo", "shop.orders: column memo dropped"},
        {"TRUNCATE sales.items", "sales.items: table truncated"},
        {"VACUUM FULL keep", "public.keep: table rewritten"},
        {"ALTER TABLE sales.items RENAME TO things", "sales.things: table renamed from sales.items"},
        {"CREATE UNIQUE INDEX things_n ON sales.things (n)"},
        {"ALTER TABLE sales.things ADD PRIMARY KEY (n)"},
        {"ALTER TYPE mood ADD VALUE 'happy'"},
        {"ALTER TABLE moods ALTER COLUMN code TYPE bigint", "public.moods: column code type changed from integer to bigint",
            "public.moods: table rewritten"},
        {"DROP TABLE doomed", "public.doomed: table dropped"},
        {"ALTER SCHEMA shop RENAME TO store", "store.orders: table renamed from shop.orders"},
        {"ALTER TABLE keep REPLICA IDENTITY FULL"},
        {"CREATE MATERIALIZED VIEW mv AS SELECT * FROM keep", "public.mv: table created"},
        {"REFRESH MATERIALIZED VIEW mv", "public.mv: table rewritten"},
        {"INSERT INTO sales.things VALUES (1, 'after')"},
    };

    @ParameterizedTest(name = "PostgreSQL {0}, wal_level={1}")
    @CsvSource({"15, replica", "13, logical", "17, replica"})
    void forwardFromBeforeIsAfterAndBackwardFromAfterIsBefore(int major, String walLevel) throws Exception {
        try (PgServer server = PgServer.builder(major).walLevel(walLevel).autovacuum(false).start();
             Connection c = server.connect(); Statement s = c.createStatement()) {
            before(s);
            CatalogSnapshot a = capture(server);
            List<String> expected = new ArrayList<>();
            for (String[] step : WORKLOAD) {
                s.execute(step[0]);
                expected.addAll(List.of(step).subList(1, step.length));
            }
            CatalogSnapshot b = capture(server);
            server.flushWal();

            CatalogTimeline forward = CatalogTimeline.build(List.of(a), mine(server, a, a.captureLsn(), b.captureLsn()));
            CatalogTimeline backward = CatalogTimeline.build(List.of(b), mine(server, b, a.captureLsn(), b.captureLsn()));
            assertEquals(Map.of(), forward.unknownHistory(), "every catalog row recovered");
            assertEquals(Map.of(), backward.unknownHistory(), "every old catalog row recovered");
            assertEquals(userTables(b), userTables(forward.newest()), "A moved forward is B");
            assertEquals(userTables(a), userTables(backward.earliest()), "B moved backward is A");
            assertEquals(userTables(a), userTables(forward.at(a.captureLsn())), "A at its own LSN");
            assertEquals(userTables(b), userTables(backward.at(b.captureLsn())), "B at its own LSN");
            assertEquals(labels(b, b), labels(forward.newest(), b), "enum labels forward");
            assertEquals(labels(a, a), labels(backward.earliest(), a), "enum labels backward");
            assertEquals(3, labels(b, b).get("public.mood").size(), "the label added");
            assertEquals(expected, texts(forward.events()), "the schema changes, forward");
            assertEquals(expected, texts(backward.events()), "the schema changes, backward");
        }
    }

    private static CatalogSnapshot capture(PgServer server) throws Exception {
        try (Connection ro = server.connect()) {
            return CatalogCapture.capture(ro);
        }
    }

    private List<CatalogCommit> mine(PgServer server, CatalogSnapshot catalog, long from, long to) throws Exception {
        CatalogChangeCollector collector = new CatalogChangeCollector();
        try (Miner miner = Miner.builder(DirectorySegmentSource.open(server.walDir()), catalog).fromLsn(from).toLsn(to)
                 .includeSystemCatalogs(true).spillDir(tmp).build()) {
            miner.stream(collector);
        }
        assertTrue(!collector.commits().isEmpty(), "catalog changes mined");
        return collector.commits();
    }

    /** Tables outside pg_catalog and information_schema by OID, missing values left out unless known. */
    static Map<Long, TableInfo> userTables(CatalogSnapshot s) {
        Map<Long, TableInfo> m = new TreeMap<>();
        for (TableInfo t : s.tables()) {
            if (!t.schema().equals("pg_catalog") && !t.schema().equals("information_schema")) {
                List<ColumnInfo> cs = new ArrayList<>();
                for (ColumnInfo col : t.columns()) {
                    cs.add(new ColumnInfo(col.attnum(), col.name(), col.typeOid(), col.typmod(), col.len(), col.byval(),
                        col.align(), col.storage(), col.notNull(), col.dropped(), col.hasMissing(), null,
                        col.generated(), col.identity()));
                }
                m.put(t.oid(), new TableInfo(t.oid(), t.schema(), t.name(), t.relkind(), t.relfilenode(),
                    t.tablespace(), t.persistence(), t.toastRelid(), t.replicaIdentity(), t.identityKey(),
                    t.primaryKey(), cs));
            }
        }
        return m;
    }

    /** The labels of the enum types the oracle snapshot has, by type name. */
    static Map<String, Map<Long, String>> labels(CatalogSnapshot s, CatalogSnapshot oracle) {
        Map<String, Map<Long, String>> m = new TreeMap<>();
        for (TypeInfo t : s.types().values()) {
            if (t.kind() == 'e' && oracle.type(t.oid()) != null) {
                m.put(t.sqlName(), new TreeMap<>(t.enumLabels()));
            }
        }
        return m;
    }

    static List<String> texts(List<SchemaChange> events) {
        List<String> out = new ArrayList<>();
        for (SchemaChange e : events) {
            out.add(e.toString());
        }
        return out;
    }
}
