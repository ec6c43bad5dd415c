package org.xlogminer.mine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.catalog.CatalogCapture;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.Transaction;
import org.xlogminer.render.JsonLinesWriter;
import org.xlogminer.render.SqlRenderer;
import org.xlogminer.render.SqlScriptWriter;
import org.xlogminer.render.UndoGuard;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.reader.DirectorySegmentSource;

/**
 * Several snapshots, and a snapshot whose WAL is not all there. A later snapshot takes over from its
 * capture LSN in mining itself, so a table the WAL read never saw created is known from there. When
 * the WAL between the range and the snapshot's capture is missing, the schema changes in the gap
 * are unknown: the walk back says so, and the rows of every table whose catalog rows were written by
 * a transaction not known to have ended before the gap are marked (JSON {@code history_unknown}, a
 * comment in SQL), for they may be named under a catalog they were not written with, as here;
 * the other tables' rows are not.
 */
class SnapshotsAndGapsIT {

    @TempDir
    Path tmp;

    @Test
    void aLaterSnapshotTakesOverFromItsCapture() throws Exception {
        try (PgServer server = PgServer.builder(15).walLevel("replica").autovacuum(false).start();
             Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE base (id int PRIMARY KEY)");
            CatalogSnapshot early = capture(server);
            s.execute("CREATE TABLE later (id int PRIMARY KEY, v text)"); // before the checkpoint reading starts at
            s.execute("CHECKPOINT");
            long from = server.currentWalInsertLsn();
            s.execute("INSERT INTO later VALUES (1, 'before the second snapshot')");
            CatalogSnapshot second = capture(server);
            s.execute("INSERT INTO later VALUES (2, 'after it')");
            long to = server.flushWal();
            CatalogPrePass.Start start = CatalogPrePass.startCatalog(DirectorySegmentSource.open(server.walDir()),
                List.of(second, early), from);
            assertEquals(early.captureLsn(), start.catalog().captureLsn(), "mining starts from the early one");
            assertEquals(List.of(second), start.later());
            assertEquals(List.of("public.later INSERT id=2"), mine(server, start.catalog(), start.later(), from, to));
            assertEquals(List.of(), mine(server, start.catalog(), List.of(), from, to),
                "without the second snapshot, the table is not known");
        }
    }

