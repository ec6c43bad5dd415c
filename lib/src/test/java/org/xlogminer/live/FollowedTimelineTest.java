package org.xlogminer.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xlogminer.wal.reader.TimelineHistory;

/**
 * A session's server on another timeline than the WAL followed: what the follower's position
 * becomes, what it says, and when it stops.
 */
class FollowedTimelineTest {

    private static final long SWITCH = 0x3000148L;
    private static final TimelineHistory ONE = TimelineHistory.single(1);
    private static final TimelineHistory TWO = TimelineHistory.of(2, new int[] {1}, new long[] {SWITCH}, "00000002.history");

    @Test
    void commitsPastTheSwitchPointAreNamedLostAndThePositionMovesBeforeIt() throws Exception {
        FollowedTimeline t = new FollowedTimeline(0);
        FollowPosition at = new FollowPosition(0);
        List<String> notices = new ArrayList<>();
        assertFalse(t.enter(ONE, at, "url", notices::add));
        at.handled(0x3000100L);
        at.handled(0x3000200L);
        at.handled(0x3000300L);
        assertTrue(t.enter(TWO, at, "url", notices::add));
        assertEquals(2, t.timeline());
        assertEquals(SWITCH - 1, at.position(), "the new timeline's transactions from the switch point on come next");
        assertEquals(SWITCH, at.handOverFrom(0, 0x9000000L));
        assertEquals("the server is on timeline 2 now (a standby was promoted): timeline 1 ended at 0/03000148 on its"
            + " history; following it from there", notices.get(0));
        assertTrue(notices.get(1).startsWith("warning: 2 transactions (commit LSNs 0/03000200, 0/03000300) handed over"
            + " from timeline 1 committed at or after its switch point 0/03000148"), notices.get(1));
        assertFalse(t.enter(TWO, at, "url", notices::add), "the same timeline again: nothing");
        assertEquals(2, notices.size());
    }

    @Test
    void aPositionBeforeTheSwitchPointStaysAndNothingIsLost() throws Exception {
        FollowedTimeline t = new FollowedTimeline(0);
        FollowPosition at = new FollowPosition(0);
        t.enter(ONE, at, "url", s -> { });
        at.handled(0x3000100L);
        List<String> notices = new ArrayList<>();
        assertTrue(t.enter(TWO, at, "url", notices::add));
        assertEquals(0x3000100L, at.position());
        assertEquals(1, notices.size(), notices.toString());
    }

    @Test
    void aPositionResumedFromPastTheSwitchPointMovesBeforeIt() throws Exception {
        FollowedTimeline t = new FollowedTimeline(1);
        FollowPosition at = new FollowPosition(0x3000300L);
        List<String> notices = new ArrayList<>();
        assertTrue(t.enter(TWO, at, "url", notices::add), "the first server is on a newer timeline than the position's");
        assertEquals(SWITCH - 1, at.position());
        assertTrue(notices.get(1).startsWith("warning: the position 0/03000300 is on timeline 1 after its switch point"
            + " 0/03000148"), notices.get(1));
    }

    @Test
    void aHistoryWithoutTheFollowedTimelineStops() throws Exception {
        FollowedTimeline t = new FollowedTimeline(0);
        FollowPosition at = new FollowPosition(0);
        t.enter(TWO, at, "url", s -> { });
        SQLException older = assertThrows(SQLException.class, () -> t.enter(ONE, at, "url", s -> { }));
        assertTrue(older.getMessage().contains("is on timeline 1, whose history (1) does not contain timeline 2"),
            older.getMessage());
        TimelineHistory other = TimelineHistory.of(3, new int[] {1}, new long[] {SWITCH}, "00000003.history");
        SQLException diverged = assertThrows(SQLException.class, () -> t.enter(other, at, "url", s -> { }));
        assertTrue(diverged.getMessage().contains("does not contain timeline 2"), diverged.getMessage());
        assertEquals(null, diverged.getSQLState(), "not a server away: not retried");
    }

    @Test
    void moreLostThanRememberedSaysSo() throws Exception {
        FollowedTimeline t = new FollowedTimeline(0);
        FollowPosition at = new FollowPosition(0);
        t.enter(ONE, at, "url", s -> { });
        for (int i = 0; i < FollowPosition.RECENT + 5; i++) {
            at.handled(SWITCH + 0x100L * (i + 1));
        }
        List<String> notices = new ArrayList<>();
        t.enter(TWO, at, "url", notices::add);
        assertTrue(notices.get(1).startsWith("warning: more than " + FollowPosition.RECENT + " transactions (commit LSNs "),
            notices.get(1));
    }
}
