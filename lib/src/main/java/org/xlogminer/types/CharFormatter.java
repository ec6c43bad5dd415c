package org.xlogminer.types;

import java.nio.ByteBuffer;

/**
 * The one-byte {@code "char"} type ({@code charout()}): NUL prints as the empty string, an ASCII byte
 * as itself, a byte with the high bit set as {@code \ooo} (three octal digits), as PostgreSQL 15+ prints
 * it. (13 and 14 send that raw byte, which is not valid UTF-8 and which no client can show: xlogminer
 * prints the 15+ form for every version.) The literal of such a byte is {@code (-56)::"char"}, which
 * every version reads back as the same byte.
 */
final class CharFormatter extends TypeFormatter {

    CharFormatter(String castType) {
        super(castType);
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        int b = buf.get(off) & 0xFF;
        if (b == 0) {
            return;
        }
        if (b >= 0x80) {
            out.append('\\').append((char) ('0' + (b >> 6))).append((char) ('0' + ((b >> 3) & 7)))
                    .append((char) ('0' + (b & 7)));
        } else {
            out.append((char) b);
        }
    }

    @Override
    public void appendSqlLiteral(StringBuilder out, ByteBuffer buf, int off, int len) {
        int b = buf.get(off);
        if (b < 0) {
            out.append('(').append(b).append(")::").append(castType);
        } else {
            super.appendSqlLiteral(out, buf, off, len);
        }
    }
}
