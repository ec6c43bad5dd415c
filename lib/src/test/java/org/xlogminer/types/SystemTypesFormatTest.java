package org.xlogminer.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.xlogminer.catalog.TypeInfo;

/**
 * The formatters of text search types, multiranges, jsonpath, aclitem, snapshots, reg* and the contrib
 * types on payloads read with pageinspect from a PostgreSQL 15 server (each with the text the server
 * printed for it).
 */
class SystemTypesFormatTest {

    private static final TypeInfo INT4RANGE = new TypeInfo(3904, "pg_catalog", "int4range", "int4range", 'r', 'R',
            -1, false, 'i', 0, 3905, 0, -1, Map.of(), List.of(), 23);
    private static final TypeInfo INT4MULTIRANGE = new TypeInfo(4451, "pg_catalog", "int4multirange",
            "int4multirange", 'm', 'R', -1, false, 'i', 0, 6150, 0, -1, Map.of(), List.of(), 3904);
    private static final TypeInfo TEXTRANGE = new TypeInfo(16740, "public", "textrange", "textrange", 'r', 'R', -1,
            false, 'i', 0, 0, 0, -1, Map.of(), List.of(), 25);
    private static final TypeInfo TEXTMULTIRANGE = new TypeInfo(16742, "public", "textmultirange", "textmultirange",
            'm', 'R', -1, false, 'i', 0, 0, 0, -1, Map.of(), List.of(), 16740);
    private static final TypeInfo HSTORE = new TypeInfo(16428, "public", "hstore", "hstore", 'b', 'U', -1, false, 'i',
            0, 0, 0, -1, Map.of(), List.of(), 0);
    private static final TypeInfo LTREE = new TypeInfo(16556, "public", "ltree", "ltree", 'b', 'U', -1, false, 'i',
            0, 0, 0, -1, Map.of(), List.of(), 0);
    private static final TypeInfo NOT_LTREE = new TypeInfo(16600, "public", "ltree", "other.ltree", 'b', 'S', -1, false,
            'i', 0, 0, 0, -1, Map.of(), List.of(), 0);
    private static final Map<Long, TypeInfo> TYPES = Map.of(3904L, INT4RANGE, 4451L, INT4MULTIRANGE, 16740L, TEXTRANGE,
            16742L, TEXTMULTIRANGE, 16428L, HSTORE, 16556L, LTREE, 16600L, NOT_LTREE);
    private static final ObjectNames NAMES = ObjectNames.of(TYPES).with(
            Map.of(1259L, new String[] {"pg_catalog", "pg_class"}, 16384L, new String[] {"Odd Schema", "t"}),
            Map.of(2200L, "public"), Map.of(16740L, "plain_role", 10L, "postgres", 16741L, "Odd \"Role\""));

    private final FormatWarnings warnings = new FormatWarnings();
    private final ValueFormatters formatters = new ValueFormatters(TYPES, NAMES, 15, warnings);

    @Test
    void tsvectorWithWeightsPositionsAndQuotes() {
        check(3614, "0400000003000000076000000720010008c0010061000100010063617400030004c0054006006661740002000200"
                + "038069742773", "'a':1 'cat':4A,5C,6 'fat':2,3B 'it''s'",
                "'''a'':1 ''cat'':4A,5C,6 ''fat'':2,3B ''it''''s'''::tsvector");
        check(3614, "00000000", "", "''::tsvector");
    }

    @Test
    void tsqueryInfixWithPriorities() {
        check(3615, "0800000002030000060000000000000002020000020000000000000001000000334add6701600000020401000200"
                + "0000000000000108010090dfb9f9014000000100000006efbe8e0120000002010000010000000000000001000000bc"
                + "beb717010000006100620063006400", "!'a' | 'b' <-> 'c':*A & 'd'",
                "'!''a'' | ''b'' <-> ''c'':*A & ''d'''::tsquery");
        check(3615, "00000000", "", "''::tsquery");
    }

    @Test
    void multirangesWithOffsetStrideAndVarlenaBounds() {
        check(4451, "63110000060000000400000008000000080000001c000080080000000802020202020000fcffffff01000000020000"
                + "00030000000400000005000000060000000700000008000000090000000a000000",
                "{(,-4),[1,2),[3,4),[5,6),[7,8),[9,10)}", "'{(,-4),[1,2),[3,4),[5,6),[7,8),[9,10)}'::int4multirange");
        check(16742, "664100000200000004000000021200000561056207636300", "{[a,b),[cc,)}",
                "'{[a,b),[cc,)}'::textmultirange");
        check(4451, "6311000000000000", "{}", "'{}'::int4multirange");
    }

    @Test
    void jsonpathTrees() {
        check(4072, "010000001b00000008000000190000000e0000000100000061001500060000001d0000007a0000000c00000004000000"
                + "0000000010000000440000000b0000000000000010000000260000001a000000080000001900000000000000010000"
                + "00620002000000000020000000008001002a0000000000000001000000160000000100000078001a00060000001900"
                + "00000000000001000000630018000000000002000000ffffffff",
                "strict $.\"a\"[*]?(@.\"b\" > 1 && @.\"c\" like_regex \"x\" flag \"i\").**{2 to last}",
                "'strict $.\"a\"[*]?(@.\"b\" > 1 && @.\"c\" like_regex \"x\" flag \"i\").**{2 to last}'::jsonpath");
        check(4072, "01000080100000000000000010000000460000000e000000000000001000000020000000020000000000000020000000"
                + "008001001b0000000800000019000000000000000100000078000200000000002000000000a00200",
                "((1 + $.\"x\") * -2)", "'((1 + $.\"x\") * -2)'::jsonpath");
    }

