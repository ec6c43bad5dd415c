package org.xlogminer.types;

import java.nio.ByteBuffer;

/**
 * UTF-8 decoding straight into a StringBuilder, without intermediate arrays or Strings. Malformed
 * sequences (impossible in a UTF8 database) become U+FFFD. Stateless and thread-safe.
 */
final class Utf8 {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Utf8() {
    }

    /** Appends the text that the UTF-8 bytes {@code [off, off+len)} encode. */
    static void append(StringBuilder out, ByteBuffer buf, int off, int len) {
        int end = off + len;
        int p = off;
        if (buf.hasArray()) {
            // runs of ASCII go in one copy: most text is ASCII, and char-by-char appends cost 3x
            byte[] a = buf.array();
            int base = buf.arrayOffset();
            while (p < end) {
                int q = p;
                while (q < end && a[base + q] >= 0) {
                    q++;
                }
                if (q - p >= 8) {
                    out.append(new Ascii(a, base), p, q);
                } else {
                    for (int i = p; i < q; i++) {
                        out.append((char) a[base + i]);
                    }
                }
                p = q;
                if (p < end) {
                    p = appendMultiByte(out, buf, p, end, a[base + p] & 0xFF);
                }
            }
            return;
        }
        while (p < end) {
            int b = buf.get(p);
            if (b >= 0) {
                out.append((char) b);
                p++;
            } else {
                p = appendMultiByte(out, buf, p, end, b & 0xFF);
            }
        }
    }

    /** Appends up to the first NUL or {@code len} bytes (for {@code name} and {@code cstring}). */
    static void appendUntilNul(StringBuilder out, ByteBuffer buf, int off, int len) {
        int n = 0;
        while (n < len && buf.get(off + n) != 0) {
            n++;
        }
        append(out, buf, off, n);
    }

    /**
     * Appends the bytes as the body of a JSON string, escaped as {@code escape_json()} in
     * {@code src/backend/utils/adt/json.c} does: \" \\ \b \f \n \r \t, other characters below 0x20 as
     * {@code \}{@code u00XX} (lower-case hex), everything else as is.
     */
    static void appendJsonEscaped(StringBuilder out, ByteBuffer buf, int off, int len) {
        int end = off + len;
        int p = off;
        while (p < end) {
            int b = buf.get(p);
            if (b < 0) {
                p = appendMultiByte(out, buf, p, end, b & 0xFF);
                continue;
            }
            p++;
            switch (b) {
                case '\b':
                    out.append("\\b");
                    break;
                case '\f':
                    out.append("\\f");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                default:
                    if (b < 0x20) {
                        out.append("\\u00").append(HEX[b >> 4]).append(HEX[b & 0xF]);
                    } else {
                        out.append((char) b);
                    }
            }
        }
    }

    /**
     * ASCII bytes seen as characters, for {@code StringBuilder.append(CharSequence, start, end)}:
     * one capacity check per run instead of one per character, and no copy (the view itself is
     * short-lived enough for the JIT to do without it).
     */
    private static final class Ascii implements CharSequence {
        private final byte[] a;
        private final int base;

        Ascii(byte[] a, int base) {
            this.a = a;
            this.base = base;
        }

        @Override
        public int length() {
            return a.length - base;
        }

        @Override
        public char charAt(int index) {
            return (char) a[base + index];
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new String(a, base + start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return subSequence(0, length()).toString();
        }
    }

    private static int appendMultiByte(StringBuilder out, ByteBuffer buf, int p, int end, int b0) {
        int need;
        int cp;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            need = 1;
            cp = b0 & 0x1F;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            need = 2;
            cp = b0 & 0x0F;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            need = 3;
            cp = b0 & 0x07;
        } else {
            out.append('\uFFFD');
            return p + 1;
        }
        if (p + need >= end) {
            out.append('\uFFFD');
            return end;
        }
        for (int i = 1; i <= need; i++) {
            int c = buf.get(p + i) & 0xFF;
            if ((c & 0xC0) != 0x80) {
                out.append('\uFFFD');
                return p + i;
            }
            cp = (cp << 6) | (c & 0x3F);
        }
        if (need == 2 && (cp < 0x800 || cp >= 0xD800 && cp <= 0xDFFF) || need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) {
            out.append('\uFFFD');
        } else if (cp < 0x10000) {
            out.append((char) cp);
        } else {
            // not appendCodePoint: on JDK 17 it allocates a char[2] for supplementary characters
            out.append(Character.highSurrogate(cp)).append(Character.lowSurrogate(cp));
        }
        return p + need + 1;
    }
}
