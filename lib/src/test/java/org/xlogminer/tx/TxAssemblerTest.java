package org.xlogminer.tx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.TestData;
import org.xlogminer.wal.reader.DirectorySegmentSource;
import org.xlogminer.wal.reader.WalReader;
import org.xlogminer.wal.reader.XLogRecordView;

/** Records of the real testdata WAL, kept per xid, come back whole and in WAL order. */
class TxAssemblerTest {

    @TempDir
    Path spill;

    private static List<TxAssembler.StoredRecord> readAll() throws IOException {
        List<TxAssembler.StoredRecord> out = new ArrayList<>();
        try (WalReader r = WalReader.builder(DirectorySegmentSource.open(TestData.accountsUpdateWal())).build()) {
            XLogRecordView v;
            while ((v = r.next()) != null) {
                out.add(new TxAssembler.StoredRecord.Copy(v.lsn(), v.endLsn(), v.copyBytes()));
            }
        }
        return out;
    }

    @Test
    void subtransactionsMergeInWalOrderAndSpillsComeBack() throws IOException {
        List<TxAssembler.StoredRecord> all = readAll();
        assertTrue(all.size() > 300);
        // Pretend the records belong to one transaction and two subtransactions, dealt round-robin,
        // under a budget so small that everything spills.
        XLogRecordView view = new XLogRecordView();
        int[] subs = {1001, 1002};
        List<byte[]> kept = new ArrayList<>(); // records are kept without their full-page images
        int withImages = 0;
        try (TxAssembler tx = new TxAssembler(20_000, spill)) {
            for (int i = 0; i < all.size(); i++) {
                TxAssembler.StoredRecord s = all.get(i);
                view.wrapCopy(s.bytes(), s.lsn(), s.endLsn(), org.xlogminer.wal.WalVersion.PG15);
                kept.add(view.copyWithoutImages());
                withImages += view.fpiLength() > 0 ? 1 : 0;
                tx.add(i % 3 == 0 ? 1000 : subs[i % 3 - 1], view);
            }
            assertTrue(withImages > 0, "some records carry images");
            assertTrue(tx.spills() > 0, "the budget forced spills");
            assertTrue(tx.memoryBytes() <= 20_000 + 10_000);
            try (Stream<Path> files = Files.list(spill)) {
                assertTrue(files.count() > 0);
            }
            List<TxAssembler.StoredRecord> back = new ArrayList<>();
            try (TxAssembler.Ended ended = tx.end(1000, subs, 2)) {
                assertEquals(all.size(), ended.count());
                ended.forEach(back::add);
            }
            assertEquals(all.size(), back.size());
            for (int i = 0; i < all.size(); i++) {
                assertEquals(all.get(i).lsn(), back.get(i).lsn(), "record " + i + " in WAL order");
                assertArrayEquals(kept.get(i), back.get(i).bytes());
            }
            assertEquals(0, tx.memoryBytes());
            assertTrue(tx.openXids().isEmpty());
            try (Stream<Path> files = Files.list(spill)) {
                assertEquals(0, files.count(), "spill files are deleted when the transaction ends");
            }
        }
    }

    @Test
    void abortDropsOnlyTheNamedXids() throws IOException {
        List<TxAssembler.StoredRecord> all = readAll();
        XLogRecordView view = new XLogRecordView();
        try (TxAssembler tx = new TxAssembler(TxAssembler.DEFAULT_MEMORY_BUDGET, spill)) {
            for (int i = 0; i < 30; i++) {
                TxAssembler.StoredRecord s = all.get(i);
                tx.add(i < 10 ? 7 : i < 20 ? 8 : 9, view.wrapCopy(s.bytes(), s.lsn(), s.endLsn(), org.xlogminer.wal.WalVersion.PG15));
            }
            assertEquals(all.get(10).lsn(), tx.firstLsn(8));
            assertEquals(3, tx.openCount());
            tx.discard(8, new int[] {9}, 1);
            assertEquals(List.of(7), tx.openXids());
            assertEquals(1, tx.openCount());
            try (TxAssembler.Ended e = tx.end(7, new int[0], 0)) {
                assertEquals(10, e.count());
            }
            assertEquals(0, tx.openCount(), "nothing open: what a follower's quiet positions need");
        }
    }
}