    @Test
    void aclitemAndSnapshots() {
        check(1033, "644100000a00000007000100", "plain_role=a*rw/postgres", "'plain_role=a*rw/postgres'::aclitem");
        // 16+: 64-bit privileges, grant options in the high half; PUBLIC grantee; a quoted role name
        check(1033, "000000006541000002000000" + "02000000", "=r*/\"Odd \"\"Role\"\"\"",
                "'=r*/\"Odd \"\"Role\"\"\"'::aclitem");
        check(1033, "99999999" + "0a000000" + "0100000000000000", "2576980377=a/postgres",
                "'2576980377=a/postgres'::aclitem");
        check(5038, "020000000a0000000000000014000000000000000a000000000000000e00000000000000", "10:20:10,14",
                "'10:20:10,14'::pg_snapshot");
        check(2970, "00000000" + "ffffffffffffffff" + "ffffffffffffffff", "18446744073709551615:18446744073709551615:",
                "'18446744073709551615:18446744073709551615:'::txid_snapshot");
    }

    @Test
    void regTypesByNameWhereKnownAndLiteralsByOid() {
        check(2205, "eb040000", "pg_class", "'1259'::regclass");
        check(2205, "00400000", "\"Odd Schema\".t", "'16384'::regclass");
        check(2205, "01400000", "16385", "'16385'::regclass");
        check(2205, "00000000", "-", "'0'::regclass");
        check(2206, "17000000", "integer", "'23'::regtype");
        check(2206, "400f0000", "int4range", "'3904'::regtype");
        check(4089, "98080000", "public", "'2200'::regnamespace");
        check(4096, "65410000", "\"Odd \"\"Role\"\"\"", "'16741'::regrole");
        check(2203, "00000000", "0", "'0'::regoper");
        check(24, "00000000", "-", "'0'::regproc");
        check(24, "b8040000", "1208", "'1208'::regproc");
    }

    @Test
    void contribTypesByTheirPgTypeRow() {
        check(16428, "0300008001000080020000000400000004000000070000000700004061317122622063",
                "\"a\"=>\"1\", \"q\\\"\"=>\"\", \"b c\"=>NULL", "'\"a\"=>\"1\", \"q\\\"\"=>\"\", \"b c\"=>NULL'::hstore");
        check(16428, "00000080", "", "''::hstore");
        check(16556, "030000000300546f700000000700536369656e6365000000000000000900417374726f6e6f6d790000000000",
                "Top.Science.Astronomy", "'Top.Science.Astronomy'::ltree");
        check(16556, "00000000", "", "''::ltree");
        assertTrue(warnings.messages().isEmpty(), warnings::toString);
        assertFalse(formatters.forType(16600).isDecodable(), "a type named ltree of another category is not ltree");
        assertEquals(1, warnings.messages().size(), warnings::toString);
    }

    @Test
    void formattingAllocatesNothingPerValue() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)
                java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported(), "cannot measure allocation");
        mx.setThreadAllocatedMemoryEnabled(true);
        long[] types = {3614, 3615, 4451, 16742, 4072, 1033, 5038, 2205, 16428, 16556};
        String[] hex = {"0400000003000000076000000720010008c0010061000100010063617400030004c00540060066617400020002000380"
                + "69742773", "0800000002030000060000000000000002020000020000000000000001000000334add670160000002040100"
                + "02000000000000000108010090dfb9f9014000000100000006efbe8e01200000020100000100000000000000010000"
                + "00bcbeb717010000006100620063006400", "63110000060000000400000008000000080000001c00008008000000080202"
                + "0202020000fcffffff0100000002000000030000000400000005000000060000000700000008000000090000000a00"
                + "0000", "664100000200000004000000021200000561056207636300", "01000080100000000000000010000000460000"
                + "000e000000000000001000000020000000020000000000000020000000008001001b000000080000001900000000000000"
                + "0100000078000200000000002000000000a00200", "644100000a00000007000100", "020000000a0000000000000014"
                + "000000000000000a000000000000000e00000000000000", "eb040000", "03000080010000800200000004000000"
                + "04000000070000000700004061317122622063", "030000000300546f70000000"
                + "0300536369000000" + "0500417374726f00"}; // ltree Top.Sci.Astro: runs of 8+ ASCII bytes go
        // through Utf8's CharSequence view, which C2 does not always scalar-replace (as for text columns)
        ValueFormatter[] fs = new ValueFormatter[types.length];
        ByteBuffer[] bufs = new ByteBuffer[types.length];
        for (int i = 0; i < types.length; i++) {
            fs[i] = formatters.forType(types[i]);
            bufs[i] = ValueFormattersTest.hex(hex[i]);
        }
        StringBuilder sb = new StringBuilder(4096);
        for (int round = 0; round < 2; round++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int n = 0; n < 50_000; n++) {
                for (int i = 0; i < fs.length; i++) {
                    sb.setLength(0);
                    fs[i].appendText(sb, bufs[i], 0, bufs[i].capacity());
                    fs[i].appendSqlLiteral(sb, bufs[i], 0, bufs[i].capacity());
                }
            }
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            if (round == 1) {
                assertTrue(allocated < 100_000, "bytes allocated for 500000 values: " + allocated);
            }
        }
    }

    private void check(long type, String hex, String text, String literal) {
        ValueFormattersTest.assertFormats(formatters, type, hex, text, literal);
    }
}
