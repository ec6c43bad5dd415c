package org.xlogminer.mine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xlogminer.catalog.CatalogCapture;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.Transaction;
import org.xlogminer.event.Value;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.reader.DirectorySegmentSource;

/**
 * Mined regclass and regtype values name the relation and the type as the catalog snapshot knows
 * them, as the server prints them (checked against the server's own text of the same values).
 */
class ObjectNamesMinedIT {

    @Test
    void regclassAndRegtypeValuesAreMinedByName() throws Exception {
        try (PgServer server = PgServer.builder(15).start()) {
            server.execute("CREATE TABLE audit_target (id int PRIMARY KEY)",
                "CREATE TABLE refs (id int PRIMARY KEY, rel regclass, typ regtype)");
            CatalogSnapshot catalog;
            try (Connection ro = server.connect()) {
                catalog = CatalogCapture.capture(ro);
            }
            server.checkpoint();
            long from = server.currentWalInsertLsn();
            server.execute("INSERT INTO refs VALUES (1, 'audit_target', 'int4'), (2, 'pg_class', 'text[]')");
            long to = server.flushWal();
            List<String> expected = new ArrayList<>();
            for (int id = 1; id <= 2; id++) {
                expected.add(server.queryString("SELECT rel::text || ' ' || typ::text FROM refs WHERE id = " + id));
            }

            List<String> mined = new ArrayList<>();
            try (Miner miner = Miner.builder(DirectorySegmentSource.open(server.walDir()), catalog)
                .fromLsn(from).toLsn(to).build()) {
                for (Transaction tx : miner) {
                    for (RowChange change : tx.changes()) {
                        RowChange.Insert ins = (RowChange.Insert) change;
                        mined.add(text(ins.after().column("rel").value()) + " " + text(ins.after().column("typ").value()));
                    }
                }
            }
            assertEquals(List.of("audit_target integer", "pg_class text[]"), expected, "the server's text");
            assertEquals(expected, mined);
        }
    }

    private static String text(Value v) {
        return v instanceof Value.Known k ? k.text() : String.valueOf(v);
    }
}
