package org.xlogminer.types;

import java.nio.ByteBuffer;

import org.xlogminer.tuple.HeapTupleHeaderLayout;
import org.xlogminer.tuple.TupleFormatException;

/**
 * Multirange values (PostgreSQL 14+, {@code MultirangeType} of {@code utils/multirangetypes.h},
 * written by {@code write_multirange_data()} in multirangetypes.c). Offsets from the start of the
 * 4-byte varlena header (the payload starts at 4):
 *
 * <table>
 *   <caption>MultirangeType</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>4</td><td>4</td><td>multirangetypid</td></tr>
 *   <tr><td>8</td><td>4</td><td>rangeCount (n)</td></tr>
 *   <tr><td>12</td><td>4 (n-1)</td><td>items: for range i &gt; 0, the length of range i-1's bound data,
 *       or (every 4th, bit 0x80000000 set) the offset of range i's bound data</td></tr>
 *   <tr><td>12 + 4 (n-1)</td><td>n</td><td>flags of each range (as a range's last byte)</td></tr>
 *   <tr><td>aligned to the subtype</td><td></td><td>bound data of each range, each aligned to the
 *       subtype: lower bound if any, upper bound (aligned as {@code att_align_pointer}) if any</td></tr>
 * </table>
 *
 * <p>Text as {@code multirange_out()}: {@code {}}, or the ranges' {@code range_out()} texts between
 * braces, separated by commas.
 */
final class MultirangeFormatter extends TypeFormatter {

    static final int ITEM_OFF_BIT = 0x80000000;
    static final int ITEM_OFFLEN_MASK = 0x7FFFFFFF;
    /** Offset of the items, from the start of the varlena header. */
    static final int ITEMS = 12;

    private final RangeFormatter range;

    MultirangeFormatter(String castType, RangeFormatter range) {
        super(castType);
        this.range = range;
    }

    @Override
    public boolean threadSafe() {
        return range.threadSafe();
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        if (len < 8) {
            throw new TupleFormatException("multirange value of " + len + " bytes offset=" + off);
        }
        int base = off - 4;
        int end = off + len;
        long count = Integer.toUnsignedLong(buf.getInt(base + 8));
        out.append('{');
        if (count > 0) {
            int items = base + ITEMS;
            int flagsAt = items + (int) (count - 1) * 4;
            if (count > len || flagsAt + count > end) {
                throw new TupleFormatException("multirange of " + count + " ranges in " + len + " bytes offset=" + off);
            }
            int bounds = base + HeapTupleHeaderLayout.align(flagsAt + (int) count - base, range.subAlign());
            int offset = 0;
            for (int i = 0; i < count; i++) {
                if (i > 0) {
                    out.append(',');
                    int item = buf.getInt(items + (i - 1) * 4);
                    offset = (item & ITEM_OFF_BIT) != 0 ? item & ITEM_OFFLEN_MASK : offset + (item & ITEM_OFFLEN_MASK);
                }
                range.appendRange(out, buf, buf.get(flagsAt + i) & 0xFF, bounds + offset, base, end);
            }
        }
        out.append('}');
    }
}
