package org.xlogminer.mine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGConnection;
import org.xlogminer.SqlScripts;
import org.xlogminer.catalog.CatalogCapture;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.event.AsyncChangeHandler;
import org.xlogminer.event.Transaction;
import org.xlogminer.render.SqlRenderer;
import org.xlogminer.render.SqlScriptWriter;
import org.xlogminer.render.UndoGuard;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.reader.DirectorySegmentSource;

/**
 * The proof of the product, on every major at wal_level=logical with REPLICA IDENTITY FULL: keep the
 * tables' contents, run a mixed workload, mine it from the LSN before it; the UNDO SQL (guarded, as
 * the command line's default: every value of every type compared by the guards) applied to the
 * server gives back exactly the earlier contents, and the REDO SQL applied to those gives
 * exactly the later contents (both compared as multisets of rows).
 */
class RoundTripIT {

    static final List<String> TABLES = List.of("accounts", "ledger", "events", "docs", "pairs");

    @TempDir
    Path tmp;

    static void schema(Statement s, int major, boolean identityFull) throws Exception {
        s.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'it''s \"complicated\"')");
        s.execute("CREATE DOMAIN positive_money AS numeric(12,2) CHECK (VALUE >= 0)");
        // primary key, many types
        s.execute("CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance positive_money, "
            + "rate double precision, small real, big bigint, flag boolean, opened date, seen timestamptz, "
            + "at_local timestamp, t time, span interval, uid uuid, raw bytea, tags text[], grid int[], "
            + "doc jsonb, meta json, m mood, fixed char(6), v varchar(40), ip inet, net cidr, mac macaddr)");
        // composite key
        s.execute("CREATE TABLE ledger (acct int, seq int, amount numeric, memo text, PRIMARY KEY (acct, seq))");
        // no key at all, duplicates allowed
        s.execute("CREATE TABLE events (kind text, payload text, n int)");
        // TOASTed values
        s.execute("CREATE TABLE docs (id int PRIMARY KEY, title text, body text, blob bytea)");
        // a column added with a default after rows existed, and a dropped column
        s.execute("CREATE TABLE pairs (id int PRIMARY KEY, a text, gone text, b int)");
        for (String t : TABLES) {
            if (identityFull) {
                s.execute("ALTER TABLE " + t + " REPLICA IDENTITY FULL");
            }
        }
        if (major == 15) {
            // Debian's 15 is built with lz4 (the other majors' binaries are not): TOAST values in lz4
            s.execute("ALTER TABLE docs ALTER COLUMN body SET COMPRESSION lz4");
            s.execute("ALTER TABLE docs ALTER COLUMN blob SET COMPRESSION lz4");
        }
    }

    static void initialRows(Statement s) throws Exception {
        s.execute("INSERT INTO accounts SELECT g, 'owner ' || g || E' \\\\ ''q''', (g * 12.5)::numeric(12,2), g / 3.0, "
            + "g * 1.5, g * 10000000000, g % 2 = 0, date '2020-01-01' + g, timestamptz '2024-03-01 12:00+00' + g * interval '1 hour', "
            + "timestamp '1999-12-31 23:59:59.999999' + g * interval '1 day', time '10:11:12.5', make_interval(months => g, days => 2, secs => 3.25), "
            + "md5(g::text)::uuid, decode(md5(g::text), 'hex'), ARRAY['a' || g, NULL, 'x,y \"z\"'], ARRAY[[g, g+1],[g+2, g+3]], "
            + "jsonb_build_object('k', g, 'nested', jsonb_build_array(1, 'two', NULL, true), 'ü', 'ñ'), "
            + "json_build_object('k', g, 'spaced', '  '), (ARRAY['sad','ok','happy']::mood[])[1 + g % 3], 'ab', 'v' || g, "
            + "('192.168.0.' || g)::inet, ('10.' || g || '.0.0/16')::cidr, ('08:00:2b:01:02:' || lpad(to_hex(g), 2, '0'))::macaddr "
            + "FROM generate_series(1, 40) g");
        s.execute("INSERT INTO accounts (id, owner) VALUES (0, 'nulls everywhere')");
        s.execute("INSERT INTO ledger SELECT g % 5, g, g * 1.01, CASE WHEN g % 4 = 0 THEN NULL ELSE 'memo ' || g END FROM generate_series(1, 30) g");
        s.execute("INSERT INTO events SELECT 'click', 'same', 1 FROM generate_series(1, 5)");
        s.execute("INSERT INTO events SELECT 'view', 'p' || g, g FROM generate_series(1, 10) g");
        s.execute("INSERT INTO docs SELECT g, 'doc ' || g, repeat('lorem ipsum ' || g, 500), "
            + "(SELECT string_agg(md5((i * g)::text) || md5((i * g)::text), '') FROM generate_series(1, 400) i)::bytea "
            + "FROM generate_series(1, 6) g");  // ~25 kB that halves when compressed: stored external and compressed
        s.execute("INSERT INTO pairs SELECT g, 'a' || g, 'to be dropped', g FROM generate_series(1, 10) g");
        s.execute("ALTER TABLE pairs ADD COLUMN added text DEFAULT 'default, with ''quotes'''");
        s.execute("ALTER TABLE pairs DROP COLUMN gone");
    }

    static void workload(Connection c, Statement s) throws Exception {
        s.execute("UPDATE accounts SET balance = 0");                                   // the accident: no WHERE
        s.execute("CHECKPOINT");                                                         // a checkpoint mid-workload
        s.execute("UPDATE accounts SET id = id + 1000 WHERE id = 7");                   // key change
        s.execute("UPDATE accounts SET tags = NULL, doc = '{}' WHERE id BETWEEN 10 AND 12");
        s.execute("DELETE FROM accounts WHERE id IN (3, 4, 0)");
        s.execute("UPDATE ledger SET amount = amount * 2 WHERE acct = 1");
        s.execute("DELETE FROM ledger WHERE seq > 25");
        s.execute("UPDATE events SET n = n + 100 WHERE kind = 'click' AND ctid = (SELECT min(ctid) FROM events WHERE kind = 'click')");
        s.execute("DELETE FROM events WHERE ctid = (SELECT max(ctid) FROM events WHERE kind = 'click')");
        s.execute("UPDATE docs SET title = title || ' (edited)' WHERE id = 1");         // TOASTed body untouched
        s.execute("UPDATE docs SET body = repeat('new body ', 900) WHERE id = 2");       // new TOASTed value
        s.execute("DELETE FROM docs WHERE id = 3");
        s.execute("INSERT INTO docs VALUES (7, 'fresh', repeat(md5('x'), 300), NULL)");
        s.execute("UPDATE pairs SET b = b + 1 WHERE id <= 3");                           // rows without 'added' on disk
        s.execute("UPDATE pairs SET added = NULL WHERE id = 4");
        StringBuilder copy = new StringBuilder();
        for (int i = 100; i < 120; i++) {
            copy.append(i % 5).append('\t').append(i).append('\t').append(i).append(".5\tcopied\n");
        }
        c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY ledger FROM STDIN", new StringReader(copy.toString()));
        c.setAutoCommit(false);
        s.execute("INSERT INTO events VALUES ('sp', 'kept', 1)");
        s.execute("SAVEPOINT a");
        s.execute("INSERT INTO events VALUES ('sp', 'rolled back', 2)");
        s.execute("UPDATE accounts SET owner = 'rolled back' WHERE id = 1");
        s.execute("ROLLBACK TO SAVEPOINT a");
        s.execute("SAVEPOINT b");
        s.execute("INSERT INTO events VALUES ('sp', 'released', 3)");
        s.execute("RELEASE SAVEPOINT b");
        c.commit();
        s.execute("DELETE FROM accounts");
        c.rollback();                                                                    // an aborted transaction
        s.execute("UPDATE ledger SET memo = 'prepared' WHERE seq = 5");
        s.execute("INSERT INTO events VALUES ('2pc', 'committed prepared', 1)");
        s.execute("PREPARE TRANSACTION 'xlogminer-it-commit'");
        s.execute("DELETE FROM ledger WHERE seq = 6");
        s.execute("PREPARE TRANSACTION 'xlogminer-it-abort'");
        c.setAutoCommit(true);
        s.execute("ROLLBACK PREPARED 'xlogminer-it-abort'");                            // resolved as aborted
        s.execute("COMMIT PREPARED 'xlogminer-it-commit'");                             // resolved as committed
    }

    static String script(PgServer server, CatalogSnapshot catalog, long from, long to, boolean undo, Path tmpDir) throws Exception {
        return script(server, catalog, from, to, undo, tmpDir, 0);
    }

    /** The mined script; a page budget above 0 makes the tracked pages spill to disk beyond it. */
    static String script(PgServer server, CatalogSnapshot catalog, long from, long to, boolean undo, Path tmpDir,
                         long pageBudget) throws Exception {
        SqlRenderer renderer = undo ? SqlRenderer.forCatalog(catalog, false, UndoGuard.CHANGED, false)
            : SqlRenderer.forCatalog(catalog, false);
        StringWriter sw = new StringWriter();
        MinerBuilder builder = Miner.builder(DirectorySegmentSource.open(server.walDir()), catalog).fromLsn(from)
            .toLsn(to).spillDir(tmpDir);
        if (pageBudget > 0) {
            builder.pageBudget(pageBudget);
        }
        try (Miner miner = builder.build();
             SqlScriptWriter w = new SqlScriptWriter(sw, renderer, undo, tmpDir)) {
            int n = 0;
            for (Transaction tx : miner) {
                assertTrue(tx.committed());
                w.write(tx, tx.changes());
                n++;
            }
            w.finish();
            assertTrue(n >= 15, "transactions mined: " + n + "\n" + miner.summary());
            if (pageBudget > 0) {
                assertTrue(miner.summary().pageSpills() > 0, "pages went to the spill file: " + miner.summary());
            }
        }
        // streamed to a handler on a thread of its own (as the CLI does), which then decodes the
        // transactions that need no TOAST chunks nor pages: the same script, the same counts
        StringWriter streamed = new StringWriter();
        try (Miner miner = builder.build();
             SqlScriptWriter w = new SqlScriptWriter(streamed, renderer, undo, tmpDir);
             AsyncChangeHandler async = new AsyncChangeHandler(w)) {
            miner.stream(async);
            async.finish();
            w.finish();
            assertTrue(miner.summary().transactions() >= 15, "transactions streamed: " + miner.summary());
        }
        assertEquals(sw.toString(), streamed.toString(), "the streamed script");
        return sw.toString();
    }

    static void parsesEveryStatement(String script) throws Exception {
        // a guarded UNDO script from its first transaction on: after its check function
        int body = script.startsWith("-- xlogminer: guarded UNDO") ? script.indexOf("\n-- xid ") + 1 : 0;
        for (String line : script.substring(body).split("\n")) {
            if (line.isBlank() || line.startsWith("--") || line.equals("BEGIN;") || line.equals("COMMIT;")) {
                continue; // comments, and the fixed transaction control JSqlParser does not know
            }
            try {
                CCJSqlParserUtil.parse(line);
            } catch (Exception e) {
                throw new AssertionError("does not parse: " + line, e);
            }
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 14, 15, 16, 17, 18})
    void undoGivesBackTheEarlierContentsAndRedoTheLater(int major) throws Exception {
        roundTrip(major, "logical", true);
    }

    /**
     * The default level and replica identity: old rows come from full-page images and the tracked
     * pages; mining starts in the middle of a checkpoint cycle.
     */
    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 14, 15, 16, 17, 18})
    void atWalLevelReplicaOldRowsComeFromThePages(int major) throws Exception {
        roundTrip(major, "replica", false);
    }

    /** wal_level=logical with the default replica identity: the key is logged, the rest comes from the pages. */
    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 14, 15, 16, 17, 18})
    void atWalLevelLogicalWithDefaultIdentityTheRestComesFromThePages(int major) throws Exception {
        roundTrip(major, "logical", false);
    }

    /** Full-page images compressed with lz4 and zstd (only Debian's 15 is built with them). */
    @ParameterizedTest(name = "wal_compression={0}")
    @ValueSource(strings = {"lz4", "zstd"})
    void atWalLevelReplicaWithCompressedImages(String compression) throws Exception {
        roundTrip(15, "replica", false, compression);
    }

    /** Tracked pages far beyond a tiny memory budget spill to disk and come back: still exact. */
    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 18})
    void atWalLevelReplicaWithPagesSpilledToDisk(int major) throws Exception {
        roundTrip(major, "replica", false, "off", 16 * 1024);
    }

    private void roundTrip(int major, String walLevel, boolean identityFull) throws Exception {
        roundTrip(major, walLevel, identityFull, "off");
    }

    private void roundTrip(int major, String walLevel, boolean identityFull, String compression) throws Exception {
        roundTrip(major, walLevel, identityFull, compression, 0);
    }

    private void roundTrip(int major, String walLevel, boolean identityFull, String compression, long pageBudget)
        throws Exception {
        try (PgServer server = PgServer.builder(major).walLevel(walLevel).walCompression(compression)
                 .setting("max_prepared_transactions", "4").start();
             Connection c = server.connect(); Statement s = c.createStatement()) {
            schema(s, major, identityFull);
            initialRows(s);
            s.execute("CHECKPOINT");
            s.execute("UPDATE accounts SET v = v || '.' WHERE id < 5");                  // the cycle goes on before the start
            CatalogSnapshot catalog;
            try (Connection ro = server.connect()) {
                catalog = CatalogCapture.capture(ro);
            }
            // the blobs are stored external and compressed: what the miner reassembles and decompresses
            if (major >= 14) { // pg_column_compression() is 14+; 13 always compresses with pglz
                assertEquals(major == 15 ? "lz4" : "pglz",
                    server.queryString("SELECT string_agg(DISTINCT pg_column_compression(blob), ',') FROM docs"));
            }
            assertTrue(server.queryLong("SELECT count(*) FROM docs WHERE pg_column_size(blob) > 2000") > 0,
                "too big to stay inline");
            Map<String, List<String>> before = SqlScripts.contents(c, TABLES);
            long from = server.currentWalInsertLsn();
            workload(c, s);
            Map<String, List<String>> after = SqlScripts.contents(c, TABLES);
            long to = server.flushWal();
            String undo = script(server, catalog, from, to, true, tmp, pageBudget);
            String redo = script(server, catalog, from, to, false, tmp, pageBudget);
            java.nio.file.Files.createDirectories(Path.of("target", "roundtrip"));
            String name = "pg" + major + "-" + walLevel + (identityFull ? "-full" : "-default") + "-" + compression;
            java.nio.file.Files.writeString(Path.of("target", "roundtrip", name + "-undo.sql"), undo);
            java.nio.file.Files.writeString(Path.of("target", "roundtrip", name + "-redo.sql"), redo);
            parsesEveryStatement(undo);
            parsesEveryStatement(redo);
            assertTrue(!undo.contains("xlogminer_unrecoverable") && !redo.contains("xlogminer_unrecoverable"),
                "every value recovered (see target/roundtrip/" + name + "-*.sql)");

            SqlScripts.apply(c, undo, "UNDO");
            String undone = SqlScripts.difference(before, SqlScripts.contents(c, TABLES));
            assertTrue(undone == null, "UNDO gives back the earlier contents: " + undone);
            SqlScripts.apply(c, redo, "REDO");
            String redone = SqlScripts.difference(after, SqlScripts.contents(c, TABLES));
            assertTrue(redone == null, "REDO gives the later contents: " + redone);
        }
    }
}
