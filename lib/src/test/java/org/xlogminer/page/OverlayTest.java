package org.xlogminer.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * A tracked page's tuples by offset number against a HashMap: searched while few, indexed by
 * offset number from {@code DIRECT} entries on, and back to searching when an offset number past
 * the index (no valid 8 kB page has one) arrives.
 */
class OverlayTest {

    private static void check(Overlay o, Map<Integer, byte[]> expected, int upTo) {
        for (int off = 0; off <= upTo; off++) {
            assertSame(expected.get(off), o.get(off), "offset number " + off);
        }
        assertEquals(expected.size(), o.n);
        Map<Integer, byte[]> seen = new HashMap<>();
        o.forEach((t, off) -> assertNull(seen.put(off, t), "offset number " + off + " twice"));
        assertEquals(expected, seen);
        assertEquals(expected.values().stream().mapToInt(t -> t.length + 3).sum(), o.tupleBytes(3));
    }

    @Test
    void sameAsAMapWhateverTheCount() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            Overlay o = new Overlay();
            Map<Integer, byte[]> expected = new HashMap<>();
            int entries = 1 + random.nextInt(300);
            int range = random.nextBoolean() ? 40 : Overlay.MAX_DIRECT;
            for (int step = 0; step < entries; step++) {
                // now and then an offset number past the index: the overlay must go back to searching
                int off = random.nextInt(60) == 0 ? Overlay.MAX_DIRECT + 1 + random.nextInt(65_535 - 292)
                    : 1 + random.nextInt(range);
                byte[] t = new byte[1 + random.nextInt(8)];
                assertSame(expected.put(off, t), o.put(off, t));
            }
            check(o, expected, Overlay.MAX_DIRECT + 5);
            for (int off : expected.keySet()) {
                assertSame(expected.get(off), o.get(off));
            }
            assertSame(expected.get(65_534), o.get(65_534));
            assertNull(o.get(-1));
        }
    }

    @Test
    void indexedFromDirectEntriesOn() {
        Overlay o = new Overlay();
        for (int off = 1; off < Overlay.DIRECT; off++) {
            o.put(off, new byte[] {(byte) off});
        }
        int capacity = 4; // the searched arrays start at 4 entries and double
        while (capacity < Overlay.DIRECT - 1) {
            capacity *= 2;
        }
        assertEquals(48 + 6 * capacity, o.arrayBytes());
        o.put(Overlay.DIRECT, new byte[] {1});
        assertNull(o.offnums, "indexed by offset number");
        assertEquals(16 + 4 * (Overlay.MAX_DIRECT + 1) + 16, o.arrayBytes());
        byte[] far = {2};
        o.put(Overlay.MAX_DIRECT + 1, far);
        assertEquals(Overlay.DIRECT + 1, o.n);
        assertEquals(false, o.offnums == null, "searched again");
        assertSame(far, o.get(Overlay.MAX_DIRECT + 1));
        for (int off = 1; off <= Overlay.DIRECT; off++) {
            assertEquals(off < Overlay.DIRECT ? off : 1, o.get(off)[0]);
        }
    }
}
