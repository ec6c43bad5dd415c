package org.xlogminer.mine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xlogminer.catalog.CatalogCapture;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.event.Row;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.TableName;
import org.xlogminer.event.Transaction;
import org.xlogminer.event.Value;
import org.xlogminer.render.JsonLinesWriter;
import org.xlogminer.render.SqlRenderer;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.reader.DirectorySegmentSource;

/**
 * Mining across schema changes, with a catalog snapshot taken before them, against PostgreSQL's own
 * logical decoding: a {@code test_decoding} slot made before the workload lists every change; the
 * miner must list the same changes (table as of the change, operation, the values the slot shows),
 * and nothing else: no row copied by a table rewrite. A partition's changes are shown on the
 * partition, as the slot shows them, and JSON names their root only while they are one.
 */
class TimelineMiningIT {

    @TempDir
    Path tmp;

    static final String[] WORKLOAD = {
        "BEGIN; CREATE TABLE t2 (id int PRIMARY KEY, w text); INSERT INTO t2 VALUES (1, 'x'); COMMIT",
        "ALTER TABLE t1 ADD COLUMN n int DEFAULT 5",
        "INSERT INTO t1 VALUES (3, 'c', 7)",
        "UPDATE t1 SET v = 'aa' WHERE id = 1",
        "ALTER TABLE t1 RENAME COLUMN v TO label",
        "INSERT INTO t1 VALUES (4, 'd', 8)",
        "ALTER TABLE t1 ALTER COLUMN n TYPE bigint",
        "INSERT INTO t1 VALUES (5, 'e', 9)",
        "DELETE FROM t1 WHERE id = 2",
        "BEGIN; TRUNCATE t2; INSERT INTO t2 VALUES (2, 'y'); COMMIT",
        "VACUUM FULL t1",
        "UPDATE t1 SET n = 10 WHERE id = 3",
        "ALTER TABLE t2 RENAME TO t3",
        "INSERT INTO t3 VALUES (3, 'z')",
        "ALTER TABLE t1 DROP COLUMN label",
        "INSERT INTO t1 VALUES (6, 11)",
        "CREATE SCHEMA s2",
        "BEGIN; CREATE TYPE s2.mood AS ENUM ('a', 'b'); CREATE TABLE s2.moods (id int PRIMARY KEY, m s2.mood); "
            + "INSERT INTO s2.moods VALUES (1, 'a'); COMMIT",
        "ALTER TYPE s2.mood ADD VALUE 'c'",
        "INSERT INTO s2.moods VALUES (2, 'c')",
        "UPDATE s2.moods SET m = 'b' WHERE id = 1",
        "DROP TABLE t3",
        // partitions: shown on the partition; JSON names the root while each is one
        "CREATE TABLE pm (id int PRIMARY KEY, v text) PARTITION BY RANGE (id)",
        "CREATE TABLE pm_1 PARTITION OF pm FOR VALUES FROM (0) TO (10)",
        "INSERT INTO pm VALUES (1, 'p')",
        "CREATE TABLE pm_2 (id int PRIMARY KEY, v text)",
        "INSERT INTO pm_2 VALUES (11, 'q')",
        "ALTER TABLE pm ATTACH PARTITION pm_2 FOR VALUES FROM (10) TO (20)",
        "UPDATE pm SET v = 'qq' WHERE id = 11",
        "ALTER TABLE pm DETACH PARTITION pm_1",
        "UPDATE pm_1 SET v = 'pp' WHERE id = 1",
    };