    @Test
    void missingWalUpToTheSnapshotMarksTheRowsOfTheTablesChangedInIt() throws Exception {
        try (PgServer server = PgServer.builder(15).walLevel("replica").autovacuum(false).start();
             Connection c = server.connect(); Statement s = c.createStatement();
             Connection open = server.connect(); Statement os = open.createStatement()) {
            s.execute("CREATE TABLE m (id int PRIMARY KEY, v text)");
            s.execute("CREATE TABLE k (id int PRIMARY KEY, v text)");
            s.execute("CREATE TABLE l (id int PRIMARY KEY)");
            s.execute("CHECKPOINT");
            long from = server.currentWalInsertLsn();
            s.execute("INSERT INTO m VALUES (1, 'a')");
            s.execute("INSERT INTO k VALUES (1, 'b')");
            s.execute("UPDATE k SET v = 'c' WHERE id = 1");
            open.setAutoCommit(false);
            os.execute("INSERT INTO l VALUES (1)"); // a transaction begun before the gap, its xid in the WAL read
            long switched = server.switchWal();
            // in the next segments, which will be missing
            s.execute("ALTER TABLE m RENAME COLUMN v TO w");
            s.execute("ALTER TABLE m ADD COLUMN added int");
            os.execute("ALTER TABLE l ADD COLUMN z int"); // by an xid older than the next one at the gap
            open.commit();
            s.execute("INSERT INTO k VALUES (2, 'after the gap')");
            s.execute("SELECT pg_switch_wal()");
            s.execute("INSERT INTO k VALUES (3, 'more')");
            CatalogSnapshot after = capture(server);
            assertTrue(after.tables().stream().allMatch(t -> t.catalogXmin() != 0), "every table's xmin captured");
            server.flushWal();
            Path wal = Files.createDirectories(tmp.resolve("wal"));
            String last = server.queryString("SELECT pg_walfile_name('" + org.xlogminer.wal.Lsn.format(switched - 1) + "')");
            try (Stream<Path> files = Files.list(server.walDir())) {
                for (Path f : files.toList()) {
                    String n = f.getFileName().toString();
                    if (n.length() == 24 && n.compareTo(last) <= 0) {
                        Files.copy(f, wal.resolve(n));
                    }
                }
            }
            CatalogPrePass.Start start = CatalogPrePass.startCatalog(DirectorySegmentSource.open(wal), List.of(after), from);
            assertTrue(start.warnings().stream().anyMatch(w -> w.contains("is not all there")
                && w.endsWith("marked incomplete: public.m, public.l")), start.warnings().toString());
            assertNotNull(start.unknown());
            assertEquals(Set.of("public.m", "public.l"), Set.copyOf(start.unknown().tables().keySet().stream()
                .map(Object::toString).toList()), "m altered in the gap; l by a transaction running at it; not k");
            SqlRenderer renderer = SqlRenderer.forCatalog(start.catalog(), null, start.unknown(), false, UndoGuard.NONE,
                false, false);
            StringWriter json = new StringWriter();
            StringWriter sql = new StringWriter();
            try (Miner miner = Miner.builder(DirectorySegmentSource.open(wal), start.catalog()).fromLsn(from)
                     .spillDir(tmp).build();
                 SqlScriptWriter w = new SqlScriptWriter(sql, renderer, false, tmp)) {
                miner.stream(new org.xlogminer.event.ChangeHandler() {
                    final JsonLinesWriter j = new JsonLinesWriter(json, renderer);

                    @Override
                    public void begin(org.xlogminer.event.TransactionInfo tx) {
                        w.begin(tx);
                    }

                    @Override
                    public void change(org.xlogminer.event.TransactionInfo tx, RowChange ch) {
                        j.change(tx, ch);
                        w.change(tx, ch);
                    }

                    @Override
                    public void end(org.xlogminer.event.TransactionInfo tx) {
                        w.end(tx);
                    }
                });
                w.finish();
            }
            // the row was written as (id, v); the catalog of the capture calls the column w: hence the mark
            List<String> lines = json.toString().lines().toList();
            assertEquals(3, lines.size(), json.toString());
            String mRow = lines.stream().filter(l -> l.contains("\"table\":\"m\"")).findFirst().orElseThrow();
            assertTrue(mRow.contains("\"after\":{\"id\":\"1\",\"w\":\"a\"")
                && mRow.contains("\"history_unknown\":\"the WAL from") && mRow.contains("by xid "), mRow);
            List<String> kRows = lines.stream().filter(l -> l.contains("\"table\":\"k\"")).toList();
            assertEquals(2, kRows.size(), json.toString());
            assertTrue(kRows.get(0).contains("\"after\":{\"id\":\"1\",\"v\":\"b\"}")
                && kRows.get(1).contains("\"after\":{\"id\":\"1\",\"v\":\"c\"}"), kRows.toString());
            assertTrue(kRows.stream().noneMatch(l -> l.contains("history_unknown")), "k was not changed in the gap: "
                + kRows);
            assertTrue(sql.toString().contains("-- xlogminer: INCOMPLETE: the schema history of public.m is not known"),
                sql.toString());
            assertEquals(Set.of("public.m"), start.unknown().marked());
        }
    }

    private static CatalogSnapshot capture(PgServer server) throws Exception {
        try (Connection ro = server.connect()) {
            return CatalogCapture.capture(ro);
        }
    }

    private List<String> mine(PgServer server, CatalogSnapshot start, List<CatalogSnapshot> later, long from, long to)
        throws Exception {
        List<String> out = new ArrayList<>();
        try (Miner miner = Miner.builder(DirectorySegmentSource.open(server.walDir()), start).laterCatalogs(later)
                 .fromLsn(from).toLsn(to).spillDir(tmp).build()) {
            for (Transaction tx : miner) {
                for (RowChange ch : tx.changes()) {
                    String line = TimelineMiningIT.line(ch);
                    out.add(line.substring(0, line.indexOf(" v=")));
                }
            }
        }
        return out;
    }
}
