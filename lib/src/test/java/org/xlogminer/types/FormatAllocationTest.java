package org.xlogminer.types;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.catalog.TypeInfo;
import org.xlogminer.tuple.DatumDecompressor;
import org.xlogminer.tuple.DeformedTuple;
import org.xlogminer.tuple.HeapTupleDeformer;

/**
 * The hot path allocates nothing per row: deforming a tuple and formatting its values (text and SQL
 * literals) into a reused StringBuilder, measured with the JVM's per-thread allocation counter.
 */
class FormatAllocationTest {

    private static final TypeInfo INT4_ARRAY = new TypeInfo(1007, "pg_catalog", "_int4", "integer[]", 'b', 'A',
            -1, false, 'i', 23, 0, 0, -1, Map.of(), List.of(), 0);
    private static final TypeInfo MOOD = new TypeInfo(16385, "public", "mood", "public.mood", 'e', 'E', 4, true,
            'i', 0, 0, 0, -1, Map.of(16386L, "happy"), List.of(), 0);

    @Test
    void deformingAndFormattingAllocateNothingPerRow() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported(), "this JVM cannot measure a thread's allocation");
        mx.setThreadAllocatedMemoryEnabled(true);
        // columns: numeric, float8, timestamptz, text, jsonb, int4[], mood, interval, uuid
        long[] types = {1700, 701, 1184, 25, 3802, 1007, 16385, 1186, 2950};
        int[] lens = {-1, 8, 8, -1, -1, -1, 4, 16, 16};
        char[] aligns = {'i', 'd', 'd', 'i', 'i', 'i', 'i', 'd', 'c'};
        ColumnInfo[] cols = new ColumnInfo[types.length];
        for (int i = 0; i < types.length; i++) {
            cols[i] = new ColumnInfo(i + 1, "c" + i, types[i], -1, lens[i], lens[i] > 0 && lens[i] <= 8, aligns[i],
                    lens[i] == -1 ? 'x' : 'p', false, false, false, null);
        }
        TableInfo table = new TableInfo(1, "public", "t", 'r', 1, 1663, 'p', 0, 'd', List.of(), List.of(), List.of(cols));
        String data = "00"                                         // padding to t_hoff 24
                + "0f00817b009411" + "00"                           // numeric 123.45 (short varlena), pad to 8
                + "9a9999999999b93f"                                // float8 0.1
                + "00a0724e18090000"                                // timestamptz
                + "1b6974277320c3a920f09f9880"                      // text "it's é 😀" (short varlena)
                + "00000000000000".substring(0, 6)                  // pad to 4 (offset 37 -> 40)
                + "70000000" + "01000020" + "01000000" + "0b000010" + "61" + "000000" + "20000000" + "0080" + "0100"
                + "a0000000" + "01000000" + "20000000" + "17000000" + "03000000" + "01000000" + "05000000000000"
                + "00" + "01000000" + "03000000"                    // int4[] {1,NULL,3}
                + "02400000"                                        // mood 'happy'
                + "c1da2fdd00000000" + "ffffffff" + "0e000000"      // interval
                + "a0eebc999c0b4ef8bb6d6bb9bd380a11";               // uuid
        ByteBuffer buf = ValueFormattersTest.hex(data);
        FormatWarnings warnings = new FormatWarnings();
        ValueFormatters vf = new ValueFormatters(Map.of(1007L, INT4_ARRAY, 16385L, MOOD), 16, warnings);
        ValueFormatter[] fs = new ValueFormatter[cols.length];
        for (int i = 0; i < cols.length; i++) {
            fs[i] = vf.forColumn(cols[i]);
        }
        HeapTupleDeformer deformer = HeapTupleDeformer.forTable(table);
        DatumDecompressor dd = new DatumDecompressor();
        StringBuilder sb = new StringBuilder(4096);
        for (int i = 0; i < 20_000; i++) {
            row(deformer, buf, fs, dd, sb);
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            row(deformer, buf, fs, dd, sb);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(warnings.isEmpty(), warnings::toString);
        assertTrue(sb.toString().contains("{\"a\": 1}") && sb.toString().contains("{1,NULL,3}"), sb::toString);
        assertTrue(allocated < 100_000, "bytes allocated for 100000 rows: " + allocated + "; output " + sb);
    }

    private static void row(HeapTupleDeformer deformer, ByteBuffer buf, ValueFormatter[] fs, DatumDecompressor dd,
                            StringBuilder sb) {
        sb.setLength(0);
        DeformedTuple t = deformer.deform(buf, 0, buf.capacity(), fs.length, 0x0002, 24);
        for (int i = 0; i < fs.length; i++) {
            TupleValues.appendText(fs[i], sb, t, i, dd);
            sb.append(' ');
            TupleValues.appendSqlLiteral(fs[i], sb, t, i, dd);
            sb.append('\n');
        }
    }
}
