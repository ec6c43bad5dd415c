package org.xlogminer.mine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xlogminer.SqlScripts;
import org.xlogminer.catalog.CatalogCapture;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.event.AsyncChangeHandler;
import org.xlogminer.render.SqlRenderer;
import org.xlogminer.render.SqlScriptWriter;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.reader.DirectorySegmentSource;

/**
 * The round trip at wal_level=replica (old rows from the tracked pages) across schema changes: a
 * column added, a rewriting ALTER TYPE (whose copied rows must not show), a table created and
 * filled in the range. UNDO applied to the later contents gives back the earlier ones, REDO applied
 * to those the later ones (compared on the columns the earlier contents had).
 */
class TimelineRoundTripIT {

    @TempDir
    Path tmp;

    static final List<String> TABLES = List.of("(SELECT id, v FROM r1)", "r2");

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {15, 17})
    void undoAndRedoAcrossSchemaChanges(int major) throws Exception {
        try (PgServer server = PgServer.builder(major).walLevel("replica").autovacuum(false).start();
             Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE r1 (id int PRIMARY KEY, v text)");
            s.execute("INSERT INTO r1 SELECT g, 'v' || g FROM generate_series(1, 10) g");
            s.execute("CREATE TABLE r2 (id int PRIMARY KEY, w text)"); // empty before: so after UNDO too
            s.execute("CHECKPOINT");
            CatalogSnapshot catalog;
            try (Connection ro = server.connect()) {
                catalog = CatalogCapture.capture(ro);
            }
            Map<String, List<String>> before = SqlScripts.contents(c, TABLES);
            s.execute("UPDATE r1 SET v = v || '!' WHERE id <= 3");
            s.execute("ALTER TABLE r1 ADD COLUMN n int DEFAULT 0");
            s.execute("UPDATE r1 SET n = id WHERE id > 5");
            s.execute("DELETE FROM r1 WHERE id = 4");
            s.execute("ALTER TABLE r1 ALTER COLUMN n TYPE bigint");
            s.execute("INSERT INTO r1 VALUES (11, 'new', 11)");
            s.execute("UPDATE r1 SET v = 'after rewrite' WHERE id = 1");
            s.execute("BEGIN; CREATE TABLE r3 (id int); INSERT INTO r3 VALUES (1); COMMIT");
            s.execute("INSERT INTO r2 VALUES (1, 'x'), (2, 'y')");
            s.execute("UPDATE r2 SET w = 'z' WHERE id = 2");
            Map<String, List<String>> after = SqlScripts.contents(c, TABLES);
            long to = server.flushWal();
            String undo = script(server, catalog, to, true);
            String redo = script(server, catalog, to, false);
            assertTrue(!undo.contains("pg_temp") && !redo.contains("pg_temp"), "no rewrite copies:\n" + redo);
            assertTrue(redo.contains("column n integer added") && redo.contains("table rewritten"), redo);
            SqlScripts.apply(c, undo, "UNDO");
            String undone = SqlScripts.difference(before, SqlScripts.contents(c, TABLES));
            assertTrue(undone == null, "UNDO gives back the earlier contents: " + undone + "\n" + undo);
            SqlScripts.apply(c, redo, "REDO");
            String redone = SqlScripts.difference(after, SqlScripts.contents(c, TABLES));
            assertTrue(redone == null, "REDO gives the later contents: " + redone + "\n" + redo);

            // no heap TRUNCATE record at this level: the TRUNCATE is told by the catalog's new storage
            s.execute("TRUNCATE r2");
            long truncated = server.flushWal();
            String redoTruncate = script(server, catalog, to, truncated, false);
            assertTrue(redoTruncate.contains("TRUNCATE public.r2") && !redoTruncate.contains("table truncated"),
                redoTruncate);
            String undoTruncate = script(server, catalog, to, truncated, true);
            assertTrue(undoTruncate.contains("a TRUNCATE cannot be undone"), undoTruncate);
        }
    }

    private String script(PgServer server, CatalogSnapshot catalog, long to, boolean undo) throws Exception {
        return script(server, catalog, catalog.captureLsn(), to, undo);
    }

    private String script(PgServer server, CatalogSnapshot catalog, long from, long to, boolean undo) throws Exception {
        StringWriter sw = new StringWriter();
        try (Miner miner = Miner.builder(DirectorySegmentSource.open(server.walDir()), catalog)
                 .fromLsn(from).toLsn(to).spillDir(tmp).build();
             SqlScriptWriter w = new SqlScriptWriter(sw, SqlRenderer.forCatalog(catalog, false), undo, tmp);
             AsyncChangeHandler async = new AsyncChangeHandler(w)) {
            miner.stream(async);
            async.finish();
            w.finish();
        }
        return sw.toString();
    }
}
