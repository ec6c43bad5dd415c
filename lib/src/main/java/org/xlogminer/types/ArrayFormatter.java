package org.xlogminer.types;

import java.nio.ByteBuffer;

import org.xlogminer.tuple.HeapTupleHeaderLayout;
import org.xlogminer.tuple.TupleFormatException;

/**
 * Arrays ({@code ArrayType} of {@code src/include/utils/array.h}), and the one-dimensional
 * {@code int2vector} / {@code oidvector}. Offsets from the start of the datum (its 4-byte header, which
 * precedes the payload this formatter is given):
 *
 * <table>
 * <caption>ArrayType</caption>
 * <tr><th>offset</th><th>size</th><th>C field</th></tr>
 * <tr><td>0</td><td>4</td><td>vl_len_</td></tr>
 * <tr><td>4</td><td>4</td><td>ndim (0 for an empty array)</td></tr>
 * <tr><td>8</td><td>4</td><td>dataoffset: offset of the data when there is a null bitmap, else 0</td></tr>
 * <tr><td>12</td><td>4</td><td>elemtype</td></tr>
 * <tr><td>16</td><td>4 * ndim</td><td>dims</td></tr>
 * <tr><td>16 + 4 * ndim</td><td>4 * ndim</td><td>lower bounds</td></tr>
 * <tr><td>16 + 8 * ndim</td><td>(nitems+7)/8</td><td>null bitmap (only when dataoffset != 0), bit set =
 *   not null</td></tr>
 * <tr><td>dataoffset or MAXALIGN(16 + 8 * ndim)</td><td>..</td><td>the non-null elements in row-major
 *   order, each aligned to the element's typalign ({@code att_align_nominal}), varlena elements with
 *   4-byte headers</td></tr>
 * </table>
 *
 * <p>Text as {@code array_out()}: {@code [lb:ub]...=} in front when a lower bound is not 1, nested
 * braces, the element's output text (quoted per {@link Quoting}), {@code NULL} for nulls. Vectors print
 * their elements separated by single spaces ({@code int2vectorout}, {@code oidvectorout}).
 */
final class ArrayFormatter extends TypeFormatter {

    private final ValueFormatter element;
    private final int elemLen;
    private final int elemAlign;
    private final char delim;
    private final boolean vector;

    ArrayFormatter(String castType, ValueFormatter element, int elemLen, char elemAlign, char delim, boolean vector) {
        super(castType);
        this.element = element;
        this.elemLen = elemLen;
        this.elemAlign = HeapTupleHeaderLayout.alignment(elemAlign);
        this.delim = delim;
        this.vector = vector;
    }

    @Override
    public boolean threadSafe() {
        return element.threadSafe();
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        int base = off - 4;
        int end = off + len;
        if (len < 12) {
            throw new TupleFormatException("array of " + len + " bytes offset=" + off);
        }
        int ndim = buf.getInt(off);
        int dataoffset = buf.getInt(off + 4);
        if (ndim < 0 || ndim > 6 || 16 + 8 * ndim > len + 4) {
            throw new TupleFormatException("array with " + ndim + " dimensions offset=" + off);
        }
        int dimsOff = base + 16;
        int lbOff = dimsOff + 4 * ndim;
        long nitems = ndim == 0 ? 0 : 1;
        for (int j = 0; j < ndim; j++) {
            int dim = buf.getInt(dimsOff + 4 * j);
            nitems *= dim;
            if (dim < 0 || nitems > 8L * len + 8) {
                throw new TupleFormatException("array dimensions do not fit its " + len + " bytes offset=" + off);
            }
        }
        if (nitems == 0) {
            if (!vector) {
                out.append("{}");
            }
            return;
        }
        boolean hasNulls = dataoffset != 0;
        // the null bitmap lies between the lower bounds and the data, the data in the array
        if (hasNulls && (dataoffset < 16 + 8 * ndim + ((nitems + 7) >> 3) || dataoffset > len + 4)) {
            throw new TupleFormatException("array data offset " + dataoffset + " outside its " + len
                + " bytes offset=" + off);
        }
        int bitmap = lbOff + 4 * ndim;
        int p = hasNulls ? base + dataoffset
                : base + HeapTupleHeaderLayout.align(16 + 8 * ndim, HeapTupleHeaderLayout.MAXALIGN);
        if (vector) {
            appendVector(out, buf, p, (int) nitems, end);
            return;
        }
        appendBoundsDecoration(out, buf, dimsOff, lbOff, ndim);
        for (int j = 0; j < ndim; j++) {
            out.append('{');
        }
        for (int k = 0; k < nitems; k++) {
            if (k > 0) {
                int closes = 0;
                long prod = 1;
                for (int j = ndim - 1; j >= 1; j--) {
                    prod *= buf.getInt(dimsOff + 4 * j);
                    if (k % prod != 0) {
                        break;
                    }
                    closes++;
                }
                for (int c = 0; c < closes; c++) {
                    out.append('}');
                }
                out.append(delim);
                for (int c = 0; c < closes; c++) {
                    out.append('{');
                }
            }
            if (hasNulls && (buf.get(bitmap + (k >> 3)) & (1 << (k & 7))) == 0) {
                out.append("NULL");
                continue;
            }
            if (p >= end) {
                throw new TupleFormatException("array element past the array's end offset=" + p);
            }
            int size = Nested.datumSize(buf, p, elemLen, end);
            if (p + size > end) {
                throw new TupleFormatException("array element past the array's end offset=" + p);
            }
            int start = out.length();
            Nested.appendText(element, out, buf, p, size, elemLen, null);
            Quoting.quoteArrayElement(out, start, delim);
            p = base + HeapTupleHeaderLayout.align(p + size - base, elemAlign);
        }
        for (int j = 0; j < ndim; j++) {
            out.append('}');
        }
    }

    private static void appendBoundsDecoration(StringBuilder out, ByteBuffer buf, int dimsOff, int lbOff, int ndim) {
        boolean needed = false;
        for (int j = 0; j < ndim; j++) {
            if (buf.getInt(lbOff + 4 * j) != 1) {
                needed = true;
                break;
            }
        }
        if (!needed) {
            return;
        }
        for (int j = 0; j < ndim; j++) {
            int lb = buf.getInt(lbOff + 4 * j);
            out.append('[').append(lb).append(':').append(lb + buf.getInt(dimsOff + 4 * j) - 1).append(']');
        }
        out.append('=');
    }

    private void appendVector(StringBuilder out, ByteBuffer buf, int p, int nitems, int end) {
        for (int k = 0; k < nitems; k++) {
            if (k > 0) {
                out.append(' ');
            }
            if (p + elemLen > end) {
                throw new TupleFormatException("vector element past the vector's end offset=" + p);
            }
            element.appendText(out, buf, p, elemLen);
            p += elemLen;
        }
    }
}
