package org.xlogminer.mine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.SqlScripts;
import org.xlogminer.catalog.CatalogCapture;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.event.Transaction;
import org.xlogminer.render.SqlRenderer;
import org.xlogminer.render.SqlScriptWriter;
import org.xlogminer.render.UndoGuard;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.reader.DirectorySegmentSource;

/**
 * The forensic case of TOAST at wal_level=replica: rows with TOASTed values written before the
 * range, deleted (or given new values) in it, a few per transaction. Each old value's chunks are
 * found on the TOAST table's pages (their images come with the chunks' deletion): UNDO gives back
 * every value, and the images are read a bounded number of times, not once per value and page
 * (reading every tracked page of the TOAST table for each value made such ranges take minutes).
 */
class ToastChunksFromPagesIT {

    private static final List<String> TABLES = List.of("docs");
    private static final int ROWS = 300;
    private static final int TRANSACTIONS = 50;

    @TempDir
    Path tmp;

    @Test
    void oldValuesComeFromThePagesReadOnce() throws Exception {
        try (PgServer server = PgServer.builder(15).walLevel("replica").start();
             Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE docs (id int PRIMARY KEY, body text)");
            s.execute("ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL"); // chunks of ~2 kB, not compressed
            s.execute("INSERT INTO docs SELECT g, (SELECT string_agg(md5(g::text || i::text), ' ') FROM "
                + "generate_series(1, 250) i) FROM generate_series(1, " + ROWS + ") g");
            long chunks = server.queryLong("SELECT count(*) FROM pg_toast.pg_toast_" + server.queryLong(
                "SELECT 'docs'::regclass::oid"));
            assertTrue(chunks >= ROWS * 4, "values of several chunks: " + chunks);
            s.execute("CHECKPOINT");
            CatalogSnapshot catalog;
            try (Connection ro = server.connect()) {
                catalog = CatalogCapture.capture(ro);
            }
            Map<String, List<String>> before = SqlScripts.contents(c, TABLES);
            long from = server.currentWalInsertLsn();
            for (int t = 0; t < TRANSACTIONS; t++) {
                c.setAutoCommit(false);
                s.execute("DELETE FROM docs WHERE id % " + TRANSACTIONS + " = " + t + " AND id <= " + ROWS / 2);
                s.execute("UPDATE docs SET body = 'short ' || id WHERE id = " + (ROWS / 2 + 1 + t)); // the old value replaced
                c.commit();
                c.setAutoCommit(true);
            }
            Map<String, List<String>> after = SqlScripts.contents(c, TABLES);
            long to = server.flushWal();

            long[] imageReads = new long[1];
            String undo = script(server, catalog, from, to, true, imageReads);
            String redo = script(server, catalog, from, to, false, new long[1]);
            assertTrue(!undo.contains("xlogminer_unrecoverable"), "every old value recovered:\n"
                + undo.substring(0, Math.min(undo.length(), 2000)));
            // 200 values of 4-5 chunks on some 250 pages: each image once, each chunk once or twice; looking
            // at every tracked page for every value read them some 23,000 times
            assertTrue(imageReads[0] < 4 * chunks, "image reads: " + imageReads[0] + " for " + chunks + " chunks");

            SqlScripts.apply(c, undo, "UNDO");
            assertEquals(null, SqlScripts.difference(before, SqlScripts.contents(c, TABLES)), "UNDO gives back the earlier rows");
            SqlScripts.apply(c, redo, "REDO");
            assertEquals(null, SqlScripts.difference(after, SqlScripts.contents(c, TABLES)), "REDO gives the later rows");
        }
    }

    private String script(PgServer server, CatalogSnapshot catalog, long from, long to, boolean undo, long[] imageReads)
        throws Exception {
        SqlRenderer renderer = undo ? SqlRenderer.forCatalog(catalog, false, UndoGuard.CHANGED, false)
            : SqlRenderer.forCatalog(catalog, false);
        StringWriter sw = new StringWriter();
        try (Miner miner = Miner.builder(DirectorySegmentSource.open(server.walDir()), catalog).fromLsn(from).toLsn(to)
                 .spillDir(tmp).build();
             SqlScriptWriter w = new SqlScriptWriter(sw, renderer, undo, tmp)) {
            int n = 0;
            for (Transaction tx : miner) {
                w.write(tx, tx.changes());
                n++;
            }
            w.finish();
            assertEquals(TRANSACTIONS, n, "transactions mined: " + miner.summary());
            imageReads[0] = miner.summary().imageReads();
        }
        return sw.toString();
    }
}
