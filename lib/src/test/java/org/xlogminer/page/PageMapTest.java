package org.xlogminer.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The tracker's page map against a HashMap, through growth and removals that shift runs back. */
class PageMapTest {

    private static List<Long> key(TrackedPage p) {
        return List.of((long) p.tablespace, (long) p.database, (long) p.relNumber, p.block);
    }

    @Test
    void findsWhatWasAddedAndNothingRemoved() {
        Random random = new Random(42);
        PageMap map = new PageMap();
        Map<List<Long>, TrackedPage> expected = new HashMap<>();
        List<TrackedPage> added = new ArrayList<>();
        for (int step = 0; step < 200_000; step++) {
            // few relations, blocks in a narrow range: long runs of neighbouring keys
            int rel = 16384 + random.nextInt(3);
            long block = random.nextInt(20_000) + (random.nextInt(50) == 0 ? 0xFFFF_FF00L : 0);
            TrackedPage found = map.get(1663, 5, rel, block);
            TrackedPage want = expected.get(List.of(1663L, 5L, (long) rel, block));
            assertSame(want, found);
            if (found == null && random.nextInt(3) > 0) {
                TrackedPage p = new TrackedPage(1663, 5, rel, block);
                map.add(p);
                expected.put(key(p), p);
                added.add(p);
            } else if (!added.isEmpty() && random.nextInt(2) == 0) {
                TrackedPage p = added.remove(random.nextInt(added.size()));
                if (expected.remove(key(p)) != null) {
                    map.remove(p);
                }
            }
            assertEquals(expected.size(), map.size());
        }
        for (TrackedPage p : expected.values()) {
            assertSame(p, map.get(p.tablespace, p.database, p.relNumber, p.block));
        }
        int inSlots = 0;
        for (TrackedPage p : map.entries()) {
            if (p != null) {
                inSlots++;
                assertSame(p, expected.get(key(p)));
            }
        }
        assertEquals(expected.size(), inSlots);
        for (TrackedPage p : new ArrayList<>(expected.values())) {
            map.remove(p);
            assertNull(map.get(p.tablespace, p.database, p.relNumber, p.block));
        }
        assertEquals(0, map.size());
    }
}
