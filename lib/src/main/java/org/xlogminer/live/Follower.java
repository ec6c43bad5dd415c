package org.xlogminer.live;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Consumer;

import org.postgresql.replication.PGReplicationStream;
import org.xlogminer.catalog.CatalogConnector;
import org.xlogminer.event.ChangeHandler;
import org.xlogminer.mine.Checkpoints;
import org.xlogminer.mine.Miner;
import org.xlogminer.mine.MinerBuilder;
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.reader.EndOfWal;
import org.xlogminer.wal.reader.TimelineHistory;

/**
 * Follows a live server: streams its WAL over physical replication (a physical slot keeps it while
 * the follower is away) and mines it as it arrives, handing each transaction to a
 * {@link ChangeHandler} once its commit record has arrived, in commit order.
 *
 * <p>The delivery contract: a transaction is handed over whole ({@code begin}, its changes,
 * {@code end}); after {@code end} returned, {@link Committed#committed} is called (write out, save the
 * position), and only after that returned is the server told. The position is the last commit LSN
 * handled: a follower started again {@linkplain Builder#afterCommit after it} hands over what
 * committed after it, so nothing is lost and, if the position was saved, nothing repeated (at least
 * once; a transaction handled but whose position was not saved comes again, with the same commit LSN).
 *
 * <p>On start (and restart) it reads from the checkpoint at or before the position, so that old rows
 * are recoverable; the server has that WAL while the slot has not released it: the slot is told
 * the REDO point of the last checkpoint before the last commit handled ({@link Miner#restartLsn()})
 * as flushed, the commit itself as applied. When the server goes away it reconnects, backing off,
 * and resumes from the position. {@link #stop()} (from any thread) ends after the transaction being
 * handled.
 *
 * <p>A failover (a multi-host URL leads to a promoted standby on a newer timeline) is followed
 * ({@link FollowedTimeline}): the stream goes on along the server's history, the old timeline's WAL
 * up to its switch point, then the new one's. Transactions handed over from the old primary past
 * the switch point were lost in the failover: they are named on the notices, and the new
 * timeline's from the switch point on are handed over ({@link Committed#timelineSwitched}).
 *
 * <p>Not thread-safe but for {@link #stop()}, {@link #position()} and {@link #timeline()}: one thread
 * calls {@link #follow}.
 */
public final class Follower {

    static final String APPLICATION = "xlogminer follow";

    /** Called once a transaction has been handled, before the server is told; may throw to stop. */
    @FunctionalInterface
    public interface Committed {
        void committed(org.xlogminer.event.TransactionInfo tx) throws IOException;

        /**
         * Everything the followed database committed up to {@code lsn} has been handled, and none of
         * its transactions is open there (its WAL since held other databases' work, or nothing):
         * store {@code lsn} as the position, as a commit LSN ({@link Builder#afterCommit} resumes
         * after it), and return true; only then is the slot moved on, to the REDO point of the last
         * checkpoint before {@code lsn}. Called at most once per checkpoint read. The default stores
         * nothing and returns false: the slot then moves only when a transaction is handled, and
         * the server keeps all the WAL written meanwhile, other databases' too.
         */
        default boolean passed(long lsn) throws IOException {
            return false;
        }

        /**
         * A failover: the server is on a newer timeline ({@code timeline}) whose history branched
         * off the followed one at a switch point, and the position moved back to {@code position},
         * before it (transactions handed over at or after the switch point were lost in the
         * failover: a notice names them). Store {@code position}: the transactions the new timeline
         * committed after it come next. The default stores nothing.
         */
        default void timelineSwitched(int timeline, long position) throws IOException {
        }
    }

