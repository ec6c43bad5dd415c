package org.xlogminer.tuple;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.TableInfo;

/**
 * Deforming hand-assembled tuple bytes (what WAL logs after xl_heap_header: bitmap, padding up to
 * t_hoff, data): alignment relative to the data start, short varlenas left unaligned, 4-byte headers
 * aligned, null bitmaps, tuples with fewer attributes than the table, dropped columns, TOAST pointers.
 */
class HeapTupleDeformerTest {

    /** a int2 (s), b int4 (i), c text (i, varlena), d int8 (d), e bool (c). */
    private static final TableInfo T = table(
            col(1, "a", 21, 2, 's', false),
            col(2, "b", 23, 4, 'i', false),
            col(3, "c", 25, -1, 'i', false),
            col(4, "d", 20, 8, 'd', false),
            col(5, "e", 16, 1, 'c', false));

    @Test
    void alignsFixedWidthColumnsAndLeavesShortVarlenaUnaligned() {
        // t_hoff 24: one padding byte, then data:
        // 0: a=0x0102 | 2: pad | 4: b=7 | 8: c short "hi" (07 68 69) | 11: pad to 16 | 16: d=-1 | 24: e=true
        ByteBuffer buf = hex("00" + "0201" + "0000" + "07000000" + "076869" + "0000000000" + "ffffffffffffffff" + "01");
        DeformedTuple t = HeapTupleDeformer.forTable(T).deform(buf, 0, buf.capacity(), 5, 0x0002, 24);
        assertEquals(5, t.natts());
        assertEquals(1, t.offset(0));
        assertEquals(0x0102, buf.getShort(t.offset(0)));
        assertEquals(5, t.offset(1));
        assertEquals(7, buf.getInt(t.offset(1)));
        assertEquals(9, t.offset(2));
        assertEquals(3, t.length(2));
        assertEquals(VarlenaKind.SHORT, t.varlenaKind(2));
        assertEquals("hi", utf8(buf, t.payloadOffset(2), t.payloadLength(2)));
        assertEquals(17, t.offset(3));
        assertEquals(-1L, buf.getLong(t.offset(3)));
        assertEquals(25, t.offset(4));
        assertEquals(1, buf.get(t.offset(4)));
        for (int i = 0; i < 5; i++) {
            assertEquals(AttributeState.PRESENT, t.state(i));
        }
    }

    @Test
    void nullBitmapSkipsNullColumnsAndShortVarlenaFollowsUnaligned() {
        // bitmap 0b10101: a, c, e present; b, d null. t_hoff 24. data: a | c short "xyz" at 2 | e at 6
        ByteBuffer buf = hex("15" + "0500" + "097879 7a" + "00");
        DeformedTuple t = HeapTupleDeformer.forTable(T).deform(buf, 0, buf.capacity(), 5, 0x0003, 24);
        assertEquals(AttributeState.PRESENT, t.state(0));
        assertEquals(5, buf.getShort(t.offset(0)));
        assertTrue(t.isNull(1));
        assertEquals(3, t.offset(2));
        assertEquals("xyz", utf8(buf, t.payloadOffset(2), t.payloadLength(2)));
        assertTrue(t.isNull(3));
        assertEquals(7, t.offset(4));
        assertEquals(0, buf.get(t.offset(4)));
    }

    @Test
    void fourByteVarlenaHeaderIsAligned() {
        // a=1 at 0, then padding zeros: the varlena (first byte 0 at offset 2) aligns to 4: header 0x1C = 7 << 2
        // bitmap 0b11101: b null; a at 0, pad, c at 4 (7 bytes), pad, d at 16, e at 24
        ByteBuffer buf = hex("1d" + "0100" + "0000" + "1c000000616263" + "00000000 00" + "2a00000000000000" + "00");
        DeformedTuple t = HeapTupleDeformer.forTable(T).deform(buf, 0, buf.capacity(), 5, 0x0003, 24);
        assertTrue(t.isNull(1));
        assertEquals(5, t.offset(2));
        assertEquals(VarlenaKind.PLAIN, t.varlenaKind(2));
        assertEquals(7, t.length(2));
        assertEquals("abc", utf8(buf, t.payloadOffset(2), t.payloadLength(2)));
        assertEquals(17, t.offset(3));
        assertEquals(42L, buf.getLong(t.offset(3)));
    }

    @Test
    void attributesPastNattsAreMissing() {
        ByteBuffer buf = hex("00" + "0900" + "0000" + "0b000000");
        DeformedTuple t = HeapTupleDeformer.forTable(T).deform(buf, 0, buf.capacity(), 2, 0, 24);
        assertEquals(2, t.natts());
        assertEquals(9, buf.getShort(t.offset(0)));
        assertEquals(11, buf.getInt(t.offset(1)));
        assertEquals(AttributeState.MISSING, t.state(2));
        assertEquals(AttributeState.MISSING, t.state(3));
        assertEquals(AttributeState.MISSING, t.state(4));
    }

