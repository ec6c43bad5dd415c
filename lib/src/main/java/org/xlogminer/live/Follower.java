package org.xlogminer.live;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Consumer;

import org.xlogminer.catalog.CatalogConnector;
import org.xlogminer.event.ChangeHandler;
import org.xlogminer.mine.Miner;
import org.xlogminer.wal.Lsn;

/**
 * Follows a live server: streams its WAL over physical replication (a physical slot keeps it while
 * the follower is away) and mines it as it arrives, handing each transaction to a
 * {@link ChangeHandler} once its commit record has arrived, in commit order.
 *
 * <p>The delivery contract: a transaction is handed over whole ({@code begin}, its changes,
 * {@code end}); after {@code end} returned, {@link Committed#committed} is called (write out, save the
 * position; {@linkplain Builder#groupCommits in groups}: after the last of a group's), and only after
 * that returned is the server told. The position is the last commit LSN
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
 * <p>This class is the entry point: the settings ({@link Builder}), the callbacks ({@link Committed})
 * and the reconnection loop; one connection's streaming and mining is {@link FollowSessions}.
 *
 * <p>Not thread-safe but for {@link #stop()}, {@link #position()} and {@link #timeline()}: one thread
 * calls {@link #follow}.
 */
public final class Follower {

    static final String APPLICATION = "xlogminer follow";
    /** {@link Builder#gatherFor}'s default. */
    public static final Duration DEFAULT_GATHER = Duration.ofMillis(3);

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

        /**
         * With {@link Builder#groupCommits}: asked after each transaction of a group has been handed
         * over; true ends the group there ({@link #committed} is called with it). For a caller whose
         * buffer would otherwise write part of a group out before {@code committed} stores its
         * position: what is written out and not stored comes again after a crash. Default false.
         */
        default boolean groupFull() {
            return false;
        }
    }

    private final Builder b;
    /** The position, and where each session reads from. */
    private final FollowPosition at;
    /** The timeline of the WAL handed over: a later session's server must have it on its history. */
    private final FollowedTimeline followed;
    /** Streams and mines, one connection at a time; keeps the stop flag. */
    private final FollowSessions sessions;

    private Follower(Builder b) {
        this.b = b;
        this.at = new FollowPosition(b.afterCommit);
        this.followed = new FollowedTimeline(b.afterTimeline);
        this.sessions = new FollowSessions(b, at, followed);
    }

    public static Builder builder(CatalogConnector.Login login) {
        return new Builder(login);
    }

    /**
     * The catalog snapshot of the current session (captured when it connected, before it streams),
     * null before the first; the handler's calls come with it. Safe to read from any thread.
     */
    public org.xlogminer.catalog.CatalogSnapshot catalog() {
        return sessions.catalog();
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
        sessions.stop();
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
        while (!sessions.stopped()) {
            try {
                if (!sessions.run(handler, committed)) {
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
            if (sessions.stopped()) {
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

    /** Where and how to follow. */
    public static final class Builder {
        // package-private: FollowSessions reads them; callers outside the package see the methods only
        final CatalogConnector.Login login;
        String slot;
        boolean createSlot;
        long afterCommit;
        int afterTimeline;
        long fromLsn;
        boolean includeAborted;
        boolean includeSystemCatalogs;
        long memoryBudget;
        long maxAhead = 64L << 20;
        long spoolLimit = 1L << 30;
        Duration retryFor = Duration.ofMinutes(5);
        Path spillDir = Path.of(System.getProperty("java.io.tmpdir"));
        Consumer<String> notices = s -> { };
        int groupMax = 1;
        long groupNanos;
        long gatherNanos = DEFAULT_GATHER.toNanos();

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

        /**
         * Group commits: call {@link Committed#committed} (and then tell the server) for the last
         * transaction of a group rather than for each. A group ends when all the WAL that has
         * arrived is handled (the follower is about to wait for more), after {@code maxTransactions},
         * {@code maxDelay} after its first transaction was handed over, when
         * {@link Committed#groupFull()} says so, and before {@link #follow} returns on
         * {@link Follower#stop()}. A follower that keeps up thus still writes each transaction out as
         * it comes; one with a backlog writes out and stores its position once per group. The
         * handler sees every transaction at once either way; after a crash, the transactions of
         * the last group whose position was not stored come again (at least once). Default: groups of
         * one.
         */
        public Builder groupCommits(int maxTransactions, Duration maxDelay) {
            if (maxTransactions < 1 || maxDelay.isNegative()) {
                throw new IllegalArgumentException("groups of at least one transaction, a delay not negative");
            }
            this.groupMax = maxTransactions;
            this.groupNanos = maxDelay.toNanos();
            return this;
        }

        /**
         * How long the WAL the server sends may gather before it is taken off the socket and the
         * mining thread is woken for it (default 3 ms; zero: at once): the delay added to each
         * transaction at most, against the CPU of a wake-up per message. Under pgbench at 3,000
         * transactions a second on two cores, 3 ms took a quarter off the follower's CPU per
         * transaction (66 to 48 us), and 6 or 10 ms little more (docs/performance.md).
         */
        public Builder gatherFor(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("a negative time to gather: " + d);
            }
            this.gatherNanos = d.toNanos();
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
