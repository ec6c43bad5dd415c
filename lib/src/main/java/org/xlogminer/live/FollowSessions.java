package org.xlogminer.live;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;

import org.xlogminer.catalog.CatalogConnector;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.event.ChangeHandler;
import org.xlogminer.mine.Checkpoints;
import org.xlogminer.mine.Miner;
import org.xlogminer.mine.MinerBuilder;
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.reader.EndOfWal;
import org.xlogminer.wal.reader.TimelineHistory;

/**
 * The sessions of one {@link Follower}, one connection's worth each ({@link #run}): connect, check
 * that the server is the same cluster and where its timeline stands, create the slot, learn the
 * server's facts, start the {@link WalReceiver} and mine the spool as it grows, handing each
 * transaction over through {@link Acknowledging} and telling the slot what may go
 * ({@link FollowPosition} decides where each session reads from).
 *
 * <p>It exists apart from {@link Follower} so that the public entry point (the builder, the
 * callbacks, the reconnection loop with its back-off) stays apart from the streaming and mining of
 * one session; it keeps what the sessions share: the first server's identity, whether the slot was
 * created, the stop flag, and the current session's catalog, miner and spool.
 *
 * <p>Not thread-safe but for {@link #stop()}, {@link #stopped()} and {@link #catalog()}: the thread
 * in {@link Follower#follow} calls {@link #run}.
 */
final class FollowSessions {

    private final Follower.Builder b;
    /** The position, and where each session reads from. */
    private final FollowPosition at;
    /** The timeline of the WAL handed over: a later session's server must have it on its history. */
    private final FollowedTimeline followed;
    private volatile boolean stop;
    private volatile Miner current;
    private volatile CatalogSnapshot catalog;
    private volatile StreamedSegments segments;
    private boolean slotCreated;
    /** What the first session's server said it is: later ones must be the same cluster. */
    private ReplicationConnection.Identity first;

    FollowSessions(Follower.Builder b, FollowPosition at, FollowedTimeline followed) {
        this.b = b;
        this.at = at;
        this.followed = followed;
    }

    /** The catalog snapshot of the current session, null before the first. Safe from any thread. */
    CatalogSnapshot catalog() {
        return catalog;
    }

    /** Whether {@link #stop()} was called. Safe from any thread. */
    boolean stopped() {
        return stop;
    }

    /** Ends the session after the transaction being handled (or at once while waiting). Any thread. */
    void stop() {
        stop = true;
        StreamedSegments s = segments;
        if (s != null) {
            s.wakeUp();
        }
    }

    /**
     * One connection's worth: returns false on stop, true when the spool has reached its limit (a new
     * session then starts after the position, with a new spool), throws when the server goes away.
     */
    boolean run(ChangeHandler handler, Follower.Committed committed) throws SQLException, IOException, InterruptedException {
        try (ReplicationConnection rc = ReplicationConnection.open(b.login, Follower.APPLICATION)) {
            ReplicationConnection.Identity id = rc.identify();
            if (first == null) {
                first = id;
            }
            id.checkSameSystem(first, b.login.url(), at.position());
            TimelineHistory history = rc.timelineHistory(id.timeline());
            if (followed.enter(history, at, b.login.url(), b.notices)) {
                committed.timelineSwitched(followed.timeline(), at.position());
                slotCreated = false; // the old primary's slot: a promoted standby has no copy of it
            }
            if (b.slot != null && b.createSlot && !slotCreated) {
                createSlot(rc);
            }
            ServerFacts facts;
            try (Connection c = CatalogConnector.connect(b.login, Follower.APPLICATION, null)) {
                facts = ServerFacts.read(c, b.slot);
            } catch (SQLException e) {
                throw FollowedTimeline.slotMissing(e, history);
            }
            catalog = facts.catalog();
            long from = at.readFrom(at.handOverFrom(b.fromLsn, id.flushLsn()));
            long streamStart = facts.streamStart(from);
            try (StreamedSegments seg = new StreamedSegments(b.spillDir, facts.segmentSize(), history, streamStart);
                 TimelineStreams streams = new TimelineStreams(rc, history, b.slot, b.notices)) {
                WalReceiver receiver = new WalReceiver(streams.first(streamStart), streams, seg, () -> {
                    Miner m = current;
                    return m == null ? Math.max(from, seg.receivedEnd() - b.maxAhead) : m.position();
                }, b.maxAhead, b.gatherNanos);
                Thread t = new Thread(receiver, "xlogminer-wal-receiver");
                t.setDaemon(true);
                segments = seg;
                t.start();
                try {
                    return mine(seg, facts, from, streamStart, receiver, handler, committed);
                } finally {
                    receiver.stop();
                    t.join(5_000);
                    segments = null;
                }
            }
        }
    }

