package org.xlogminer.types;

import java.nio.ByteBuffer;

import org.xlogminer.tuple.TupleFormatException;

/**
 * Values of the contrib type {@code hstore} ({@code HStore} of {@code contrib/hstore/hstore.h}).
 * Offsets from the start of the payload:
 *
 * <table>
 *   <caption>HStore</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>0</td><td>4</td><td>size_: 0x80000000 new-format flag, count (n) in the low 28 bits</td></tr>
 *   <tr><td>4</td><td>8 n</td><td>HEntry (uint32) for key then value of each pair: 0x80000000 first
 *       entry, 0x40000000 NULL value, low 30 bits the end of its string (the start is the previous
 *       entry's end, or 0)</td></tr>
 *   <tr><td>4 + 8 n</td><td></td><td>the keys' and values' bytes</td></tr>
 * </table>
 *
 * <p>Text as {@code hstore_out()}: {@code "key"=>"value"} or {@code "key"=>NULL}, pairs separated by
 * {@code , }, {@code "} and {@code \} escaped by a backslash; an empty hstore is the empty string. A
 * value without the new-format flag (written by PostgreSQL before 9.0 and never rewritten) is shown as
 * an undecodable marker.
 */
final class HstoreFormatter extends TypeFormatter {

    static final int HS_FLAG_NEWVERSION = 0x80000000;
    static final int HS_COUNT_MASK = 0x0FFFFFFF;
    static final int HENTRY_ISFIRST = 0x80000000;
    static final int HENTRY_ISNULL = 0x40000000;
    static final int HENTRY_POSMASK = 0x3FFFFFFF;

    HstoreFormatter(String castType) {
        super(castType);
    }

    private static boolean oldFormat(ByteBuffer buf, int off, int len) {
        int size = len < 4 ? 0 : buf.getInt(off);
        return len < 4 || (size & HS_FLAG_NEWVERSION) == 0 && (size & HS_COUNT_MASK) != 0;
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        if (oldFormat(buf, off, len)) {
            UndecodableFormatter.appendMarker(out, castType, buf, off, len);
            return;
        }
        int count = buf.getInt(off) & HS_COUNT_MASK;
        int entries = off + 4;
        int strings = entries + 8 * count;
        if (8L * count + 4 > len) {
            throw new TupleFormatException("hstore of " + count + " pairs in " + len + " bytes offset=" + off);
        }
        int limit = off + len - strings;
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                out.append(", ");
            }
            appendString(out, buf, entries, 2 * i, strings, limit);
            out.append("=>");
            if ((buf.getInt(entries + 8 * i + 4) & HENTRY_ISNULL) != 0) {
                out.append("NULL");
            } else {
                appendString(out, buf, entries, 2 * i + 1, strings, limit);
            }
        }
    }

    private static void appendString(StringBuilder out, ByteBuffer buf, int entries, int k, int strings, int limit) {
        int e = buf.getInt(entries + 4 * k);
        int from = (e & HENTRY_ISFIRST) != 0 || k == 0 ? 0 : buf.getInt(entries + 4 * (k - 1)) & HENTRY_POSMASK;
        int to = e & HENTRY_POSMASK;
        if (from > to || to > limit) {
            throw new TupleFormatException("hstore string " + from + ".." + to + " past the value's end offset=" + strings);
        }
        out.append('"');
        int start = out.length();
        Utf8.append(out, buf, strings + from, to - from);
        Quoting.escapeFrom(out, start, '"', '\\', '\\');
        out.append('"');
    }

    @Override
    public void appendSqlLiteral(StringBuilder out, ByteBuffer buf, int off, int len) {
        if (oldFormat(buf, off, len)) {
            UndecodableFormatter.appendFailingExpression(out, castType, buf, off, len);
        } else {
            appendQuotedCast(out, buf, off, len, castType);
        }
    }
}
