package org.xlogminer.mine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xlogminer.catalog.CatalogCapture;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.SchemaChange;
import org.xlogminer.event.TableName;
import org.xlogminer.event.Transaction;
import org.xlogminer.render.JsonLinesWriter;
import org.xlogminer.render.SqlRenderer;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.reader.DirectorySegmentSource;

/**
 * The root partitioned table each row change of a partition names, against the server: a
 * workload on a multi-level partitioned table (a root renamed, a partition attached, a partitioned
 * subtree attached, a partition detached, a partition-key UPDATE, the same inside one transaction),
 * run statement by statement, recording after each the WAL insert LSN and, for every table, what
 * {@code pg_partition_root()} says (for partitions: {@code relispartition}; a partitioned root's
 * own row changes do not exist). Each mined row change, written between two such points, must name
 * the root recorded after its statement, in the {@link org.xlogminer.event.Source} and in JSON
 * lines; a table that is no partition then (a plain table, an inheritance child, a partition
 * detached, a table not yet attached) names none; so must a TRUNCATE, by the table it is shown on.
 * The schema changes must name each attach and detach, with the parent as it was named then, and
 * a table created as a partition with its parent, each between its statement and the next step,
 * in the iterator's transactions, in JSON lines, and in the timeline of the walk back (the
 * catalog compared in the other direction). With the snapshot captured before the workload
 * and, separately, after it (walked back first); at wal_level=replica too, where the catalogs' old
 * rows (pg_inherits' deleted one at DETACH) come from the tracked pages.
 */
class PartitionRootIT {

    @TempDir
    Path tmp;

    static final String[] SETUP = {
        "CREATE SCHEMA s2",
        "CREATE TABLE m (id int, region text, at date, v text, PRIMARY KEY (id, region, at)) PARTITION BY LIST (region)",
        "CREATE TABLE m_eu PARTITION OF m FOR VALUES IN ('eu') PARTITION BY RANGE (at)",
        "CREATE TABLE m_eu_2024 PARTITION OF m_eu FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
        "CREATE TABLE m_us PARTITION OF m FOR VALUES IN ('us')",
        "CREATE TABLE s2.log (id int PRIMARY KEY, note text) PARTITION BY RANGE (id)",
        "CREATE TABLE log_low PARTITION OF s2.log FOR VALUES FROM (0) TO (100)",
        "CREATE TABLE plain (id int PRIMARY KEY, v text)",
        "CREATE TABLE parent_i (id int, v text)",
        "CREATE TABLE child_i () INHERITS (parent_i)",
        "INSERT INTO m VALUES (1, 'eu', '2024-03-01', 'a'), (2, 'us', '2024-03-01', 'b')",
    };

