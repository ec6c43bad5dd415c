package org.xlogminer.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** Hand-made pglz streams, laid out as src/common/pg_lzcompress.c describes. */
class PglzTest {

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    private static String decompress(byte[] src, int rawSize) {
        byte[] dst = new byte[rawSize];
        int n = Pglz.decompress(src, 0, src.length, dst, 0, rawSize, true);
        assertEquals(rawSize, n);
        return new String(dst, StandardCharsets.US_ASCII);
    }

    @Test
    void literalsAndAnOverlappingMatch() {
        // control 0b00001000: three literals, a match (len 6+3 = 9, offset 3), a literal
        byte[] src = bytes(0x08, 'a', 'b', 'c', 0x06, 0x03, 'X');
        assertEquals("abcabcabcabcX", decompress(src, 13));
    }

    @Test
    void longMatchUsesAnExtraLengthByte() {
        // match nibble 0x0F = 18 bytes, plus 7 from the extra byte: 25 copies of 'z'
        byte[] src = bytes(0x02, 'z', 0x0F, 0x01, 7);
        char[] z = new char[26];
        Arrays.fill(z, 'z');
        assertEquals(new String(z), decompress(src, 26));
    }

    @Test
    void offsetUsesTheHighNibble() {
        // 300 literal-ish bytes then a match 0x12C = 300 back, length 3
        byte[] body = new byte[300];
        for (int i = 0; i < 300; i++) {
            body[i] = (byte) ('A' + i % 26);
        }
        byte[] src = new byte[300 / 8 * 9 + 300 % 8 + 1 + 1 + 2];
        int sp = 0, k = 0;
        while (k < 300) {
            src[sp++] = 0;
            for (int bit = 0; bit < 8 && k < 300; bit++) {
                src[sp++] = body[k++];
            }
        }
        // 300 = 37 groups of 8 + 4: the last control byte has 4 literal bits used; the match is bit 4
        src[sp - 5] = 0x10;
        src[sp++] = (byte) 0x10; // len nibble 0 -> 3, offset high nibble 1
        src[sp++] = (byte) 0x2C; // offset low byte: 0x12C = 300
        byte[] dst = new byte[303];
        int n = Pglz.decompress(src, 0, sp, dst, 0, 303, true);
        assertEquals(303, n);
        assertArrayEquals(Arrays.copyOf(body, 3), Arrays.copyOfRange(dst, 300, 303));
    }

    @Test
    void corruptStreamsAreRefused() {
        byte[] dst = new byte[16];
        // offset 0
        assertEquals(-1, Pglz.decompress(bytes(0x01, 0x00, 0x00), 0, 3, dst, 0, 16, true));
        // offset before the start of the output
        assertEquals(-1, Pglz.decompress(bytes(0x02, 'a', 0x00, 0x05), 0, 4, dst, 0, 16, true));
        // truncated match
        assertEquals(-1, Pglz.decompress(bytes(0x02, 'a', 0x00), 0, 3, dst, 0, 16, true));
        // too short for the promised size when completeness is checked
        assertEquals(-1, Pglz.decompress(bytes(0x00, 'a', 'b'), 0, 3, dst, 0, 16, true));
        assertEquals(2, Pglz.decompress(bytes(0x00, 'a', 'b'), 0, 3, dst, 0, 16, false));
    }
}
