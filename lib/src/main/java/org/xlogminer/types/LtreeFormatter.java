package org.xlogminer.types;

import java.nio.ByteBuffer;

import org.xlogminer.tuple.HeapTupleHeaderLayout;
import org.xlogminer.tuple.TupleFormatException;

/**
 * Values of the contrib type {@code ltree} ({@code contrib/ltree/ltree.h}). Offsets from the start of
 * the 4-byte varlena header (the payload starts at 4):
 *
 * <table>
 *   <caption>ltree</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>4</td><td>2</td><td>numlevel</td></tr>
 *   <tr><td>8 (LTREE_HDRSIZE)</td><td></td><td>ltree_level per label: uint16 len, the label's bytes;
 *       the next level starts MAXALIGN(2 + len) further on</td></tr>
 * </table>
 *
 * <p>Text as {@code ltree_out()}: the labels joined by {@code .}; an empty ltree is the empty string.
 */
final class LtreeFormatter extends TypeFormatter {

    static final int LTREE_HDRSIZE = 8;
    static final int LEVEL_HDRSIZE = 2;

    LtreeFormatter(String castType) {
        super(castType);
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        if (len < 2) {
            throw new TupleFormatException("ltree value of " + len + " bytes offset=" + off);
        }
        int base = off - 4;
        int end = off + len;
        int levels = buf.getShort(off) & 0xFFFF;
        int p = base + LTREE_HDRSIZE;
        for (int i = 0; i < levels; i++) {
            int n = p + LEVEL_HDRSIZE <= end ? buf.getShort(p) & 0xFFFF : -1;
            if (n < 0 || p + LEVEL_HDRSIZE + n > end) {
                throw new TupleFormatException("ltree label " + i + " past the value's end offset=" + p);
            }
            if (i > 0) {
                out.append('.');
            }
            Utf8.append(out, buf, p + LEVEL_HDRSIZE, n);
            p += HeapTupleHeaderLayout.align(LEVEL_HDRSIZE + n, HeapTupleHeaderLayout.MAXALIGN);
        }
    }
}
