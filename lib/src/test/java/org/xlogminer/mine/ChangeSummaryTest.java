package org.xlogminer.mine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.xlogminer.TestData;
import org.xlogminer.decode.HeapRecordDecoder;
import org.xlogminer.wal.reader.DirectorySegmentSource;
import org.xlogminer.wal.reader.WalReader;
import org.xlogminer.wal.reader.XLogRecordView;

/**
 * The change summary of every heap record of the real testdata WAL reads back what the record's
 * own decoding gives: operation, flags, relation, ctids, a MULTI_INSERT's offsets.
 */
class ChangeSummaryTest {

    @Test
    void everyHeapRecordOfTheTestdataWalReadsBackAsItsRecord() throws IOException {
        HeapRecordDecoder heap = new HeapRecordDecoder();
        ChangeSummary summary = new ChangeSummary();
        Map<HeapRecordDecoder.Op, Integer> seen = new EnumMap<>(HeapRecordDecoder.Op.class);
        try (WalReader reader = WalReader.builder(DirectorySegmentSource.open(TestData.accountsUpdateWal())).build()) {
            XLogRecordView r;
            while ((r = reader.next()) != null) {
                if (!heap.wrap(r) || heap.op() == HeapRecordDecoder.Op.TRUNCATE) {
                    continue;
                }
                byte[] b = ChangeSummary.of(r, heap);
                assertNotNull(b);
                assertSameChange(r, heap, summary.wrap(b), b);
                seen.merge(heap.op(), 1, Integer::sum);
            }
        }
        // the testdata's UPDATE without WHERE, its table's filling, and the catalog's own inserts
        for (HeapRecordDecoder.Op op : new HeapRecordDecoder.Op[] {HeapRecordDecoder.Op.INSERT,
            HeapRecordDecoder.Op.MULTI_INSERT, HeapRecordDecoder.Op.UPDATE, HeapRecordDecoder.Op.HOT_UPDATE}) {
            assertTrue(seen.getOrDefault(op, 0) > 0, op + " in " + seen);
        }
    }

    private static void assertSameChange(XLogRecordView r, HeapRecordDecoder heap, ChangeSummary s, byte[] b) {
        String at = "lsn=" + Long.toHexString(r.lsn());
        int nb = heap.newBlockIndex();
        assertSame(heap.op(), s.op(), at);
        assertEquals(heap.isSpeculative(), s.isSpeculative(), at);
        assertEquals(heap.isSuperDelete(), s.isSuperDelete(), at);
        assertEquals(r.tablespace(nb), s.tablespace(), at);
        assertEquals(r.database(nb), s.database(), at);
        assertEquals(r.relNumber(nb), s.relNumber(), at);
        assertEquals(r.tablespace(nb), ChangeSummary.tablespace(b), at);
        assertEquals(r.database(nb), ChangeSummary.database(b), at);
        assertEquals(r.relNumber(nb), ChangeSummary.relNumber(b), at);
        assertEquals(r.blockNumber(nb), s.newBlock(), at);
        assertEquals(heap.newOffnum(), s.newOffnum(), at);
        boolean delete = heap.op() == HeapRecordDecoder.Op.DELETE;
        assertEquals(r.blockNumber(delete ? nb : heap.oldBlockIndex()), s.oldBlock(), at);
        assertEquals(heap.oldOffnum(), s.oldOffnum(), at);
        int n = heap.op() == HeapRecordDecoder.Op.MULTI_INSERT ? heap.count() : 0;
        assertEquals(n, s.count(), at);
        assertEquals(ChangeSummary.OFFSETS + 2 * n, b.length, at);
        for (int i = 0; i < n; i++) {
            assertEquals(heap.multiInsertOffnum(i), s.multiInsertOffnum(i), at + " tuple " + i);
        }
    }

    /**
     * The layout table, field by field, on the testdata's first HOT_UPDATE of accounts, which
     * pg_waldump describes as: {@code lsn: 0/006294F8 ... desc: HOT_UPDATE off 1 xmax 727 flags 0x14 ;
     * new off 51 xmax 0, blkref #0: rel 1663/5/16384 blk 0 FPW}.
     */
    @Test
    void aHotUpdateLaidOutAsTheTableSays() throws IOException {
        HeapRecordDecoder heap = new HeapRecordDecoder();
        byte[] b = null;
        try (WalReader reader = WalReader.builder(DirectorySegmentSource.open(TestData.accountsUpdateWal())).build()) {
            XLogRecordView r;
            while (b == null && (r = reader.next()) != null) {
                if (r.lsn() == 0x006294F8L) {
                    assertTrue(heap.wrap(r));
                    b = ChangeSummary.of(r, heap);
                }
            }
        }
        assertNotNull(b);
        assertEquals(String.join("",
            "03",       // op: HOT_UPDATE's ordinal
            "00",       // flags: neither speculative nor super-delete
            "7f060000", // tablespace 1663
            "05000000", // database 5
            "00400000", // relfilenode 16384
            "00000000", // new block 0
            "3300",     // new off 51
            "00000000", // old block 0
            "0100",     // old off 1
            "0000"),    // no MULTI_INSERT offsets
            HexFormat.of().formatHex(b));
    }
}