    /**
     * With the snapshot taken before the workload (moved forward as the WAL is read), and taken
     * after it (walked back to the start first by {@link CatalogPrePass}).
     */
    @ParameterizedTest(name = "PostgreSQL {0}, snapshot {1} the workload")
    @CsvSource({"15, before", "15, after", "13, before", "13, after", "14, before", "14, after", "16, before",
        "16, after", "17, before", "17, after", "18, before", "18, after"})
    void everyChangeLogicalDecodingListsAndNothingElse(int major, String when) throws Exception {
        try (PgServer server = PgServer.builder(major).walLevel("logical").autovacuum(false).start();
             Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t1 (id int PRIMARY KEY, v text)");
            s.execute("INSERT INTO t1 VALUES (1, 'a'), (2, 'b')");
            s.execute("SELECT pg_create_logical_replication_slot('oracle', 'test_decoding')");
            CatalogSnapshot before;
            try (Connection ro = server.connect()) {
                before = CatalogCapture.capture(ro);
            }
            for (String sql : WORKLOAD) {
                s.execute(sql);
            }
            List<String> expected = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT data FROM pg_logical_slot_get_changes('oracle', NULL, NULL)")) {
                while (rs.next()) {
                    String line = rs.getString(1);
                    if (line.startsWith("table ")) {
                        expected.add(line);
                    }
                }
            }
            long to = server.flushWal();
            CatalogSnapshot start = before;
            if (when.equals("after")) {
                CatalogSnapshot after;
                try (Connection ro = server.connect()) {
                    after = CatalogCapture.capture(ro);
                }
                to = server.flushWal();
                CatalogPrePass.Start walked = CatalogPrePass.startCatalog(DirectorySegmentSource.open(server.walDir()),
                    List.of(after), before.captureLsn());
                assertEquals(List.of(), walked.warnings());
                start = walked.catalog();
                assertTrue(start.table("public.t2") == null && start.table("public.t1").columns().size() == 2,
                    "walked back to before the workload: " + start.table("public.t1"));
            }
            List<String> mined = new ArrayList<>();
            List<String> iterated = new ArrayList<>(); // the schema changes as the Transaction API has them
            try (Miner miner = Miner.builder(DirectorySegmentSource.open(server.walDir()), start)
                     .fromLsn(before.captureLsn()).toLsn(to).spillDir(tmp).build()) {
                for (Transaction tx : miner) {
                    for (RowChange ch : tx.changes()) {
                        mined.add(line(ch));
                    }
                    tx.schemaChanges().forEach(e -> iterated.add(e.schema() + "." + e.table() + " " + e.kind().jsonName()));
                }
            }
            assertTrue(expected.size() >= 14, "the slot lists the workload: " + expected);
            List<String> oracle = new ArrayList<>();
            for (String e : expected) {
                oracle.add(normalise(e));
            }
            assertEquals(String.join("\n", oracle), String.join("\n", restrict(mined, expected)));

            // the same, streamed as JSON lines: the schema changes are objects of their own
            StringWriter json = new StringWriter();
            try (Miner miner = Miner.builder(DirectorySegmentSource.open(server.walDir()), start)
                     .fromLsn(before.captureLsn()).toLsn(to).spillDir(tmp).build()) {
                miner.stream(new JsonLinesWriter(json, SqlRenderer.forCatalog(start, false)));
            }
            List<String> ddl = new ArrayList<>();
            List<String> partitions = new ArrayList<>();
            int truncates = 0;
            for (String l : json.toString().split("\n")) {
                Matcher p = PARTITION_ROW.matcher(l);
                if (p.find()) {
                    partitions.add(p.group(1) + " " + p.group(2) + (p.group(3) == null ? "" : " root " + p.group(3) + "." + p.group(4)));
                }
                truncates += l.contains("\"op\":\"truncate\"") ? 1 : 0;
                assertTrue(!l.contains("pg_temp_") && !l.contains("\"pg_catalog\""), "no copy, no catalog row: " + l);
                Matcher m = DDL.matcher(l);
                if (m.find()) {
                    ddl.add(m.group(1) + "." + m.group(2) + " " + m.group(3));
                }
            }
            assertEquals(List.of("public.t2 table_created", "public.t1 column_added", "public.t1 column_renamed",
                "public.t1 column_type_changed", "public.t1 table_rewritten",
                "public.t1 table_rewritten", "public.t3 table_renamed", "public.t1 column_dropped",
                "s2.moods table_created", "public.t3 table_dropped", "public.pm table_created",
                "public.pm_1 table_created", "public.pm_2 table_created", "public.pm_2 partition_attached",
                "public.pm_1 partition_detached"), ddl);
            assertEquals(List.of("insert pm_1 root public.pm", "insert pm_2", "update pm_2 root public.pm",
                "update pm_1"), partitions, "the root while a partition, none before the attach or after the detach");
            assertEquals(ddl, iterated, "the iterator's transactions carry the same schema changes");
            assertEquals(1, truncates, "the TRUNCATE shown once, as a truncate change, not also as a schema change");
        }
    }

    private static final Pattern DDL = Pattern.compile(
        "\\{\"op\":\"ddl\",\"schema\":\"([^\"]+)\",\"table\":\"([^\"]+)\",\"kind\":\"([a-z_]+)\"");

    private static final Pattern PARTITION_ROW = Pattern.compile("^\\{\"op\":\"(insert|update|delete)\","
        + "\"schema\":\"public\",\"table\":\"(pm_[12])\","
        + "(?:\"partition_root\":\\{\"schema\":\"([^\"]+)\",\"table\":\"([^\"]+)\"\\})?");

    private static final Pattern HEAD = Pattern.compile("table ([^:]+): (INSERT|UPDATE|DELETE|TRUNCATE): ?(.*)");
    private static final Pattern COLUMN = Pattern.compile("(\\S+?)\\[[^\\]]+\\]:('(?:[^']|'')*'|\\S+)");

    /** A test_decoding line as "schema.table OP col=text ...": quotes taken off, booleans as t/f. */
    static String normalise(String line) {
        Matcher m = HEAD.matcher(line);
        assertTrue(m.matches(), line);
        StringBuilder sb = new StringBuilder(m.group(1)).append(' ').append(m.group(2));
        if (m.group(2).equals("TRUNCATE")) {
            return sb.toString();
        }
        Matcher col = COLUMN.matcher(m.group(3));
        while (col.find()) {
            String v = col.group(2);
            if (v.startsWith("'")) {
                v = v.substring(1, v.length() - 1).replace("''", "'");
            } else if (v.equals("true") || v.equals("false")) {
                v = v.substring(0, 1);
            }
            sb.append(' ').append(col.group(1)).append('=').append(v);
        }
        return sb.toString();
    }

    /** A mined change in the same words, all columns of the row test_decoding shows. */
    static String line(RowChange ch) {
        String table = ch.source().schema() + "." + ch.source().table();
        if (ch instanceof RowChange.Truncate t) {
            StringBuilder sb = new StringBuilder();
            for (TableName n : t.tables()) {
                sb.append(sb.length() == 0 ? "" : "\n").append(n.schema()).append('.').append(n.name()).append(" TRUNCATE");
            }
            return sb.toString();
        }
        Row row = ch instanceof RowChange.Insert i ? i.after() : ch instanceof RowChange.Update u ? u.after()
            : ((RowChange.Delete) ch).before();
        StringBuilder sb = new StringBuilder(table).append(' ').append(ch.op().toUpperCase());
        for (int i = 0; i < row.size(); i++) {
            Value v = row.value(i);
            sb.append(' ').append(row.name(i)).append('=')
                .append(v instanceof Value.Known k ? k.text() : v instanceof Value.Null ? "null" : "?");
        }
        return sb.toString();
    }

    /** The mined lines, a DELETE's cut to the columns its oracle line shows (the key). */
    static List<String> restrict(List<String> mined, List<String> expected) {
        List<String> out = new ArrayList<>();
        for (String m : mined) {
            out.addAll(List.of(m.split("\n")));
        }
        for (int i = 0; i < out.size() && i < expected.size(); i++) {
            String e = normalise(expected.get(i));
            if (e.contains(" DELETE") && out.get(i).contains(" DELETE")) {
                StringBuilder sb = new StringBuilder(e.substring(0, e.indexOf(" DELETE") + 7));
                for (String part : e.substring(e.indexOf(" DELETE") + 7).trim().split(" ")) {
                    String col = part.substring(0, part.indexOf('=') + 1);
                    for (String have : out.get(i).split(" ")) {
                        if (have.startsWith(col)) {
                            sb.append(' ').append(have);
                        }
                    }
                }
                out.set(i, sb.toString());
            }
        }
        return out;
    }
}