    /** Each step is one transaction; each of its statements is followed by a record of the roots. */
    static final String[][] WORKLOAD = {
        {"INSERT INTO m VALUES (3, 'eu', '2024-04-01', 'c'), (4, 'us', '2024-04-01', 'd')"},
        {"UPDATE m SET v = 'aa' WHERE id = 1"},
        {"INSERT INTO log_low VALUES (1, 'x')", "INSERT INTO s2.log VALUES (2, 'y')"},
        {"INSERT INTO plain VALUES (1, 'p')", "INSERT INTO child_i VALUES (1, 'c')", "INSERT INTO parent_i VALUES (2, 'p')"},
        // a table made and filled alone, then attached under the middle level
        {"CREATE TABLE m_eu_2025 (LIKE m_eu_2024 INCLUDING ALL)",
            "INSERT INTO m_eu_2025 VALUES (5, 'eu', '2025-02-01', 'e')"},
        {"ALTER TABLE m_eu ATTACH PARTITION m_eu_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')"},
        {"INSERT INTO m VALUES (6, 'eu', '2025-03-01', 'f')"},
        // the partition key changes: the row moves to another partition (a DELETE and an INSERT)
        {"UPDATE m SET at = '2024-05-01' WHERE id = 6"},
        // a partitioned subtree of its own, attached whole: its leaf's root changes, not its parent
        {"CREATE TABLE m_as (id int, region text, at date, v text, PRIMARY KEY (id, region, at)) PARTITION BY RANGE (at)",
            "CREATE TABLE m_as_2024 PARTITION OF m_as FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
            "INSERT INTO m_as VALUES (7, 'as', '2024-06-01', 'g')"},
        {"ALTER TABLE m ATTACH PARTITION m_as FOR VALUES IN ('as')"},
        {"INSERT INTO m VALUES (8, 'as', '2024-07-01', 'h')", "UPDATE m_as_2024 SET v = 'gg' WHERE id = 7"},
        // a partition truncated: its root then (m, renamed later); a plain table's truncate has none
        {"TRUNCATE m_as_2024"},
        {"TRUNCATE plain"},
        // renamed: later rows name the root by its new name
        {"ALTER TABLE m RENAME TO measurements"},
        {"INSERT INTO measurements VALUES (9, 'us', '2024-08-01', 'i')"},
        // detached and changed within one transaction: before and after in one
        {"UPDATE m_us SET v = 'bb' WHERE id = 2", "ALTER TABLE measurements DETACH PARTITION m_us",
            "UPDATE m_us SET v = 'bbb' WHERE id = 2"},
        {"INSERT INTO m_us VALUES (10, 'us', '2024-09-01', 'j')", "DELETE FROM m_us WHERE id = 4"},
        // created as a partition and filled in one transaction
        {"CREATE TABLE m_eu_2026 PARTITION OF m_eu FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
            "INSERT INTO measurements VALUES (11, 'eu', '2026-01-05', 'k')"},
        {"DELETE FROM measurements WHERE id IN (1, 3, 5, 7)", "DELETE FROM s2.log WHERE id = 1"},
    };

    /** Every table of the workload: "schema.table" to its root "schema.table", partitions only. */
    static final String ROOTS = """
        SELECT n.nspname || '.' || c.relname,
               (SELECT rn.nspname || '.' || r.relname FROM pg_class r JOIN pg_namespace rn ON rn.oid = r.relnamespace
                 WHERE r.oid = pg_partition_root(c.oid))
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind = 'r' AND c.relispartition AND n.nspname IN ('public', 's2')
        """;

    /**
     * The schema changes of the workload after the snapshot, "schema.table kind: detail", each with
     * the index of the step that made it (truncates are shown as truncate changes, not here).
     */
    static final Object[][] SCHEMA_CHANGES = {
        {4, "public.m_eu_2025 table_created: table created"},
        {5, "public.m_eu_2025 partition_attached: partition attached to public.m_eu"},
        {8, "public.m_as table_created: table created"},
        {8, "public.m_as_2024 table_created: table created as partition of public.m_as"},
        {9, "public.m_as partition_attached: partition attached to public.m"},
        {13, "public.measurements table_renamed: table renamed from public.m"},
        {15, "public.m_us partition_detached: partition detached from public.measurements"},
        {17, "public.m_eu_2026 table_created: table created as partition of public.m_eu"},
    };

    /** What the server said after a statement: the LSN it had written up to, and the partitions' roots. */
    record Point(long lsn, Map<String, String> roots) {
    }

