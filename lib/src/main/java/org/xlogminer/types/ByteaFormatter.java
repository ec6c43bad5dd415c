package org.xlogminer.types;

import java.nio.ByteBuffer;

/** {@code bytea}: hex output ({@code bytea_output = hex}): {@code \x} then two lower-case digits per byte. */
final class ByteaFormatter extends TypeFormatter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    ByteaFormatter(String castType) {
        super(castType);
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        appendHex(out, buf, off, len);
    }

    static void appendHex(StringBuilder out, ByteBuffer buf, int off, int len) {
        out.append("\\x");
        for (int i = 0; i < len; i++) {
            int b = buf.get(off + i) & 0xFF;
            out.append(HEX[b >> 4]).append(HEX[b & 0xF]);
        }
    }

    @Override
    boolean outputMayContainQuote() {
        return false;
    }
}
