package org.xlogminer.compress;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * pglz data from outside (compressed full-page images and TOAST datums): {@link Pglz#decompress}
 * must return the bytes written or -1 for corrupt input, for any raw size up to a page and more,
 * and never write outside its window of the output. The input: a flag byte (bit 0: check that the
 * input is used up), the raw size (16 bits, little-endian), then the compressed bytes.
 */
class PglzFuzzTest {

    private static final int GUARD = 64;
    private final byte[] dst = new byte[GUARD + 65536 + GUARD];

    @FuzzTest(maxDuration = "5m")
    void decompress(byte[] input) {
        if (input.length < 3) {
            return;
        }
        boolean checkComplete = (input[0] & 1) != 0;
        int rawSize = (input[1] & 0xFF) | (input[2] & 0xFF) << 8;
        byte[] src = java.util.Arrays.copyOfRange(input, 3, input.length);
        java.util.Arrays.fill(dst, (byte) 0x5A);
        int n = Pglz.decompress(src, 0, src.length, dst, GUARD, rawSize, checkComplete);
        if (n < -1 || n > rawSize || checkComplete && n != -1 && n != rawSize) {
            throw new IllegalStateException("returned " + n + " for a raw size of " + rawSize);
        }
        for (int i = 0; i < GUARD; i++) {
            if (dst[i] != 0x5A || dst[GUARD + rawSize + i] != 0x5A) {
                throw new IllegalStateException("wrote outside [" + GUARD + ", " + (GUARD + rawSize) + ")");
            }
        }
    }
}
