package org.xlogminer.wal.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xlogminer.wal.reader.TimelineHistory;

/**
 * Which file is read for each segment after a failover at 0/6000148 (timeline 1 to 2, 16 MB
 * segments): before the switch timeline 1's, the segment holding it timeline 2's copy (or, when
 * only timeline 1's is there, that one up to the switch point), after it timeline 2's only (never
 * the old primary's diverged segments).
 */
class SegmentChoiceTest {

    private static final int SEG = 16 << 20;
    private static final TimelineHistory TWO = TimelineHistoryParser.parse(
        "1\t0/6000148\tno recovery target specified\n".getBytes(StandardCharsets.UTF_8), 2, "00000002.history");

    private static List<SegmentFile> files(String... names) {
        List<SegmentFile> l = new ArrayList<>();
        for (String n : names) {
            l.add(SegmentFile.parse(Path.of("/a", n), Compression.NONE));
        }
        return l;
    }

    @Test
    void eachSegmentComesFromTheTimelineCurrentOnThePath() {
        SegmentChoice c = SegmentChoice.of(files("000000010000000000000005", "000000010000000000000006",
            "000000010000000000000006.partial", "000000020000000000000006", "000000010000000000000007",
            "000000020000000000000007", "000000010000000000000008"), TWO, SEG);
        assertArrayEquals(new long[] {5, 6, 7}, c.segnos(), "the old primary's 8 is off the path");
        assertEquals("000000010000000000000005", c.chosen()[0].name());
        assertEquals("000000020000000000000006", c.chosen()[1].name());
        assertEquals(0, c.others()[1].length, "timeline 1's copies of 6 are not read");
        assertEquals("000000020000000000000007", c.chosen()[2].name());
        assertEquals(SEG, c.readable(1, SEG));
    }

    @Test
    void withoutTheNewTimelinesCopyTheOldOneIsReadUpToTheSwitchPoint() {
        SegmentChoice c = SegmentChoice.of(files("000000010000000000000006", "000000010000000000000006.partial",
            "000000010000000000000007"), TWO, SEG);
        assertArrayEquals(new long[] {6}, c.segnos());
        assertEquals(0x148, c.readable(0, SEG));
        assertEquals(1, c.others()[0].length, "the .partial is compared up to the switch point");
    }

    @Test
    void timelineOneIsItsOwnPath() {
        SegmentChoice c = SegmentChoice.of(files("000000010000000000000006", "000000020000000000000006",
            "000000010000000000000007"), TimelineHistory.single(1), SEG);
        assertArrayEquals(new long[] {6, 7}, c.segnos());
        assertEquals("000000010000000000000007", c.chosen()[1].name());
        assertNull(SegmentChoice.of(files("000000020000000000000006"), TimelineHistory.single(1), SEG));
    }
}
