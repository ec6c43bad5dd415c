package org.xlogminer.live;

import org.xlogminer.mine.Checkpoints;

/**
 * Where a {@link Follower} stands between its sessions: the position (the last commit handled, or a
 * quiet LSN the caller stored), where the first session started handing over, the shutdown
 * checkpoint a later session may start at, and the last checkpoint handed to
 * {@link Follower.Committed#passed}. It decides where each session reads from and which checkpoints
 * are worth telling the caller or the server about; the follower does the telling.
 *
 * <p>Not thread-safe but for {@link #position()}, which any thread may read.
 */
final class FollowPosition {

    /** How many of the last commit LSNs handed over are kept, to name those a failover lost. */
    static final int RECENT = 1024;

    private volatile long position;
    /**
     * A shutdown checkpoint everything before which has been handled (0: none): the next session may
     * start reading there, where no transaction is open, whatever the slot kept before it.
     */
    private long cleanStart;
    /** Where the first session started handing over (its "now" when no position was given): later ones too. */
    private long firstFrom;
    /** The REDO point of the last checkpoint handed to {@link Follower.Committed#passed}: each once. */
    private long passedRedo;
    /** The last commit LSNs handed over, a ring: {@code recent[(handledCount - 1) % RECENT]} is the last. */
    private final long[] recent = new long[RECENT];
    private long handledCount;

    /** @param afterCommit the commit LSN to resume after (0: none) */
    FollowPosition(long afterCommit) {
        this.position = afterCommit;
    }

    /** The commit LSN of the last transaction handled, or a later quiet LSN stored; else the one given (0: none). */
    long position() {
        return position;
    }

    /** A transaction committed at {@code commitLsn} has been handled. */
    void handled(long commitLsn) {
        position = commitLsn;
        recent[(int) (handledCount++ % RECENT)] = commitLsn;
    }

    /**
     * The transactions handed over that a failover lost: their commit LSNs, oldest first (the last
     * {@link #RECENT} at most; {@code more}: there were more before them).
     */
    record Lost(long[] commits, boolean more) {
    }

    /**
     * A failover: the WAL followed goes on on a timeline that branched off at {@code switchPoint}.
     * What was handed over at or after it (the old primary's WAL that never reached the standby) is
     * not on the new history: the position, the first start and a clean start move back before the
     * switch point, so that the new timeline's transactions from there are handed over. Returns the
     * commits lost (none when the position was before the switch point).
     */
    Lost rewind(long switchPoint) {
        int n = 0;
        long kept = Math.min(handledCount, RECENT);
        while (n < kept && Long.compareUnsigned(recent[(int) ((handledCount - 1 - n) % RECENT)], switchPoint) >= 0) {
            n++;
        }
        long[] lost = new long[n];
        for (int i = 0; i < n; i++) {
            lost[i] = recent[(int) ((handledCount - n + i) % RECENT)];
        }
        boolean more = n == kept && handledCount > RECENT;
        handledCount -= n;
        if (Long.compareUnsigned(position, switchPoint) >= 0) {
            position = switchPoint - 1;
        }
        if (Long.compareUnsigned(firstFrom, switchPoint) > 0) {
            firstFrom = switchPoint;
        }
        if (Long.compareUnsigned(cleanStart, switchPoint) >= 0) {
            cleanStart = 0;
        }
        if (Long.compareUnsigned(passedRedo, switchPoint) >= 0) {
            passedRedo = 0;
        }
        return new Lost(lost, more);
    }

    /**
     * Where a session hands over from: after the position, else at {@code fromLsn}, else where the
     * first session did, else at the server's {@code flushLsn} (now); the first call fixes that.
     */
    long handOverFrom(long fromLsn, long flushLsn) {
        long next = position != 0 ? position + 1 : fromLsn != 0 ? fromLsn
            : firstFrom != 0 ? firstFrom : flushLsn;
        if (firstFrom == 0) {
            firstFrom = next;
        }
        return next;
    }

    /** Where a session reads from: where it hands over from, or a later shutdown checkpoint. */
    long readFrom(long handOverFrom) {
        return Long.compareUnsigned(cleanStart, handOverFrom) > 0 ? cleanStart : handOverFrom;
    }

    /** A session starts reading at checkpoint {@code start} (or null): the slot keeps it already, only later ones count. */
    void sessionStarted(Checkpoints.Checkpoint start) {
        if (start != null && Long.compareUnsigned(start.redo(), passedRedo) > 0) {
            passedRedo = start.redo();
        }
    }

    /**
     * All that has arrived is read up to {@code to}, with the last checkpoint {@code c} and the
     * followed database's transactions none open when {@code nothingOpen}: true when {@code to} is
     * a new position to resume from (a checkpoint was read since the last one, and it is past the
     * position and the session's start {@code from}), which it then becomes.
     */
    boolean quiet(Checkpoints.Checkpoint c, long to, boolean nothingOpen, long from) {
        if (c == null || Long.compareUnsigned(c.redo(), passedRedo) <= 0 || !nothingOpen
            || Long.compareUnsigned(to, position) <= 0 || Long.compareUnsigned(to, from) < 0) {
            return false;
        }
        passedRedo = c.redo();
        position = to;
        return true;
    }

    /** Whether {@code c} is the shutdown checkpoint the next session starts at. */
    boolean isCleanStart(Checkpoints.Checkpoint c) {
        return c.lsn() == cleanStart;
    }

    /**
     * All that has arrived is handled, its last checkpoint {@code c}: true when that is a new
     * shutdown checkpoint past the position, which the next session then starts at.
     */
    boolean shutdownCheckpoint(Checkpoints.Checkpoint c) {
        if (c != null && c.redo() == c.lsn() && Long.compareUnsigned(c.lsn(), cleanStart) > 0
            && Long.compareUnsigned(c.lsn(), position) > 0) {
            cleanStart = c.lsn();
            return true;
        }
        return false;
    }
}
