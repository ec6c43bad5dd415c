package org.xlogminer.tx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The assembler's map of open transactions against a HashMap, through growth and removals. */
class XidMapTest {

    @Test
    void findsWhatWasAddedAndNothingRemoved() {
        Random random = new Random(7);
        XidMap map = new XidMap();
        Map<Integer, TxBuffer> expected = new HashMap<>();
        List<Integer> xids = new ArrayList<>();
        int next = -50; // xids wrap around: negative ints are xids past 2^31
        for (int step = 0; step < 200_000; step++) {
            if (xids.isEmpty() || random.nextInt(5) < 3 && expected.size() < 5_000) {
                int xid = random.nextInt(20) == 0 ? random.nextInt() : next++;
                if (expected.containsKey(xid)) {
                    continue;
                }
                TxBuffer b = new TxBuffer(xid);
                map.add(b);
                expected.put(xid, b);
                xids.add(xid);
            } else {
                int xid = xids.remove(random.nextInt(xids.size()));
                assertSame(expected.remove(xid), map.remove(xid));
                assertNull(map.get(xid));
            }
            int probe = xids.isEmpty() ? 0 : xids.get(random.nextInt(xids.size()));
            assertSame(expected.get(probe), map.get(probe));
        }
        assertEquals(expected.size(), map.entries().size());
        for (TxBuffer b : map.entries()) {
            assertSame(expected.get(b.xid), b);
        }
        assertNull(map.remove(Integer.MIN_VALUE + 12345));
        map.clear();
        assertEquals(0, map.entries().size());
    }
}