    private final Builder b;
    /** The position, and where each session reads from. */
    private final FollowPosition at;
    private volatile boolean stop;
    private volatile Miner current;
    private volatile org.xlogminer.catalog.CatalogSnapshot catalog;
    private volatile StreamedSegments segments;
    private boolean slotCreated;
    /** What the first session's server said it is: later ones must be the same cluster. */
    private ReplicationConnection.Identity first;
    /** The timeline of the WAL handed over: a later session's server must have it on its history. */
    private final FollowedTimeline followed;

    private Follower(Builder b) {
        this.b = b;
        this.at = new FollowPosition(b.afterCommit);
        this.followed = new FollowedTimeline(b.afterTimeline);
    }

    public static Builder builder(CatalogConnector.Login login) {
        return new Builder(login);
    }

    /**
     * The catalog snapshot of the current session (captured when it connected, before it streams),
     * null before the first; the handler's calls come with it. Safe to read from any thread.
     */
    public org.xlogminer.catalog.CatalogSnapshot catalog() {
        return catalog;
    }

    /**
     * The position: the commit LSN of the last transaction handled, or a later LSN up to which the
     * followed database committed nothing ({@link Committed#passed}); else the one given to start
     * after (0: none).
     */
    public long position() {
        return at.position();
    }

    /** The timeline of the WAL followed (the server's, as of the last session); 0 before the first. */
    public int timeline() {
        return followed.timeline();
    }

    /** Ends {@link #follow} after the transaction being handled (or at once while waiting). */
    public void stop() {
        stop = true;
        StreamedSegments s = segments;
        if (s != null) {
            s.wakeUp();
        }
    }

