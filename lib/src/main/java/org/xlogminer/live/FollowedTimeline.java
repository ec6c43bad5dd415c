package org.xlogminer.live;

import java.sql.SQLException;
import java.util.function.Consumer;

import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.reader.TimelineHistory;

/**
 * The timeline whose WAL a {@link Follower} has read, and what happens when a session finds the
 * server on a newer one (a standby promoted behind a multi-host URL): the server's history
 * ({@code TIMELINE_HISTORY}) must contain the followed timeline, and says where it ended on the new
 * path, its switch point. Transactions handed over at or after it were the old primary's WAL that
 * had not reached the standby (asynchronous replication): lost in the failover. They are named on
 * the notices, and the position moves back before the switch point, so that the new timeline's
 * transactions from there on are handed over. A server whose history does not contain the followed
 * timeline (another history, or the old primary again after the standby took over) is a clear stop.
 *
 * <p>Not thread-safe: the following thread's.
 */
final class FollowedTimeline {

    /** The followed timeline; 0 before the first session (and not given). */
    private volatile int timeline;

    /** @param timeline the timeline of a position resumed from (0: not known, the first server's) */
    FollowedTimeline(int timeline) {
        this.timeline = timeline;
    }

    int timeline() {
        return timeline;
    }

    /**
     * A session's server is on {@code history}'s timeline: checks it against the followed one and,
     * when it is newer, moves {@code at} back before the switch point; returns whether it switched.
     *
     * @throws SQLException (no SQLSTATE: not retried) when the history does not contain the followed timeline
     */
    boolean enter(TimelineHistory history, FollowPosition at, String url, Consumer<String> notices) throws SQLException {
        int now = history.timeline();
        if (timeline == 0 || timeline == now) {
            timeline = now;
            return false;
        }
        if (Integer.compareUnsigned(now, timeline) < 0 || !history.contains(timeline)) {
            throw new SQLException("the server reached through " + url + " is on timeline " + Integer.toUnsignedString(now)
                + ", whose history (" + history + ") does not contain timeline " + Integer.toUnsignedString(timeline)
                + ", the WAL followed: its WAL is not the continuation of what was handed over (another history,"
                + " or an old primary after a standby took over); stopped after " + Lsn.format(at.position()));
        }
        long switchPoint = history.endOf(timeline);
        long was = at.position();
        FollowPosition.Lost lost = at.rewind(switchPoint);
        notices.accept("the server is on timeline " + Integer.toUnsignedString(now) + " now (a standby was promoted):"
            + " timeline " + Integer.toUnsignedString(timeline) + " ended at " + Lsn.format(switchPoint)
            + " on its history; following it from there");
        if (lost.commits().length == 0 && Long.compareUnsigned(was, switchPoint) >= 0) { // a position resumed from
            notices.accept("warning: the position " + Lsn.format(was) + " is on timeline " + Integer.toUnsignedString(timeline)
                + " after its switch point " + Lsn.format(switchPoint) + ": what was handed over from there up to it is not"
                + " on timeline " + Integer.toUnsignedString(now) + "'s history (lost in the failover); following timeline "
                + Integer.toUnsignedString(now) + " from " + Lsn.format(switchPoint));
        } else if (lost.commits().length > 0) {
            notices.accept("warning: " + describe(lost) + " handed over from timeline " + Integer.toUnsignedString(timeline)
                + " committed at or after its switch point " + Lsn.format(switchPoint) + " and are not on timeline "
                + Integer.toUnsignedString(now) + "'s history: the old primary's WAL that had not reached the standby,"
                + " lost in the failover (the new primary never had them; its own transactions from "
                + Lsn.format(switchPoint) + " on come next, and may have the same commit LSNs)");
        }
        timeline = now;
        return true;
    }

    /**
     * What reading the server's facts failed with, said better when the slot is missing on a server
     * with a timeline history (a promoted standby): there is no copy of the old primary's slots.
     */
    static SQLException slotMissing(SQLException e, TimelineHistory history) {
        if (!"42704".equals(e.getSQLState()) || !history.hasSwitches()) {
            return e;
        }
        return new SQLException(e.getMessage() + "; the server is on timeline " + Integer.toUnsignedString(history.timeline())
            + " (" + history + "): a promoted standby has no copy of the old primary's physical slots (before"
            + " PostgreSQL 17's failover slots); create the slot there, or follow with --create-slot", "42704", e);
    }

    /** As "3 transactions (commit LSNs 0/3001000, 0/3001200, 0/3001400)", at most 20 of them named. */
    static String describe(FollowPosition.Lost lost) {
        long[] c = lost.commits();
        StringBuilder sb = new StringBuilder();
        sb.append(lost.more() ? "more than " : "").append(c.length).append(c.length == 1 ? " transaction" : " transactions");
        sb.append(" (commit LSN").append(c.length == 1 ? " " : "s ");
        if (c.length > 20) {
            sb.append(Lsn.format(c[0])).append(" to ").append(Lsn.format(c[c.length - 1]));
        } else {
            for (int i = 0; i < c.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(Lsn.format(c[i]));
            }
        }
        return sb.append(')').toString();
    }
}
