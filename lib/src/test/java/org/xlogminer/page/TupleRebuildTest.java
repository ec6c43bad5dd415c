package org.xlogminer.page;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/**
 * heap_xlog_update's rebuild of a new tuple from the bytes its record logged and the prefix and
 * suffix it shares with the old one, both straight from the record and through a kept patch.
 *
 * <p>Captured from PostgreSQL 15.18 at wal_level=replica: {@code CREATE TABLE t (id int, head
 * text, n int, note text, tail text)}, {@code INSERT (1, 'shared head', 7, NULL, 'shared tail')},
 * a checkpoint, then {@code UPDATE t SET n = 8} and {@code UPDATE t SET n = 9}. The second UPDATE
 * (HOT, same page, no image) logged xl_heap_header t_infomask2=0x8005, t_infomask=0x2803,
 * t_hoff=24, prefix 16, suffix 15, old offnum 2, new offnum 3, and the tuple bytes {@code 1709}
 * (null bitmap, then the one changed byte). The tuples at lp 2 and 3 are pageinspect's
 * (t_infomask2, t_infomask, t_hoff, t_bits, t_data) after it; their first 18 header bytes (xmin,
 * xmax, cid, ctid), which the rebuild neither reads nor writes, are left zero here.
 */
class TupleRebuildTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final String DATA_HEAD = "01000000" + "19" + "7368617265642068656164"; // id, 'shared head'
    private static final String DATA_TAIL = "000000" + "19" + "736861726564207461696c"; // n's last 3 bytes, 'shared tail'
    private static final String ZERO18 = "00".repeat(18);
    /** lp 2: t_infomask2 0xc005, t_infomask 0x2103, t_hoff 24, t_bits 0x17, t_data (n = 8). */
    private static final byte[] OLD = HEX.parseHex(ZERO18 + "05c0" + "0321" + "18" + "17" + DATA_HEAD + "08" + DATA_TAIL);
    /** lp 3, the new tuple: t_infomask2 0x8005, t_infomask 0x2803, t_hoff 24, t_bits 0x17, t_data (n = 9). */
    private static final byte[] NEW = HEX.parseHex(ZERO18 + "0580" + "0328" + "18" + "17" + DATA_HEAD + "09" + DATA_TAIL);
    private static final int PREFIX = 16;
    private static final int SUFFIX = 15;

    /** The record's tuple bytes at offset 3 of a buffer, as they lie amid a record's other bytes. */
    private static ByteBuffer logged(String hex) {
        return ByteBuffer.wrap(HEX.parseHex("eeeeee" + hex + "eeee"));
    }

    private static byte[] fromRecord(String loggedHex, int prefix, int suffix, byte[] old) {
        return TupleRebuild.fromRecord(logged(loggedHex), 3, loggedHex.length() / 2, 0x8005, 0x2803, 24, prefix, suffix, old);
    }

    @Test
    void theRecordsBytesBetweenThePrefixAndSuffixOfTheOldTuple() {
        assertEquals(NEW.length, OLD.length);
        assertArrayEquals(NEW, fromRecord("1709", PREFIX, SUFFIX, OLD), HEX.formatHex(fromRecord("1709", PREFIX, SUFFIX, OLD)));
    }

    @Test
    void aPrefixOrASuffixAlone() {
        // the same new tuple, had the record left out only one of them (derived from the capture)
        assertArrayEquals(NEW, fromRecord("17" + DATA_HEAD + "09", 0, SUFFIX, OLD));
        assertArrayEquals(NEW, fromRecord("17" + "09" + DATA_TAIL, PREFIX, 0, OLD));
    }

    @Test
    void withNeitherTheRecordsBytesAreTheTuple() {
        byte[] t = fromRecord("17" + DATA_HEAD + "09" + DATA_TAIL, 0, 0, null);
        assertArrayEquals(NEW, t);
        assertFalse(TupleRebuild.isPatch(t));
    }

    @Test
    void aPatchRebuildsTheSameTuple() {
        byte[] patch = TupleRebuild.asPatch(fromRecord("1709", 0, 0, null), PREFIX, SUFFIX, 2);
        assertEquals(23 + 2, patch.length, "kept as logged");
        assertTrue(TupleRebuild.isPatch(patch));
        assertEquals(2, TupleRebuild.patchOldOffnum(patch));
        assertEquals("02001000" + "0f00" + "01", HEX.formatHex(patch, 0, 7), "old offnum, prefix, suffix, mark");
        assertArrayEquals(NEW, TupleRebuild.unpatch(patch, OLD));
    }

    @Test
    void aPatchOfAnOldTupleNotKnownOrNotItsOwnIsNotRebuilt() {
        byte[] patch = TupleRebuild.asPatch(fromRecord("1709", 0, 0, null), PREFIX, SUFFIX, 2);
        assertNull(TupleRebuild.unpatch(patch, null));
        byte[] shorter = HEX.parseHex(ZERO18 + "05c0" + "0321" + "18" + "17" + DATA_HEAD + "08"); // data of 17 bytes < 16 + 15
        assertNull(TupleRebuild.unpatch(patch, shorter));
    }
}