    /**
     * Follows until {@link #stop()}: connects, streams, mines, hands over; reconnects when the server
     * goes away, for at most {@link Builder#retryFor} in a row.
     *
     * @throws ReplicationDeniedException when the role may not replicate
     * @throws SQLException               when connecting fails for another reason than the server
     *                                    being away, or it stays away too long
     * @throws IOException                the spool failed
     * @throws java.io.UncheckedIOException what {@code committed} threw, wrapped
     */
    public void follow(ChangeHandler handler, Committed committed) throws SQLException, IOException, InterruptedException {
        long backoff = 250;
        long awaySince = 0;
        if (b.slot == null) {
            b.notices.accept("warning: no --slot: the server may remove WAL that has not been read while"
                + " xlogminer is away or behind; changes in it would be lost");
        }
        while (!stop) {
            try {
                if (!session(handler, committed)) {
                    return;
                }
                backoff = 250; // a new session to bound the spool: go on at once
                awaySince = 0;
                continue;
            } catch (SQLException | StreamedSegments.ReceiverFailedException e) {
                SQLException sql = e instanceof SQLException s ? s
                    : e.getCause() instanceof SQLException s ? s : null;
                if (sql == null || sql instanceof ReplicationDeniedException || !serverAway(sql)) {
                    if (e instanceof SQLException s) {
                        throw s;
                    }
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw (RuntimeException) e;
                }
                long now = System.nanoTime();
                if (awaySince == 0) {
                    awaySince = now;
                } else if (now - awaySince > b.retryFor.toNanos()) {
                    throw sql;
                }
                b.notices.accept("the server went away (" + sql.getMessage() + "); connecting again in "
                    + backoff + " ms, from after " + Lsn.format(at.position()));
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 10_000);
            }
            if (stop) {
                return;
            }
        }
    }

    /** Connection errors (SQLSTATE class 08) and a server shutting down or starting up (57P01-57P03). */
    static boolean serverAway(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
            || state.equals("57P03") || state.equals("53300"));
    }

    /**
     * One connection's worth: returns false on stop, true when the spool has reached its limit (a new
     * session then starts after the position, with a new spool), throws when the server goes away.
     */
    private boolean session(ChangeHandler handler, Committed committed) throws SQLException, IOException, InterruptedException {
        try (ReplicationConnection rc = ReplicationConnection.open(b.login, APPLICATION)) {
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
            try (Connection c = CatalogConnector.connect(b.login, APPLICATION, null)) {
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
                }, b.maxAhead);
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
                      ChangeHandler handler, Committed committed) throws InterruptedException {
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
            });
            while (!stop) {
                try {
                    miner.stream(ack);
                } catch (Stopped s) {
                    return false;
                }
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
    private void quiet(Miner miner, WalReceiver receiver, StreamedSegments seg, long from, Committed committed) {
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

    /** Where and how to follow. */
    public static final class Builder {
        private final CatalogConnector.Login login;
        private String slot;
        private boolean createSlot;
        private long afterCommit;
        private int afterTimeline;
        private long fromLsn;
        private boolean includeAborted;
        private boolean includeSystemCatalogs;
        private long memoryBudget;
        private long maxAhead = 64L << 20;
        private long spoolLimit = 1L << 30;
        private Duration retryFor = Duration.ofMinutes(5);
        private Path spillDir = Path.of(System.getProperty("java.io.tmpdir"));
        private Consumer<String> notices = s -> { };

        private Builder(CatalogConnector.Login login) {
            this.login = login;
        }

        /** Stream through this physical slot (PostgreSQL's slot-name rules), creating it when asked. */
        public Builder slot(String name, boolean create) {
            if (!ReplicationConnection.SLOT_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("slot name " + name
                    + ": lower-case letters, digits and underscores only, at most 63");
            }
            this.slot = name;
            this.createSlot = create;
            return this;
        }

        /** Resume: hand over transactions that commit after this commit LSN (a saved {@link #position()}). */
        public Builder afterCommit(long commitLsn) {
            return afterCommit(commitLsn, 0);
        }

        /**
         * Resume after a commit LSN of this timeline ({@link #timeline()} when the position was
         * stored): a server on a newer timeline whose history branched off it before the position
         * (a failover while the follower was away) is then followed from the switch point, as
         * when the follower sees the failover itself. Without the timeline (0) the first server's
         * is taken, and such a failover is not seen: the new timeline's transactions between the
         * switch point and the position would not be handed over.
         */
        public Builder afterCommit(long commitLsn, int timeline) {
            this.afterCommit = commitLsn;
            this.afterTimeline = timeline;
            return this;
        }

        /** Without a position: hand over transactions that commit at or after this LSN (default: from now). */
        public Builder fromLsn(long lsn) {
            this.fromLsn = lsn;
            return this;
        }

        public Builder includeAborted(boolean include) {
            this.includeAborted = include;
            return this;
        }

        public Builder includeSystemCatalogs(boolean include) {
            this.includeSystemCatalogs = include;
            return this;
        }

        /** Bytes of open transactions' records in memory before they spill (0: the miner's default). */
        public Builder memoryBudget(long bytes) {
            this.memoryBudget = bytes;
            return this;
        }

        /** Bytes of WAL received ahead of the mining before the socket is no longer read (default 64 MB). */
        public Builder maxAhead(long bytes) {
            this.maxAhead = bytes;
            return this;
        }

        /**
         * Bytes of streamed WAL spooled before the follower starts a new session after its position
         * (default 1 GB): the spool holds a session's WAL (full-page images are read again from it),
         * so this bounds the disk it takes, at the cost of reading again from the checkpoint before
         * the position each time.
         */
        public Builder spoolLimit(long bytes) {
            this.spoolLimit = bytes;
            return this;
        }

        /** How long the server may stay away before {@link #follow} gives up (default 5 minutes). */
        public Builder retryFor(Duration d) {
            this.retryFor = d;
            return this;
        }

        /** Where the streamed WAL is spooled and spills go (default java.io.tmpdir). */
        public Builder spillDir(Path dir) {
            this.spillDir = dir;
            return this;
        }

        /** Where messages for a person go (a reconnection, a slot created). */
        public Builder notices(Consumer<String> sink) {
            this.notices = sink;
            return this;
        }

        public Follower build() {
            return new Follower(this);
        }
    }
}