    @ParameterizedTest(name = "PostgreSQL {0}, snapshot {1} the workload, wal_level={2}")
    @CsvSource({"15, before, logical", "15, after, logical", "13, before, logical", "13, after, logical",
        "14, before, logical", "14, after, logical", "16, before, logical", "16, after, logical",
        "17, before, logical", "17, after, logical", "18, before, logical", "18, after, logical",
        "15, before, replica", "15, after, replica"})
    void everyRowChangeOfAPartitionNamesItsRootAsOfItsLsn(int major, String when, String walLevel) throws Exception {
        try (PgServer server = PgServer.builder(major).walLevel(walLevel).autovacuum(false).start();
             Connection c = server.connect(); Statement s = c.createStatement()) {
            for (String sql : SETUP) {
                s.execute(sql);
            }
            CatalogSnapshot before;
            try (Connection ro = server.connect()) {
                before = CatalogCapture.capture(ro);
            }
            assertEquals(before.table("public.m").oid(), before.table("public.m_eu").partitionParent(),
                "the JDBC capture knows the parents");
            List<Point> points = new ArrayList<>();
            List<long[]> commits = new ArrayList<>(); // per step: the LSN before its commit and after it
            c.setAutoCommit(false);
            for (String[] step : WORKLOAD) {
                for (String sql : step) {
                    s.execute(sql);
                    points.add(new Point(lsn(s), roots(s)));
                }
                long beforeCommit = lsn(s);
                c.commit();
                commits.add(new long[] {beforeCommit, lsn(s)});
                c.commit();
            }
            c.setAutoCommit(true);
            long to = server.flushWal();
            CatalogSnapshot start = before;
            List<String> walkedBack = null;
            if (when.equals("after")) {
                CatalogSnapshot after;
                try (Connection ro = server.connect()) {
                    after = CatalogCapture.capture(ro);
                }
                assertEquals(0, after.table("public.m_us").partitionParent(), "detached at the capture");
                to = server.flushWal();
                CatalogPrePass.Start walked = CatalogPrePass.startCatalog(DirectorySegmentSource.open(server.walDir()),
                    List.of(after), before.captureLsn());
                assertEquals(List.of(), walked.warnings());
                start = walked.catalog();
                assertEquals(start.table("public.m").oid(), start.table("public.m_us").partitionParent(),
                    "walked back to before the detach (and the rename)");
                walkedBack = new ArrayList<>();
                for (SchemaChange e : walked.timeline().events()) {
                    if (e.kind() != SchemaChange.Kind.TABLE_TRUNCATED
                        && Long.compareUnsigned(e.commitLsn(), before.captureLsn()) >= 0) {
                        walkedBack.add(e.schema() + "." + e.table() + " " + e.kind().jsonName() + ": " + e.detail());
                    }
                }
            }

            List<String> mined = new ArrayList<>();
            List<String> wrong = new ArrayList<>();
            int withRoot = 0;
            int without = 0;
            List<String> truncates = new ArrayList<>();
            List<String> events = new ArrayList<>();
            try (Miner miner = Miner.builder(DirectorySegmentSource.open(server.walDir()), start)
                     .fromLsn(before.captureLsn()).toLsn(to).spillDir(tmp).build()) {
                for (Transaction tx : miner) {
                    for (SchemaChange e : tx.schemaChanges()) {
                        events.add(e.schema() + "." + e.table() + " " + e.kind().jsonName() + ": " + e.detail());
                        int step = stepOf(e);
                        assertTrue(step >= 0, "a schema change of the workload: " + e);
                        // the commit record starts where the server would insert next before the COMMIT
                        assertTrue(Long.compareUnsigned(commits.get(step)[0], e.commitLsn()) <= 0
                            && Long.compareUnsigned(e.commitLsn(), commits.get(step)[1]) < 0,
                            "at the commit of its step " + step + " (" + Lsn.format(commits.get(step)[0]) + ".."
                                + Lsn.format(commits.get(step)[1]) + "): " + Lsn.format(e.commitLsn()) + " " + e);
                    }
                    for (RowChange ch : tx.changes()) {
                        String table = ch.source().schema() + "." + ch.source().table();
                        TableName root = ch.source().partitionRoot();
                        String expected = expectedRoot(points, ch.source().lsn(), table);
                        String actual = root == null ? null : root.toString();
                        if (!Objects.equals(expected, actual)) {
                            wrong.add(Lsn.format(ch.source().lsn()) + " " + ch.op() + " " + table + ": expected root "
                                + expected + ", mined " + actual);
                        }
                        mined.add(table + " " + actual);
                        if (ch instanceof RowChange.Truncate) {
                            truncates.add(table + " " + actual);
                        } else if (root != null) {
                            withRoot++;
                        } else {
                            without++;
                        }
                    }
                }
            }
            assertEquals(List.of(), wrong);
            assertEquals(List.of("public.m_as_2024 public.m", "public.plain null"), truncates,
                "a partition's TRUNCATE names its root as of then (renamed since), a plain table's none");
            List<String> expectedEvents = new ArrayList<>();
            for (Object[] e : SCHEMA_CHANGES) {
                expectedEvents.add((String) e[1]);
            }
            assertEquals(expectedEvents, events, "the schema changes, in LSN order, parents named as they were");
            if (walkedBack != null) {
                assertEquals(expectedEvents, walkedBack, "the walk back compares the catalog the other way round");
            }
            assertTrue(withRoot >= 14 && without >= 6, "partitions' rows and others' both mined: " + withRoot
                + " with a root, " + without + " without: " + mined);

            // the same in JSON lines: the field after "table", absent for the rest
            StringWriter json = new StringWriter();
            try (Miner miner = Miner.builder(DirectorySegmentSource.open(server.walDir()), start)
                     .fromLsn(before.captureLsn()).toLsn(to).spillDir(tmp).build()) {
                miner.stream(new JsonLinesWriter(json, SqlRenderer.forCatalog(start, false)));
            }
            int lines = 0;
            for (String l : json.toString().split("\n")) {
                Matcher m = CHANGE.matcher(l);
                if (!m.find()) {
                    continue;
                }
                lines++;
                String table = m.group(1) + "." + m.group(2);
                String actual = m.group(3) == null ? null : m.group(3) + "." + m.group(4);
                assertEquals(expectedRoot(points, Lsn.parse(m.group(5)).value(), table), actual, l);
            }
            assertEquals(withRoot + without + truncates.size(), lines, "every row change and TRUNCATE in JSON");
            List<String> jsonEvents = new ArrayList<>();
            for (String l : json.toString().split("\n")) {
                Matcher m = DDL.matcher(l);
                if (m.find()) {
                    jsonEvents.add(m.group(1) + "." + m.group(2) + " " + m.group(3) + ": " + m.group(4));
                }
            }
            assertEquals(expectedEvents, jsonEvents, "the schema changes as JSON objects of their own");
        }
    }

