package org.xlogminer.types;

import java.nio.ByteBuffer;

/**
 * Types stored as their text: {@code text}, {@code varchar}, {@code bpchar} (padding kept, as
 * {@code bpcharout()} keeps it), {@code json} (the input text verbatim), {@code xml}, {@code citext};
 * and {@code name} (64 bytes, NUL-padded) and {@code cstring} (NUL excluded). UTF-8 decoded; the
 * literal is the text quoted and cast.
 */
final class TextFormatter extends TypeFormatter {

    private final boolean nulTerminated;

    TextFormatter(String castType, boolean nulTerminated) {
        super(castType);
        this.nulTerminated = nulTerminated;
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        if (nulTerminated) {
            Utf8.appendUntilNul(out, buf, off, len);
        } else {
            Utf8.append(out, buf, off, len);
        }
    }
}