    private void createSlot(ReplicationConnection rc) throws SQLException {
        try {
            rc.createSlot(b.slot);
            b.notices.accept("created the physical replication slot " + b.slot);
        } catch (SQLException e) {
            if (!"42710".equals(e.getSQLState())) { // duplicate_object: it is there already
                throw e;
            }
        }
        slotCreated = true;
    }

    /** Mines what arrives; false on stop, true when the spool is past its limit at a commit handled. */
    private boolean mine(StreamedSegments seg, ServerFacts facts, long from, long streamStart, WalReceiver receiver,
                      ChangeHandler handler, Follower.Committed committed) throws InterruptedException {
        while (!seg.awaitBeyond(from - 1, 200)) { // the WAL up to the start, to find the checkpoint in
            if (stop) {
                return false;
            }
        }
        long mark = seg.receivedEnd();
        MinerBuilder mb = Miner.builder(seg, facts.catalog()).fromLsn(from)
            .includeAborted(b.includeAborted).includeSystemCatalogs(b.includeSystemCatalogs).spillDir(b.spillDir);
        if (b.memoryBudget > 0) {
            mb.memoryBudget(b.memoryBudget);
        }
        try (Miner miner = mb.build()) {
            current = miner;
            at.sessionStarted(miner.lastCheckpoint()); // the slot keeps it already: only checkpoints read from here on
            Acknowledging ack = new Acknowledging(handler, committed, miner, receiver, streamStart, commitLsn -> {
                at.handled(commitLsn);
                if (stop) {
                    throw new Stopped();
                }
            }, b.groupMax, b.groupNanos);
            while (!stop) {
                try {
                    miner.stream(ack);
                } catch (Stopped s) {
                    return false;
                }
                ack.endGroup(); // all that arrived is handled: what waits is written out before waiting
                caughtUp(miner, receiver, seg);
                quiet(miner, receiver, seg, from, committed);
                long position = at.position();
                if (position != 0 && Long.compareUnsigned(position, from) >= 0 // handed over one here
                    && seg.receivedEnd() - streamStart > b.spoolLimit) {
                    b.notices.accept("the spool holds " + ((seg.receivedEnd() - streamStart) >> 20)
                        + " MB of WAL: a new session after commit " + Lsn.format(position));
                    return true;
                }
                EndOfWal end = miner.endOfWal();
                if (end != null && end.reason() == EndOfWal.Reason.PREV_LINK_MISMATCH
                    || end != null && end.reason() == EndOfWal.Reason.RECYCLED_PAGE) {
                    throw new WalFormatException("the streamed WAL ends: " + end, end.segment(), end.lsn());
                }
                while (!seg.awaitBeyond(mark, 200)) {
                    if (stop) {
                        return false;
                    }
                }
                mark = seg.receivedEnd();
                if (!miner.resume()) {
                    throw new WalFormatException("the streamed WAL ends: " + miner.endOfWal(),
                        end == null ? null : end.segment(), end == null ? 0 : end.lsn());
                }
            }
        } finally {
            current = null;
        }
        return false;
    }

    /**
     * All that has arrived is read: when none of the followed database's transactions is open, all
     * it committed up to here is handled, and after a checkpoint read since the last time, that is
     * a position to resume from (a restart reads from that checkpoint on, and every transaction
     * that ends later lies whole after it). Handed to the caller to store; once stored, the slot is
     * told the checkpoint's REDO point, so that the server does not keep the WAL of other
     * databases' work while the followed one is quiet.
     */
    private void quiet(Miner miner, WalReceiver receiver, StreamedSegments seg, long from, Follower.Committed committed) {
        Checkpoints.Checkpoint c = miner.lastCheckpoint();
        long to = miner.readTo() - 1; // every record before readTo() is read: commits up to here are handled
        if (!at.quiet(c, to, miner.nothingOpen(), from)) {
            return;
        }
        boolean stored;
        try {
            stored = committed.passed(to);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (stored) { // at a shutdown checkpoint all that arrived stays reported flushed: the server waits for it
            receiver.acknowledge(at.isCleanStart(c) ? seg.receivedEnd() : c.redo(), to);
        }
    }

    /**
     * All that has arrived is handled. When it ends with a shutdown checkpoint, the server is going
     * down and its WAL sender waits until the WAL it sent is reported flushed: report all of it
     * (the slot then keeps WAL from there), and start the next session at that checkpoint.
     */
    private void caughtUp(Miner miner, WalReceiver receiver, StreamedSegments seg) {
        Checkpoints.Checkpoint c = miner.lastCheckpoint();
        if (at.shutdownCheckpoint(c)) {
            receiver.acknowledge(seg.receivedEnd(), at.position());
        }
    }

    /** Thrown out of the miner after a transaction was handled, when asked to stop. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }
}
