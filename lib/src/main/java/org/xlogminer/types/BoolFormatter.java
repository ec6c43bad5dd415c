package org.xlogminer.types;

import java.nio.ByteBuffer;

/**
 * {@code boolean}: one byte, 0 or 1. Output {@code t}/{@code f} ({@code boolout()}); SQL literal
 * {@code true}/{@code false}.
 */
final class BoolFormatter extends TypeFormatter {

    BoolFormatter(String castType) {
        super(castType);
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        out.append(buf.get(off) != 0 ? 't' : 'f');
    }

    @Override
    public void appendSqlLiteral(StringBuilder out, ByteBuffer buf, int off, int len) {
        out.append(buf.get(off) != 0 ? "true" : "false");
    }

    @Override
    boolean outputMayContainQuote() {
        return false;
    }
}
