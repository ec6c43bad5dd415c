package org.xlogminer.wal.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;
import org.xlogminer.wal.WalVersion;

/**
 * Decoding of single records whose bytes were read off a real PostgreSQL 15 server
 * (testdata/pg15-accounts-update, the UPDATE at 0/0062CF90 and its COMMIT at 0/0062D090).
 */
class XLogRecordViewTest {

    private static final String UPDATE_HEX = "bc000000d702000058cf620000000000200a00003c86b43000203a007f060000050000000040"
        + "0000010000000180000000000000ff4c06000328181f3200000023416461204c6f76656c616365202335302f4445303030303030"
        + "303030303030303033393539353007008100bb1c0000d70200003200001400000000040006000301181f3200000023416461204c"
        + "6f76656c616365202335302f444530303030303030303030303030303339353935300b00815307000000bb1c0000";
    private static final String COMMIT_HEX = "2e000000d702000050d062000000000080010000be1eb19eff146fa93244c10303000100"
        + "0000050000007f060000";

    private static XLogRecordView view(String hex, long lsn) {
        byte[] b = HexFormat.of().parseHex(hex);
        XLogRecordView v = new XLogRecordView();
        assertNull(v.wrap(XLogRecordView.littleEndian(b), 0, lsn, lsn + b.length, WalVersion.PG15));
        return v;
    }

    @Test
    void heapUpdateWithTwoBlockReferences() {
        XLogRecordView v = view(UPDATE_HEX, 0x62CF90L);
        assertEquals(188, v.totalLength());
        assertEquals(727, v.xid());
        assertEquals(0x62CF58L, v.prev());
        assertEquals(10, v.rmid());
        assertEquals(0x20, v.rmgrInfo());
        assertEquals(2, v.blockCount());
        assertEquals(0, v.blockId(0));
        assertEquals(1663, v.tablespace(0));
        assertEquals(5, v.database(0));
        assertEquals(16384, v.relNumber(0));
        assertEquals(0, v.forkNumber(0));
        assertEquals(1, v.blockNumber(0));
        assertEquals(58, v.dataLength(0));
        assertFalse(v.hasImage(0));
        // block 1 uses SAME_REL: the old page of the update
        assertEquals(1, v.blockId(1));
        assertEquals(16384, v.relNumber(1));
        assertEquals(0, v.blockNumber(1));
        assertFalse(v.hasData(1));
        assertEquals(76, v.mainDataLength());
        assertEquals(188 - 76, v.mainDataOffset());
        assertEquals(v.dataOffset(0) + 58, v.mainDataOffset());
        // xl_heap_update: old_offnum @4, flags @7 (CONTAINS_OLD_TUPLE | CONTAINS_NEW_TUPLE), new_offnum @12
        assertEquals(50, v.buffer().getShort(v.mainDataOffset() + 4));
        assertEquals(0x14, v.buffer().get(v.mainDataOffset() + 7));
        assertEquals(4, v.buffer().getShort(v.mainDataOffset() + 12));
    }

    @Test
    void crcCoversPayloadThenHeader() {
        byte[] b = HexFormat.of().parseHex(UPDATE_HEX);
        CRC32C crc = new CRC32C();
        crc.update(b, 24, b.length - 24);
        crc.update(b, 0, 20);
        assertEquals(view(UPDATE_HEX, 0x62CF90L).crc(), (int) crc.getValue());
    }

    @Test
    void commitHasOnlyMainData() {
        XLogRecordView v = view(COMMIT_HEX, 0x62D090L);
        assertEquals(1, v.rmid());
        assertEquals(0x80, v.info());
        assertEquals(0, v.blockCount());
        assertEquals(20, v.mainDataLength());
        assertFalse(v.hasOrigin());
        assertEquals(0, v.toplevelXid());
    }

    @Test
    void malformedFragmentsAreReportedNotThrown() {
        byte[] b = HexFormat.of().parseHex(UPDATE_HEX);
        b[24 + 20] = 0; // second block header (after 20 bytes of the first) claims id 0 again
        String problem = new XLogRecordView().wrap(XLogRecordView.littleEndian(b), 0, 1, 1 + b.length, WalVersion.PG15);
        assertTrue(problem.contains("out-of-order block_id"), problem);

        byte[] c = HexFormat.of().parseHex(COMMIT_HEX);
        c[25] = 30; // main data longer than the record
        problem = new XLogRecordView().wrap(XLogRecordView.littleEndian(c), 0, 1, 1 + c.length, WalVersion.PG15);
        assertTrue(problem.contains("invalid length"), problem);
    }

    /** The problem reported when the record's length ends it after {@code length} bytes. */
    private static String endingAt(String hex, int length) {
        byte[] b = HexFormat.of().parseHex(hex);
        b[0] = (byte) length; // xl_tot_len, little-endian; both records are shorter than 256 bytes
        return new XLogRecordView().wrap(XLogRecordView.littleEndian(b), 0, 1, 1 + length, WalVersion.PG15);
    }

    @Test
    void aRecordEndingInsideAFragmentHeaderNamesTheFragment() {
        // UPDATE: block 0 header @24 (id, fork_flags, u16 data_length), its relation @28, block number @40
        assertEquals("record too short for block header 0", endingAt(UPDATE_HEX, 24 + 3));
        assertEquals("record too short for the relation of block 0", endingAt(UPDATE_HEX, 24 + 4 + 11));
        assertEquals("record too short for the block number of block 0", endingAt(UPDATE_HEX, 24 + 4 + 12 + 3));
        // COMMIT: only the short main-data header, 0xFF then a u8 length
        assertEquals("record too short for its main-data length", endingAt(COMMIT_HEX, 24 + 1));
        // a length that ends on a fragment boundary is a length that does not add up
        assertTrue(endingAt(UPDATE_HEX, 24 + 4 + 12 + 4).startsWith("record with invalid length: fragment headers end at 44"));
    }
}
