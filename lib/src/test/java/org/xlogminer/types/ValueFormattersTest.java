package org.xlogminer.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.xlogminer.catalog.TypeInfo;

/** Formatters on hand-assembled payloads (the bytes after the varlena header, or the fixed-width datum). */
class ValueFormattersTest {

    private static final TypeInfo INT4_ARRAY = new TypeInfo(1007, "pg_catalog", "_int4", "integer[]", 'b', 'A',
            -1, false, 'i', 23, 0, 0, -1, Map.of(), List.of(), 0);
    private static final TypeInfo MOOD = new TypeInfo(16385, "public", "mood", "public.mood", 'e', 'E', 4, true,
            'i', 0, 0, 0, -1, Map.of(16386L, "happy", 16387L, "it's"), List.of(), 0);
    private static final TypeInfo POSINT = new TypeInfo(16390, "public", "posint", "public.posint", 'd', 'N', 4,
            true, 'i', 0, 0, 23, -1, Map.of(), List.of(), 0);
    private static final TypeInfo CUBE = new TypeInfo(16400, "public", "cube", "public.cube", 'b', 'U', -1,
            false, 'i', 0, 0, 0, -1, Map.of(), List.of(), 0);

    private final FormatWarnings warnings = new FormatWarnings();
    private final ValueFormatters formatters = new ValueFormatters(
            Map.of(1007L, INT4_ARRAY, 16385L, MOOD, 16390L, POSINT, 16400L, CUBE), 16, warnings);

    @Test
    void numericShortLongAndSpecial() {
        // short header 0x8100: positive, dscale 2, weight 0; digits 123, 4500
        check(1700, "00817b009411", "123.45", "123.45");
        // long header: negative, dscale 70, weight 0, digit 1
        check(1700, "46400000" + "0100", "-1." + "0".repeat(70), "-1." + "0".repeat(70));
        // weight -1 (short: weight sign bit and 0x3F), dscale 4, digit 5: 0.0005
        check(1700, "7f820500", "0.0005", "0.0005");
        check(1700, "00c0", "NaN", "'NaN'::numeric");
        check(1700, "00d0", "Infinity", "'Infinity'::numeric");
        check(1700, "00f0", "-Infinity", "'-Infinity'::numeric");
        check(1700, "0080", "0", "0");
    }

    @Test
    void integersBoolsAndFloats() {
        check(23, "ffffff7f", "2147483647", "2147483647");
        check(21, "0080", "-32768", "-32768");
        check(20, "0000000000000080", "-9223372036854775808", "-9223372036854775808");
        check(26, "ffffffff", "4294967295", "'4294967295'::oid");
        check(16, "01", "t", "true");
        check(16, "00", "f", "false");
        check(701, "9a9999999999b93f", "0.1", "'0.1'::double precision");
        check(701, "0000000000000080", "-0", "'-0'::double precision");
        check(700, "0000c07f", "NaN", "'NaN'::real");
    }

    @Test
    void dateTimeTypes() {
        check(1114, "0000000000000000", "2000-01-01 00:00:00", "'2000-01-01 00:00:00'::timestamp without time zone");
        check(1114, "ffffffffffffffff", "1999-12-31 23:59:59.999999",
                "'1999-12-31 23:59:59.999999'::timestamp without time zone");
        check(1184, "ffffffffffffff7f", "infinity", "'infinity'::timestamp with time zone");
        check(1184, "0000000000000080", "-infinity", "'-infinity'::timestamp with time zone");
        // 0001-01-01 is day -730119; the day before is 0001-12-31 BC (year 0, a leap year)
        check(1082, le32(-730119), "0001-01-01", "'0001-01-01'::date");
        check(1082, le32(-730120), "0001-12-31 BC", "'0001-12-31 BC'::date");
        check(1082, le32(-730485), "0001-01-01 BC", "'0001-01-01 BC'::date");
        check(1082, le32(Integer.MAX_VALUE), "infinity", "'infinity'::date");
        // interval: 1 year 2 mons, -1 days, +01:02:03.000001
        check(1186, le64(3723000001L) + le32(-1) + le32(14), "1 year 2 mons -1 days +01:02:03.000001",
                "'1 year 2 mons -1 days +01:02:03.000001'::interval");
        check(1186, le64(0) + le32(0) + le32(0), "00:00:00", "'00:00:00'::interval");
        // timetz 12:00 at UTC-08 (zone stored as seconds west: 28800)
        check(1266, le64(43_200_000_000L) + le32(28800), "12:00:00-08", "'12:00:00-08'::time with time zone");
    }

