package org.xlogminer.types;

import java.nio.ByteBuffer;

/** {@code uuid}: 16 bytes, printed as 8-4-4-4-12 lower-case hex digits ({@code uuid_out()}). */
final class UuidFormatter extends TypeFormatter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    UuidFormatter(String castType) {
        super(castType);
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                out.append('-');
            }
            int b = buf.get(off + i) & 0xFF;
            out.append(HEX[b >> 4]).append(HEX[b & 0xF]);
        }
    }

    @Override
    boolean outputMayContainQuote() {
        return false;
    }
}
