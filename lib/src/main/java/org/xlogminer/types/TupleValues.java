package org.xlogminer.types;

import java.nio.ByteBuffer;

import org.xlogminer.tuple.DatumDecompressor;
import org.xlogminer.tuple.DeformedTuple;
import org.xlogminer.tuple.TupleFormatException;
import org.xlogminer.tuple.Varlena;
import org.xlogminer.tuple.VarlenaKind;

/**
 * Glue between a {@link DeformedTuple} and a column's {@link ValueFormatter}: finds the value's payload
 * (after the varlena header, decompressing an inline-compressed datum) and formats it. Values stored
 * out of line (TOAST pointers) must be reassembled by the caller, which then calls the formatter on
 * the reassembled payload; these methods refuse them.
 *
 * <p>Stateless; thread-safety is that of the formatter and decompressor passed in.
 */
public final class TupleValues {

    private TupleValues() {
    }

    /**
     * Appends the output text of column {@code index} when it is present.
     *
     * @param decompressor used for inline-compressed values; may be null when none can occur
     * @return false, appending nothing, when the column is NULL, MISSING or DROPPED
     * @throws TupleFormatException for an on-disk TOAST pointer or a corrupt compressed datum
     */
    public static boolean appendText(ValueFormatter f, StringBuilder out, DeformedTuple t, int index,
                                     DatumDecompressor decompressor) {
        return append(f, out, t, index, decompressor, false);
    }

    /**
     * Appends the SQL literal of column {@code index} when it is present.
     *
     * @return false, appending nothing, when the column is NULL, MISSING or DROPPED
     */
    public static boolean appendSqlLiteral(ValueFormatter f, StringBuilder out, DeformedTuple t, int index,
                                           DatumDecompressor decompressor) {
        return append(f, out, t, index, decompressor, true);
    }

    private static boolean append(ValueFormatter f, StringBuilder out, DeformedTuple t, int index,
                                  DatumDecompressor decompressor, boolean literal) {
        if (!t.isPresent(index)) {
            return false;
        }
        ByteBuffer buf = t.buffer();
        int off = t.payloadOffset(index);
        int len = t.payloadLength(index);
        if (t.attlen(index) == -1) {
            VarlenaKind kind = Varlena.kind(buf, t.offset(index));
            if (kind == VarlenaKind.COMPRESSED) {
                if (decompressor == null) {
                    throw new IllegalArgumentException("attnum " + (index + 1) + " is compressed: pass a DatumDecompressor");
                }
                len = decompressor.decompressInline(buf, t.offset(index));
                buf = decompressor.outputBuffer();
                off = 0;
            } else if (kind != VarlenaKind.SHORT && kind != VarlenaKind.PLAIN) {
                throw new TupleFormatException(kind + " datum must be reassembled before formatting attnum="
                        + (index + 1) + " offset=" + t.offset(index));
            }
        }
        if (literal) {
            f.appendSqlLiteral(out, buf, off, len);
        } else {
            f.appendText(out, buf, off, len);
        }
        return true;
    }
}
