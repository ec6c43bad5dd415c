package org.xlogminer.page;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xlogminer.catalog.CatalogCapture;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.Transaction;
import org.xlogminer.event.Value;
import org.xlogminer.mine.Miner;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.reader.DirectorySegmentSource;

/**
 * A page whose image is logged uncompressed and, after a later checkpoint, compressed (as when
 * wal_compression is turned on, or when a page stops being incompressible): old rows read from the
 * page after the second image must come from that image, not from the copy kept of the first.
 * At wal_level=replica, so the old row of an UPDATE is not in its record.
 */
class ImageAfterImagePg15IT {

    @Test
    void oldRowsComeFromTheNewestImageOfThePage() throws Exception {
        try (PgServer server = PgServer.builder(15).start();
             Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE acct (id int PRIMARY KEY, note text) WITH (fillfactor = 50)");
            s.execute("INSERT INTO acct SELECT g, 'initial ' || g FROM generate_series(1, 20) g");
            CatalogSnapshot catalog;
            try (Connection ro = server.connect()) {
                catalog = CatalogCapture.capture(ro);
            }
            s.execute("SET wal_compression = off");
            s.execute("CHECKPOINT");
            long from = server.currentWalInsertLsn();
            s.execute("UPDATE acct SET note = 'first image' WHERE id = 1");   // uncompressed image of block 0
            s.execute("UPDATE acct SET note = 'between' WHERE id IN (2, 3)"); // new line pointers on it
            s.execute("SET wal_compression = pglz");
            s.execute("CHECKPOINT");
            s.execute("UPDATE acct SET note = 'second image' WHERE id = 2");  // compressed image of block 0
            s.execute("UPDATE acct SET note = 'after the image' WHERE id = 3"); // its old row: from that image
            long to = server.flushWal();

            List<Transaction> txs = new ArrayList<>();
            try (Miner miner = Miner.builder(DirectorySegmentSource.open(server.walDir()), catalog)
                .fromLsn(from).toLsn(to).build()) {
                miner.forEachTransaction(txs::add);
            }
            assertEquals(4, txs.size(), txs.toString());
            RowChange.Update carrying = (RowChange.Update) txs.get(2).changes().get(0);
            assertEquals("between", text(carrying.before().column("note").value()), "from the record's own image");
            RowChange.Update last = (RowChange.Update) txs.get(3).changes().get(0);
            assertEquals("after the image", text(last.after().column("note").value()));
            assertEquals("between", text(last.before().column("note").value()),
                "the old row as the compressed image holds it, not the uncompressed one before it");
        }
    }

    private static String text(Value v) {
        return v instanceof Value.Known k ? k.text() : String.valueOf(v);
    }
}
