package org.xlogminer.compress;

/**
 * Decompression of PostgreSQL's pglz format ({@code src/common/pg_lzcompress.c}), used by full-page
 * images with {@code wal_compression=pglz} (or {@code on} before 15) and by compressed datums.
 *
 * <p>The stream is a sequence of groups: one control byte, then eight items, one per control bit
 * from the least significant. A clear bit is a literal byte. A set bit is a back-reference of two
 * bytes {@code b0 b1} (and a third when the length nibble is 15): length {@code (b0 & 0x0F) + 3},
 * plus the third byte when that makes 18; offset {@code ((b0 & 0xF0) << 4) | b1}, counted back from
 * the current output position. References may overlap their own output.
 *
 * <p>Stateless and thread-safe.
 */
public final class Pglz {

    private Pglz() {
    }

    /**
     * Decompresses {@code src[srcOff, srcOff+srcLen)} into {@code dst[dstOff, dstOff+rawSize)}.
     *
     * @param checkComplete when true, the input must be used up exactly and fill rawSize exactly
     * @return the number of bytes written, or -1 when the input is corrupt
     */
    public static int decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int rawSize,
                                 boolean checkComplete) {
        int sp = srcOff;
        final int srcEnd = srcOff + srcLen;
        int dp = dstOff;
        final int dstEnd = dstOff + rawSize;
        while (sp < srcEnd && dp < dstEnd) {
            int ctrl = src[sp++] & 0xFF;
            for (int bit = 0; bit < 8 && sp < srcEnd && dp < dstEnd; bit++) {
                if ((ctrl & 1) != 0) {
                    if (sp + 1 >= srcEnd) {
                        return -1;
                    }
                    int b0 = src[sp] & 0xFF;
                    int b1 = src[sp + 1] & 0xFF;
                    sp += 2;
                    int len = (b0 & 0x0F) + 3;
                    int off = ((b0 & 0xF0) << 4) | b1;
                    if (len == 18) {
                        if (sp >= srcEnd) {
                            return -1;
                        }
                        len += src[sp++] & 0xFF;
                    }
                    if (off == 0 || off > dp - dstOff) {
                        return -1;
                    }
                    len = Math.min(len, dstEnd - dp);
                    int from = dp - off;
                    if (off >= len) {
                        System.arraycopy(dst, from, dst, dp, len);
                        dp += len;
                    } else {
                        for (int k = 0; k < len; k++) {
                            dst[dp++] = dst[from + k];
                        }
                    }
                } else {
                    dst[dp++] = src[sp++];
                }
                ctrl >>>= 1;
            }
        }
        if (checkComplete && (dp != dstEnd || sp != srcEnd)) {
            return -1;
        }
        return dp - dstOff;
    }
}
