package org.xlogminer.types;

import java.nio.ByteBuffer;

import org.xlogminer.tuple.TupleFormatException;

/**
 * {@code tsvector} values ({@code TSVectorData} of {@code tsearch/ts_type.h}). Offsets from the start
 * of the payload (after the varlena header):
 *
 * <table>
 *   <caption>TSVectorData</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>0</td><td>4</td><td>size: the number of lexemes (n)</td></tr>
 *   <tr><td>4</td><td>4 n</td><td>WordEntry per lexeme, a uint32: bit 0 haspos, bits 1-11 len, bits
 *       12-31 pos (the lexeme's offset in the string area)</td></tr>
 *   <tr><td>4 + 4 n</td><td></td><td>string area: each lexeme's bytes; when haspos, at the next even
 *       offset a uint16 npos and npos WordEntryPos (uint16: weight in the top 2 bits, 3 = A .. 0 = D,
 *       position in the low 14)</td></tr>
 * </table>
 *
 * <p>Text as {@code tsvectorout()}: lexemes separated by a space, each in single quotes with
 * {@code '} and {@code \} doubled, then {@code :} and the positions separated by commas, each followed
 * by its weight letter (none for D). An empty tsvector is the empty string.
 */
final class TsVectorFormatter extends TypeFormatter {

    TsVectorFormatter(String castType) {
        super(castType);
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        int end = off + len;
        int size = len < 4 ? -1 : buf.getInt(off);
        if (size < 0 || 4 + 4L * size > len) {
            throw new TupleFormatException("tsvector of " + size + " lexemes in " + len + " bytes offset=" + off);
        }
        int strings = off + 4 + 4 * size;
        for (int i = 0; i < size; i++) {
            int entry = buf.getInt(off + 4 + 4 * i);
            int lexLen = (entry >>> 1) & 0x7FF;
            int pos = entry >>> 12;
            if (strings + pos + lexLen > end) {
                throw new TupleFormatException("tsvector lexeme past the value's end offset=" + off);
            }
            if (i > 0) {
                out.append(' ');
            }
            out.append('\'');
            int start = out.length();
            Utf8.append(out, buf, strings + pos, lexLen);
            Quoting.escapeFrom(out, start, '\'', '\\', (char) 0);
            out.append('\'');
            if ((entry & 1) != 0) {
                appendPositions(out, buf, strings + ((pos + lexLen + 1) & ~1), end);
            }
        }
    }

    private static void appendPositions(StringBuilder out, ByteBuffer buf, int p, int end) {
        int npos = p + 2 > end ? 0 : buf.getShort(p) & 0xFFFF;
        if (p + 2 + 2 * npos > end) {
            throw new TupleFormatException("tsvector positions past the value's end offset=" + p);
        }
        for (int k = 0; k < npos; k++) {
            int wep = buf.getShort(p + 2 + 2 * k) & 0xFFFF;
            out.append(k == 0 ? ':' : ',').append(wep & 0x3FFF);
            int weight = wep >>> 14;
            if (weight > 0) {
                out.append((char) ('D' - weight));
            }
        }
    }
}
