package org.xlogminer.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** A packed ctid's text is PostgreSQL's tid output, "(block,offnum)", for any block and offnum. */
class SourceCtidTest {

    @Test
    void writesBlockAndOffnumAsTidText() {
        long[] blocks = {0, 1, 9, 10, 99, 100, 123456789, 4294967294L, 4294967295L};
        int[] offnums = {1, 9, 10, 291, 65535};
        for (long b : blocks) {
            for (int o : offnums) {
                assertEquals("(" + b + "," + o + ")", Source.ctidText(Source.tid(b, o)));
            }
        }
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            long b = r.nextLong(1L << 32);
            int o = 1 + r.nextInt(65535);
            assertEquals("(" + b + "," + o + ")", Source.ctidText(Source.tid(b, o)));
        }
    }

    @Test
    void offnumZeroIsNoTuple() {
        assertNull(Source.ctidText(Source.tid(5, 0)));
    }

    @Test
    void aSourceOfPackedCtidsIsTheSourceOfTheirText() {
        Instant t = Instant.parse("2026-11-21T10:00:00Z");
        Source packed = Source.of(0x100, 0x200, 727, t, "public", "t", Source.tid(4294967295L, 7), Source.tid(3, 0));
        Source text = new Source(0x100, 0x200, 727, t, "public", "t", "(4294967295,7)", null);
        assertEquals("(4294967295,7)", packed.oldCtid());
        assertNull(packed.newCtid());
        assertEquals(text, packed);
        assertEquals(packed, text);
        assertEquals(text.hashCode(), packed.hashCode());
        assertEquals(text.toString(), packed.toString());
        assertEquals("Source[lsn=256, commitLsn=512, xid=727, commitTime=2026-11-21T10:00:00Z, schema=public, table=t,"
            + " oldCtid=(4294967295,7), newCtid=null]", text.toString());
    }
}