    @Test
    void droppedColumnStillTakesItsPlace() {
        TableInfo dropped = table(
                col(1, "a", 21, 2, 's', false),
                col(2, "........pg.dropped.2........", 0, 4, 'i', true),
                col(3, "c", 25, -1, 'i', false));
        // a, the dropped int4 (still stored), then c: short varlena 0x07 "ok"
        ByteBuffer buf = hex("00" + "0100" + "0000" + "ffffffff" + "076f6b");
        DeformedTuple t = HeapTupleDeformer.forTable(dropped).deform(buf, 0, buf.capacity(), 3, 0x0002, 24);
        assertEquals(AttributeState.DROPPED, t.state(1));
        assertEquals(AttributeState.PRESENT, t.state(2));
        assertEquals("ok", utf8(buf, t.payloadOffset(2), t.payloadLength(2)));
    }

    @Test
    void exposesTheFieldsOfAnOnDiskToastPointer() {
        TableInfo one = table(col(1, "v", 25, -1, 'i', false));
        // 01 12 | rawsize 10104 | extinfo 10000 | lz4 << 30 | valueid 16500 | toastrelid 16390
        ByteBuffer buf = hex("00" + "0112" + le(10104) + le(10000 | (1 << 30)) + le(16500) + le(16390));
        DeformedTuple t = HeapTupleDeformer.forTable(one).deform(buf, 0, buf.capacity(), 1, 0x0006, 24);
        assertEquals(VarlenaKind.EXTERNAL_ONDISK, t.varlenaKind(0));
        assertEquals(18, t.length(0));
        assertEquals(10104, t.externalRawSize(0));
        assertEquals(10000, t.externalExtSize(0));
        assertEquals(1, t.externalCompressionMethod(0));
        assertTrue(t.externalIsCompressed(0));
        assertEquals(16500, t.externalValueId(0));
        assertEquals(16390, t.externalToastRelid(0));
        assertFalse(t.isInlineUncompressed(0));
    }

    @Test
    void decompressesInlinePglzAndLz4Datums() {
        DatumDecompressor d = new DatumDecompressor();
        // pglz: control 0x08: 'a' 'b' 'c' literals, then a match of length 9 at distance 3
        ByteBuffer pglz = hex("3a000000" + "0c000000" + "086162630603");
        assertEquals(VarlenaKind.COMPRESSED, Varlena.kind(pglz, 0));
        assertEquals(12, Varlena.compressedRawSize(pglz, 0));
        assertEquals(0, Varlena.compressedMethod(pglz, 0));
        int n = d.decompressInline(pglz, 0);
        assertEquals("abcabcabcabc", new String(d.output(), 0, n, StandardCharsets.US_ASCII));
        // lz4: one last-literals sequence, token 0xC0 = 12 literals
        ByteBuffer lz4 = hex("56000000" + "0c000040" + "c0" + "68656c6c6f20776f726c6421");
        assertEquals(1, Varlena.compressedMethod(lz4, 0));
        n = d.decompressInline(lz4, 0);
        assertEquals("hello world!", new String(d.output(), 0, n, StandardCharsets.US_ASCII));
        assertArrayEquals("hello world!".getBytes(StandardCharsets.US_ASCII),
                java.util.Arrays.copyOf(d.output(), n));
        ByteBuffer corrupt = hex("3a000000" + "0d000000" + "086162630603");
        assertThrows(TupleFormatException.class, () -> d.decompressInline(corrupt, 0));
    }

    @Test
    void refusesTuplesThatContradictTheCatalog() {
        HeapTupleDeformer d = HeapTupleDeformer.forTable(T);
        ByteBuffer shortBuf = hex("00" + "0100" + "0000");
        assertThrows(TupleFormatException.class, () -> d.deform(shortBuf, 0, shortBuf.capacity(), 2, 0, 24));
        ByteBuffer ok = hex("00" + "0100");
        assertThrows(TupleFormatException.class, () -> d.deform(ok, 0, ok.capacity(), 6, 0, 24));
        ByteBuffer badVarlena = hex("00" + "0100" + "0000" + "07000000" + "ff");
        TupleFormatException e = assertThrows(TupleFormatException.class,
                () -> d.deform(badVarlena, 0, badVarlena.capacity(), 3, 0, 24));
        assertTrue(e.getMessage().contains("attnum=3"), e.getMessage());
    }

    // ------------------------------------------------------------------------------------------ helpers

    static ColumnInfo col(int attnum, String name, long type, int len, char align, boolean dropped) {
        return new ColumnInfo(attnum, name, type, -1, len, len > 0 && len <= 8, align, len == -1 ? 'x' : 'p',
                false, dropped, false, null);
    }

    static TableInfo table(ColumnInfo... cols) {
        return new TableInfo(16384, "public", "t", 'r', 16384, 1663, 'p', 0, 'd', List.of(), List.of(), List.of(cols));
    }

    static ByteBuffer hex(String hex) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(hex.replace(" ", ""))).order(ByteOrder.LITTLE_ENDIAN);
    }

    static String le(int v) {
        return String.format("%02x%02x%02x%02x", v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF, (v >>> 24) & 0xFF);
    }

    static String utf8(ByteBuffer buf, int off, int len) {
        byte[] b = new byte[len];
        buf.get(off, b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
