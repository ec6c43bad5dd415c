package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * stats lists the same transactions with a bounded heap as a stable sort of all of them did: the
 * {@code top} largest, the earlier first among equal totals; all in commit order for top 0.
 */
class StatsListedTest {

    private static StatsCommand.TxCounts tx(long seq, long inserts, long updates) {
        StatsCommand.Counts c = new StatsCommand.Counts();
        c.inserts = inserts;
        c.updates = updates;
        return new StatsCommand.TxCounts(seq, null, c, List.of());
    }

    @Test
    void sameAsAStableSortOfAll() {
        SplittableRandom r = new SplittableRandom(11);
        for (int round = 0; round < 200; round++) {
            int n = r.nextInt(0, 300);
            int top = r.nextInt(0, 40);
            int spread = 1 + r.nextInt(10); // few distinct totals: many ties
            List<StatsCommand.TxCounts> all = new ArrayList<>();
            StatsCommand.Listed listed = new StatsCommand.Listed(top);
            for (int i = 0; i < n; i++) {
                StatsCommand.TxCounts t = tx(i, r.nextInt(spread), r.nextInt(spread));
                all.add(t);
                listed.add(t);
            }
            List<StatsCommand.TxCounts> expected = new ArrayList<>(all);
            if (top > 0) {
                expected.sort(Comparator.comparingLong((StatsCommand.TxCounts t) -> t.counts().total()).reversed());
                expected = expected.subList(0, Math.min(top, expected.size()));
            }
            assertEquals(expected.stream().map(StatsCommand.TxCounts::seq).toList(),
                listed.list().stream().map(StatsCommand.TxCounts::seq).toList(), "round " + round + ", top " + top);
        }
    }
}
