package org.xlogminer.mine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xlogminer.catalog.CatalogCapture;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.Transaction;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.reader.DirectorySegmentSource;

/**
 * A transaction that wrote before the checkpoint mining starts from is released marked incomplete,
 * with the changes the WAL read holds; one that began after it is complete.
 */
class IncompleteTransactionIT {

    @Test
    void transactionsOlderThanTheStartCheckpointAreMarkedIncomplete() throws Exception {
        try (PgServer server = PgServer.builder(15).walLevel("logical").start();
             Connection early = server.connect(); Statement e = early.createStatement();
             Connection late = server.connect(); Statement l = late.createStatement()) {
            server.execute("CREATE TABLE t (id int PRIMARY KEY, who text)", "ALTER TABLE t REPLICA IDENTITY FULL");
            CatalogSnapshot catalog;
            try (Connection ro = server.connect()) {
                catalog = CatalogCapture.capture(ro);
            }
            early.setAutoCommit(false);
            e.execute("INSERT INTO t VALUES (1, 'early, before the checkpoint')");
            server.checkpoint();
            long from = server.currentWalInsertLsn();
            e.execute("INSERT INTO t VALUES (2, 'early, after the checkpoint')");
            l.execute("INSERT INTO t VALUES (3, 'late')");
            early.commit();
            long to = server.flushWal();

            List<Transaction> txs = new ArrayList<>();
            try (Miner miner = Miner.builder(DirectorySegmentSource.open(server.walDir()), catalog)
                .fromLsn(from).toLsn(to).build()) {
                miner.forEachTransaction(txs::add);
            }
            assertEquals(2, txs.size(), txs.toString());
            Transaction lateTx = txs.get(0);
            Transaction earlyTx = txs.get(1);
            assertFalse(lateTx.incomplete(), "began after the checkpoint");
            assertTrue(earlyTx.incomplete(), "wrote before the checkpoint mining starts from");
            assertEquals(1, earlyTx.changes().size(), "only what the WAL read holds: " + earlyTx.changes());
            RowChange.Insert ins = (RowChange.Insert) earlyTx.changes().get(0);
            assertEquals("2", ((org.xlogminer.event.Value.Known) ins.after().column("id").value()).text());
        }
    }
}
