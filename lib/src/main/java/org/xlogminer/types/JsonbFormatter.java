package org.xlogminer.types;

import java.nio.ByteBuffer;

import org.xlogminer.tuple.HeapTupleHeaderLayout;
import org.xlogminer.tuple.TupleFormatException;
import org.xlogminer.tuple.Varlena;

/**
 * {@code jsonb}: the binary container format of {@code src/include/utils/jsonb.h}, printed as
 * {@code JsonbToCString()} (jsonb.c) prints it.
 *
 * <table>
 * <caption>JsonbContainer (the payload after the varlena header is the root container)</caption>
 * <tr><th>offset</th><th>size</th><th>field</th></tr>
 * <tr><td>0</td><td>4</td><td>header: count in the low 28 bits (JB_CMASK); 0x10000000 JB_FSCALAR,
 *   0x20000000 JB_FOBJECT, 0x40000000 JB_FARRAY</td></tr>
 * <tr><td>4</td><td>4 * n</td><td>JEntry children: n = count for arrays, 2 * count for objects (all
 *   keys, then all values, keys sorted by length then bytes)</td></tr>
 * <tr><td>4 + 4n</td><td>..</td><td>the children's data, in the same order</td></tr>
 * </table>
 *
 * <p>A JEntry: low 28 bits (JENTRY_OFFLENMASK) the data length, or, when 0x80000000
 * (JENTRY_HAS_OFF) is set (every 32nd entry), the end offset of the data; the child's start is the sum of
 * the lengths back to the previous entry with an offset ({@code getJsonbOffset()}). Type in 0x70000000:
 * 0 string (UTF-8 bytes), 0x10000000 numeric (a numeric datum with its varlena header, after padding to
 * 4 bytes), 0x20000000 false, 0x30000000 true, 0x40000000 null, 0x50000000 container (after padding to
 * 4 bytes). A scalar document is a one-element array flagged JB_FSCALAR, printed as the bare scalar.
 *
 * <p>Text: objects {@code {"k": v, "k2": v2}}, arrays {@code [a, b]}, strings escaped as
 * {@link Utf8#appendJsonEscaped}, numbers as numeric_out.
 */
final class JsonbFormatter extends TypeFormatter {

    static final int JB_CMASK = 0x0FFFFFFF;
    static final int JB_FSCALAR = 0x10000000;
    static final int JB_FOBJECT = 0x20000000;
    static final int JB_FARRAY = 0x40000000;
    static final int JENTRY_OFFLENMASK = 0x0FFFFFFF;
    static final int JENTRY_TYPEMASK = 0x70000000;
    static final int JENTRY_HAS_OFF = 0x80000000;
    static final int JENTRY_ISSTRING = 0x00000000;
    static final int JENTRY_ISNUMERIC = 0x10000000;
    static final int JENTRY_ISBOOL_FALSE = 0x20000000;
    static final int JENTRY_ISBOOL_TRUE = 0x30000000;
    static final int JENTRY_ISNULL = 0x40000000;
    static final int JENTRY_ISCONTAINER = 0x50000000;

    JsonbFormatter(String castType) {
        super(castType);
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        appendContainer(out, buf, off, off + len, 0);
    }

    private static void appendContainer(StringBuilder out, ByteBuffer buf, int c, int end, int depth) {
        if (c + 4 > end || depth > 10_000) {
            throw new TupleFormatException("jsonb container past the value's end offset=" + c);
        }
        int header = buf.getInt(c);
        int count = header & JB_CMASK;
        if ((header & JB_FOBJECT) != 0) {
            int n = 2 * count;
            int base = c + 4 + 4 * n;
            checkEntries(base, end, c);
            out.append('{');
            for (int i = 0; i < count; i++) {
                if (i > 0) {
                    out.append(", ");
                }
                appendEntry(out, buf, c, base, i, end, depth);
                out.append(": ");
                appendEntry(out, buf, c, base, i + count, end, depth);
            }
            out.append('}');
        } else if ((header & JB_FARRAY) != 0) {
            int base = c + 4 + 4 * count;
            checkEntries(base, end, c);
            if ((header & JB_FSCALAR) != 0) {
                if (count != 1) {
                    throw new TupleFormatException("jsonb scalar container with " + count + " elements offset=" + c);
                }
                appendEntry(out, buf, c, base, 0, end, depth);
                return;
            }
            out.append('[');
            for (int i = 0; i < count; i++) {
                if (i > 0) {
                    out.append(", ");
                }
                appendEntry(out, buf, c, base, i, end, depth);
            }
            out.append(']');
        } else {
            throw new TupleFormatException("jsonb container neither object nor array offset=" + c);
        }
    }

    private static void checkEntries(int base, int end, int c) {
        if (base > end || base < c) {
            throw new TupleFormatException("jsonb entries past the value's end offset=" + c);
        }
    }

    private static void appendEntry(StringBuilder out, ByteBuffer buf, int c, int base, int index, int end,
                                    int depth) {
        int entry = buf.getInt(c + 4 + 4 * index);
        int start = 0;
        for (int i = index - 1; i >= 0; i--) {
            int e = buf.getInt(c + 4 + 4 * i);
            start += e & JENTRY_OFFLENMASK;
            if ((e & JENTRY_HAS_OFF) != 0) {
                break;
            }
        }
        int length = (entry & JENTRY_HAS_OFF) != 0 ? (entry & JENTRY_OFFLENMASK) - start : entry & JENTRY_OFFLENMASK;
        int p = base + start;
        if (length < 0 || p + length > end) {
            throw new TupleFormatException("jsonb entry past the value's end offset=" + p);
        }
        switch (entry & JENTRY_TYPEMASK) {
            case JENTRY_ISSTRING:
                out.append('"');
                Utf8.appendJsonEscaped(out, buf, p, length);
                out.append('"');
                break;
            case JENTRY_ISNUMERIC: {
                int q = base + HeapTupleHeaderLayout.align(start, 4);
                // the numeric (a varlena after the padding) lies in the entry
                int size = Nested.datumSize(buf, q, -1, p + length);
                int h = Varlena.headerSize(buf, q);
                if (size < h || size > p + length - q) {
                    throw new TupleFormatException("jsonb numeric past its entry's end offset=" + q);
                }
                NumericFormatter.append(out, buf, q + h, size - h);
                break;
            }
            case JENTRY_ISBOOL_FALSE:
                out.append("false");
                break;
            case JENTRY_ISBOOL_TRUE:
                out.append("true");
                break;
            case JENTRY_ISNULL:
                out.append("null");
                break;
            case JENTRY_ISCONTAINER:
                appendContainer(out, buf, base + HeapTupleHeaderLayout.align(start, 4), p + length, depth + 1);
                break;
            default:
                throw new TupleFormatException("jsonb entry of unknown type 0x" + Integer.toHexString(entry)
                        + " offset=" + p);
        }
    }
}
