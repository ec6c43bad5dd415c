package org.xlogminer.live;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.LongConsumer;

import org.xlogminer.event.ChangeHandler;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.SchemaChange;
import org.xlogminer.event.TransactionInfo;
import org.xlogminer.mine.Miner;

/**
 * The follower's handler around the caller's: hands every call on; after a transaction's end has
 * it written out ({@link Follower.Committed}), then tells the server (the slot keeps WAL from the
 * last checkpoint read, the commit is reported applied), then reports the commit as handled.
 *
 * <p>In groups ({@link Follower.Builder#groupCommits}): {@code committed} is called for the last
 * transaction of a group, which ends after {@code maxTransactions}, {@code maxDelay} after its first
 * ended, when {@link Follower.Committed#groupFull()} says so, and when the mining has read all that
 * has arrived ({@link #endGroup}, called by the session before it waits for more) or is to stop. A
 * backlog then costs one write-out, one position stored and one report to the server per group
 * instead of per transaction; a follower that keeps up writes each out as it comes.
 *
 * <p>Not thread-safe: the mining thread's.
 */
final class Acknowledging implements ChangeHandler {

    private final ChangeHandler handler;
    private final Follower.Committed committed;
    private final Miner miner;
    private final WalReceiver receiver;
    private final long streamStart;
    private final LongConsumer handled;
    private final int groupMax;
    private final long groupNanos;
    /** The last transaction handed over and not yet written out; null when none is. */
    private TransactionInfo pending;
    /** What the slot keeps for {@link #pending}: read at its end, as the miner had it there. */
    private long pendingRestart;
    private int grouped;
    private long groupStart;

    /**
     * @param streamStart where the stream began: what the slot keeps before a checkpoint was read
     * @param handled     called with each commit LSN handed over, last; may throw to stop the miner
     *                    (once the group is written out)
     * @param groupMax    transactions per group at most (1: each is written out alone)
     * @param groupNanos  how long after its first transaction ended a group ends at the latest
     */
    Acknowledging(ChangeHandler handler, Follower.Committed committed, Miner miner, WalReceiver receiver,
                  long streamStart, LongConsumer handled, int groupMax, long groupNanos) {
        this.handler = handler;
        this.committed = committed;
        this.miner = miner;
        this.receiver = receiver;
        this.streamStart = streamStart;
        this.handled = handled;
        this.groupMax = groupMax;
        this.groupNanos = groupNanos;
    }

    @Override
    public void begin(TransactionInfo tx) {
        handler.begin(tx);
    }

    @Override
    public void change(TransactionInfo tx, RowChange change) {
        handler.change(tx, change);
    }

    @Override
    public void schemaChange(TransactionInfo tx, SchemaChange change) {
        handler.schemaChange(tx, change);
    }

    @Override
    public void end(TransactionInfo tx) {
        handler.end(tx);
        pending = tx;
        long restart = miner.restartLsn();
        pendingRestart = restart != 0 ? restart : streamStart;
        if (++grouped == 1) {
            groupStart = groupMax > 1 ? System.nanoTime() : 0;
        }
        if (grouped >= groupMax || System.nanoTime() - groupStart >= groupNanos || committed.groupFull()) {
            endGroup();
        }
        try {
            handled.accept(tx.commitLsn());
        } catch (RuntimeException stop) {
            endGroup(); // asked to stop: what was handed over is written out first
            throw stop;
        }
    }

    /**
     * Ends the group: has its transactions written out ({@link Follower.Committed#committed} with the
     * last), then tells the server. Nothing when no transaction waits.
     */
    void endGroup() {
        TransactionInfo tx = pending;
        if (tx == null) {
            return;
        }
        pending = null;
        grouped = 0;
        try {
            committed.committed(tx);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        receiver.acknowledge(pendingRestart, tx.commitLsn());
    }
}