    @Test
    void textAndOtherQuotedTypes() {
        check(25, "697427732027", "it's '", "'it''s '''::text");
        check(1042, "61622020", "ab  ", "'ab  '::bpchar");
        check(17, "00ff", "\\x00ff", "'\\x00ff'::bytea");
        check(2950, "a0eebc999c0b4ef8bb6d6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid");
        // inet 2001:db8::1/64: family 3, bits 64
        check(869, "0340" + "20010db8000000000000000000000001", "2001:db8::1/64", "'2001:db8::1/64'::inet");
        check(650, "0220" + "0a000001", "10.0.0.1/32", "'10.0.0.1/32'::cidr");
        check(790, le64(-123456), "-$1,234.56", "'-$1,234.56'::money");
        check(1560, le32(5) + "a8", "10101", "'10101'::\"bit\"");
    }

    @Test
    void jsonbObjectWithNumber() {
        // {"a": 1}: header 0x20000001; key entry len 1; value entry NUMERIC | 11 (3 padding + 8 numeric bytes)
        String numeric = "20000000" + "0080" + "0100"; // varlena header 8 << 2, short header, digit 1
        check(3802, "01000020" + "01000000" + "0b000010" + "61" + "000000" + numeric, "{\"a\": 1}",
                "'{\"a\": 1}'::jsonb");
    }

    @Test
    void arrayWithNullsAndBounds() {
        // ndim 1, dataoffset 32 (bitmap present), elemtype 23, dims [3], lbound [1], bitmap 0b101, pad, 1, 3
        String payload = le32(1) + le32(32) + le32(23) + le32(3) + le32(1) + "05" + "00000000000000" + le32(1) + le32(3);
        check(1007, payload, "{1,NULL,3}", "'{1,NULL,3}'::integer[]");
        // lower bound 0, no nulls: data at MAXALIGN(16 + 8) = 24
        String bounds = le32(1) + le32(0) + le32(23) + le32(2) + le32(0) + le32(7) + le32(8);
        check(1007, bounds, "[0:1]={7,8}", "'[0:1]={7,8}'::integer[]");
        check(1007, le32(0) + le32(0) + le32(23), "{}", "'{}'::integer[]");
    }

    @Test
    void enumsDomainsAndUndecodableTypes() {
        check(16385, le32(16386), "happy", "'happy'::public.mood");
        check(16385, le32(16387), "it's", "'it''s'::public.mood");
        check(16390, le32(5), "5", "'5'::public.posint");
        ValueFormatter unknownLabel = formatters.forType(16385);
        StringBuilder sb = new StringBuilder();
        unknownLabel.appendSqlLiteral(sb, hex(le32(99999)), 0, 4);
        assertEquals("xlogminer_undecodable('public.mood', '\\x9f860100')", sb.toString());
        assertEquals(1, warnings.messages().size(), warnings::toString);

        ValueFormatter h = formatters.forType(16400);
        assertFalse(h.isDecodable());
        assertSame(h, formatters.forType(16400));
        check(16400, "0102", "<undecodable public.cube: \\x0102>", "xlogminer_undecodable('public.cube', '\\x0102')");
        ValueFormatter missing = formatters.forType(999999);
        assertFalse(missing.isDecodable());
        assertEquals(3, warnings.messages().size(), warnings::toString);
        assertTrue(warnings.messages().get(2).contains("999999"), warnings::toString);
    }

    @Test
    void literalOfTextForm() {
        StringBuilder sb = new StringBuilder();
        formatters.forType(25).appendSqlLiteralOfText(sb, "o'k");
        assertEquals("'o''k'::text", sb.toString());
    }

    private void check(long type, String hex, String text, String literal) {
        assertFormats(formatters, type, hex, text, literal);
    }

    /** The formatter of {@code type} prints the payload {@code hex} as {@code text} and {@code literal}. */
    static void assertFormats(ValueFormatters formatters, long type, String hex, String text, String literal) {
        ValueFormatter f = formatters.forType(type);
        ByteBuffer buf = hex(hex);
        StringBuilder sb = new StringBuilder("prefix:");
        f.appendText(sb, buf, 0, buf.capacity());
        assertEquals("prefix:" + text, sb.toString(), () -> "text of type " + type);
        sb.setLength(0);
        f.appendSqlLiteral(sb, buf, 0, buf.capacity());
        assertEquals(literal, sb.toString(), () -> "literal of type " + type);
    }

    static ByteBuffer hex(String hex) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(hex)).order(ByteOrder.LITTLE_ENDIAN);
    }

    static String le32(int v) {
        return String.format("%02x%02x%02x%02x", v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF, (v >>> 24) & 0xFF);
    }

    static String le64(long v) {
        return le32((int) v) + le32((int) (v >>> 32));
    }
}
