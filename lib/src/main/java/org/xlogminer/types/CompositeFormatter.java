package org.xlogminer.types;

import java.nio.ByteBuffer;
import java.util.List;

import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.tuple.DatumDecompressor;
import org.xlogminer.tuple.DeformedTuple;
import org.xlogminer.tuple.HeapTupleDeformer;
import org.xlogminer.tuple.HeapTupleHeaderLayout;
import org.xlogminer.tuple.TupleFormatException;

/**
 * Composite values: a datum holding a heap tuple ({@code HeapTupleHeaderData} whose first field is the
 * varlena length, {@code DatumTupleFields} in htup_details.h), deformed like a table row with the
 * type's attributes. Text as {@code record_out()}: {@code (}fields separated by commas{@code )}, a NULL
 * field as nothing, dropped attributes skipped, each field's output text quoted per {@link Quoting}.
 * A field may itself be inline-compressed (a row value built from a stored row keeps it so).
 *
 * <p>Holds a deformer and a decompressor: not thread-safe.
 */
final class CompositeFormatter extends TypeFormatter {

    private final HeapTupleDeformer deformer;
    private final ValueFormatter[] fields;
    private final boolean[] dropped;
    private final int[] attlen;
    private DatumDecompressor decompressor;

    CompositeFormatter(String castType, String typeName, List<ColumnInfo> attributes, ValueFormatter[] fields) {
        super(castType);
        this.deformer = HeapTupleDeformer.forAttributes(typeName, attributes);
        int n = deformer.columnCount();
        this.fields = fields;
        this.dropped = new boolean[n];
        this.attlen = new int[n];
        for (ColumnInfo c : attributes) {
            dropped[c.attnum() - 1] = c.dropped();
            attlen[c.attnum() - 1] = c.len();
        }
    }

    @Override
    public boolean threadSafe() {
        return false; // the deformer and the decompressor are scratch
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        int base = off - 4;
        if (len + 4 < HeapTupleHeaderLayout.SIZE) {
            throw new TupleFormatException("composite value of " + len + " bytes offset=" + off);
        }
        int infomask2 = buf.getShort(base + HeapTupleHeaderLayout.T_INFOMASK2) & 0xFFFF;
        int infomask = buf.getShort(base + HeapTupleHeaderLayout.T_INFOMASK) & 0xFFFF;
        int hoff = buf.get(base + HeapTupleHeaderLayout.T_HOFF) & 0xFF;
        DeformedTuple t = deformer.deform(buf, base + HeapTupleHeaderLayout.SIZE,
                len + 4 - HeapTupleHeaderLayout.SIZE, infomask2, infomask, hoff);
        out.append('(');
        boolean comma = false;
        for (int i = 0; i < fields.length; i++) {
            if (dropped[i]) {
                continue;
            }
            if (comma) {
                out.append(',');
            }
            comma = true;
            if (!t.isPresent(i)) {
                continue;
            }
            int start = out.length();
            if (decompressor == null && attlen[i] == -1 && !t.isInlineUncompressed(i)) {
                decompressor = new DatumDecompressor();
            }
            Nested.appendText(fields[i], out, buf, t.offset(i), t.length(i), attlen[i], decompressor);
            Quoting.quoteRecordField(out, start);
        }
        out.append(')');
    }
}
