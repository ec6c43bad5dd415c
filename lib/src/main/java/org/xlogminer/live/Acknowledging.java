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
 * <p>Not thread-safe: the mining thread's.
 */
final class Acknowledging implements ChangeHandler {

    private final ChangeHandler handler;
    private final Follower.Committed committed;
    private final Miner miner;
    private final WalReceiver receiver;
    private final long streamStart;
    private final LongConsumer handled;

    /**
     * @param streamStart where the stream began: what the slot keeps before a checkpoint was read
     * @param handled     called with the commit LSN last; may throw to stop the miner
     */
    Acknowledging(ChangeHandler handler, Follower.Committed committed, Miner miner, WalReceiver receiver,
                  long streamStart, LongConsumer handled) {
        this.handler = handler;
        this.committed = committed;
        this.miner = miner;
        this.receiver = receiver;
        this.streamStart = streamStart;
        this.handled = handled;
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
        try {
            committed.committed(tx);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long restart = miner.restartLsn();
        receiver.acknowledge(restart != 0 ? restart : streamStart, tx.commitLsn());
        handled.accept(tx.commitLsn());
    }
}
