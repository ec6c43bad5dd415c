package org.xlogminer.mine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.xlogminer.event.ChangeHandler;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.SchemaChange;
import org.xlogminer.event.Transaction;
import org.xlogminer.event.TransactionInfo;

/**
 * Collects each released transaction's changes into a {@link Transaction} and queues it, for
 * {@link Miner#next()}: the form for transactions that fit in memory.
 *
 * <p>Not thread-safe: the mining thread's alone.
 */
final class Collector implements ChangeHandler {

    private final ArrayDeque<Transaction> ready = new ArrayDeque<>();
    private List<RowChange> changes;
    private List<SchemaChange> schemaChanges;

    @Override
    public void begin(TransactionInfo tx) {
        changes = new ArrayList<>();
        schemaChanges = List.of();
    }

    @Override
    public void schemaChange(TransactionInfo tx, SchemaChange change) {
        if (schemaChanges.isEmpty()) {
            schemaChanges = new ArrayList<>();
        }
        schemaChanges.add(change);
    }

    @Override
    public void change(TransactionInfo tx, RowChange change) {
        changes.add(change);
    }

    @Override
    public void end(TransactionInfo tx) {
        ready.add(new Transaction(tx.xid(), tx.commitLsn(), tx.commitTime(), tx.committed(), tx.incomplete(), changes,
            schemaChanges));
        changes = null;
        schemaChanges = null;
    }

    /** Whether no collected transaction waits. */
    boolean isEmpty() {
        return ready.isEmpty();
    }

    /** The oldest collected transaction, or null when none waits. */
    Transaction poll() {
        return ready.poll();
    }
}