    private static final Pattern CHANGE = Pattern.compile("^\\{\"op\":\"(?:insert|update|delete|truncate)\","
        + "\"schema\":\"([^\"]+)\",\"table\":\"([^\"]+)\","
        + "(?:\"partition_root\":\\{\"schema\":\"([^\"]+)\",\"table\":\"([^\"]+)\"\\},)?"
        + "(?:\"tables\":\\[[^\\]]*\\],)?"
        + "\"xid\":\\d+,\"lsn\":\"([0-9A-F]+/[0-9A-F]+)\"");

    private static final Pattern DDL = Pattern.compile("^\\{\"op\":\"ddl\",\"schema\":\"([^\"]+)\","
        + "\"table\":\"([^\"]+)\",\"kind\":\"([a-z_]+)\",\"detail\":\"([^\"]*)\"");

    /** The step of the workload whose commit made a schema change, by its text; -1 for none. */
    private static int stepOf(SchemaChange e) {
        String text = e.schema() + "." + e.table() + " " + e.kind().jsonName() + ": " + e.detail();
        for (Object[] x : SCHEMA_CHANGES) {
            if (x[1].equals(text)) {
                return (Integer) x[0];
            }
        }
        return -1;
    }

    /**
     * The root the server named for the table after the first statement that ended past the
     * change's LSN (the statement that wrote it); null when the table was no partition then.
     */
    static String expectedRoot(List<Point> points, long lsn, String table) {
        for (Point p : points) {
            if (Long.compareUnsigned(p.lsn(), lsn) > 0) {
                return p.roots().get(table);
            }
        }
        throw new AssertionError("a change at " + Lsn.format(lsn) + " after the workload");
    }

    private static long lsn(Statement s) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
            rs.next();
            return Lsn.parse(rs.getString(1)).value();
        }
    }

    private static Map<String, String> roots(Statement s) throws Exception {
        Map<String, String> roots = new HashMap<>();
        try (ResultSet rs = s.executeQuery(ROOTS)) {
            while (rs.next()) {
                roots.put(rs.getString(1), rs.getString(2));
            }
        }
        return roots;
    }
}
