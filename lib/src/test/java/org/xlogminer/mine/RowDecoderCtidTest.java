package org.xlogminer.mine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The hand-written ctid text is PostgreSQL's tid output, "(block,offnum)", for any block and offnum. */
class RowDecoderCtidTest {

    @Test
    void writesBlockAndOffnumAsTidText() {
        byte[] scratch = new byte[24];
        long[] blocks = {0, 1, 9, 10, 99, 100, 123456789, 4294967294L, 4294967295L};
        int[] offnums = {1, 9, 10, 291, 65535};
        for (long b : blocks) {
            for (int o : offnums) {
                assertEquals("(" + b + "," + o + ")", RowDecoder.ctid(b, o, scratch));
            }
        }
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            long b = r.nextLong(1L << 32);
            int o = 1 + r.nextInt(65535);
            assertEquals("(" + b + "," + o + ")", RowDecoder.ctid(b, o, scratch));
        }
    }

    @Test
    void offnumZeroIsNoTuple() {
        assertNull(RowDecoder.ctid(5, 0, new byte[24]));
    }
}
