package org.xlogminer.types;

import java.nio.ByteBuffer;

import org.xlogminer.tuple.HeapTupleHeaderLayout;
import org.xlogminer.tuple.TupleFormatException;

/**
 * Range values ({@code RangeType} of {@code src/include/utils/rangetypes.h}, serialized by
 * {@code range_serialize()}): after the varlena header, the range type's OID (uint32), then the lower
 * bound if it has one (unaligned: offset 8 is already maximally aligned), then the upper bound aligned
 * as {@code att_align_pointer} (a short varlena is not aligned), then one flags byte, the datum's last:
 * 0x01 empty, 0x02 lower inclusive, 0x04 upper inclusive, 0x08 lower infinite, 0x10 upper infinite,
 * 0x20 / 0x40 lower / upper null (unused), 0x80 contain-empty (GiST only). Bounds of a varlena subtype
 * may have short headers.
 *
 * <p>Text as {@code range_out()}: {@code empty}, or {@code [}/{@code (}, the lower bound's text (none
 * when infinite), a comma, the upper bound's, {@code ]}/{@code )}; bounds quoted per {@link Quoting}.
 */
final class RangeFormatter extends TypeFormatter {

    static final int RANGE_EMPTY = 0x01;
    static final int RANGE_LB_INC = 0x02;
    static final int RANGE_UB_INC = 0x04;
    static final int RANGE_LB_INF = 0x08;
    static final int RANGE_UB_INF = 0x10;
    static final int RANGE_LB_NULL = 0x20;
    static final int RANGE_UB_NULL = 0x40;

    private final ValueFormatter subtype;
    private final int subLen;
    private final int subAlign;

    RangeFormatter(String castType, ValueFormatter subtype, int subLen, char subAlign) {
        super(castType);
        this.subtype = subtype;
        this.subLen = subLen;
        this.subAlign = HeapTupleHeaderLayout.alignment(subAlign);
    }

    /** The subtype's alignment in bytes (typalign). */
    int subAlign() {
        return subAlign;
    }

    @Override
    public boolean threadSafe() {
        return subtype.threadSafe();
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        if (len < 5) {
            throw new TupleFormatException("range value of " + len + " bytes offset=" + off);
        }
        int base = off - 4;
        int end = off + len - 1;
        int flags = buf.get(end) & 0xFF;
        if ((flags & RANGE_EMPTY) != 0) {
            out.append("empty");
            return;
        }
        appendRange(out, buf, flags, off + 4, base, end);
    }

    /**
     * Appends a non-empty range's text from its flags and bound data at {@code p}: the lower bound if
     * any, then the upper bound aligned relative to {@code base} (the start of the aligned datum holding
     * them), both before {@code end}. Shared with {@link MultirangeFormatter}.
     */
    void appendRange(StringBuilder out, ByteBuffer buf, int flags, int p, int base, int end) {
        out.append((flags & RANGE_LB_INC) != 0 ? '[' : '(');
        if ((flags & (RANGE_LB_INF | RANGE_LB_NULL)) == 0) {
            p = appendBound(out, buf, p, end);
        }
        out.append(',');
        if ((flags & (RANGE_UB_INF | RANGE_UB_NULL)) == 0) {
            if (subLen != -1 || buf.get(p) == 0) {
                p = base + HeapTupleHeaderLayout.align(p - base, subAlign);
            }
            appendBound(out, buf, p, end);
        }
        out.append((flags & RANGE_UB_INC) != 0 ? ']' : ')');
    }

    private int appendBound(StringBuilder out, ByteBuffer buf, int p, int end) {
        if (p >= end) {
            throw new TupleFormatException("range bound past the value's end offset=" + p);
        }
        int size = Nested.datumSize(buf, p, subLen, end);
        if (p + size > end) {
            throw new TupleFormatException("range bound past the value's end offset=" + p);
        }
        int start = out.length();
        Nested.appendText(subtype, out, buf, p, size, subLen, null);
        Quoting.quoteRangeBound(out, start);
        return p + size;
    }
}
