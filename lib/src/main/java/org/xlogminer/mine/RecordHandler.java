package org.xlogminer.mine;

import org.xlogminer.wal.reader.XLogRecordView;

/**
 * What mining does with one type of WAL record, as one of PostgreSQL's redo routines does
 * ({@code heap_redo} calling {@code heap_xlog_insert}, ...): keep a row change, end a transaction,
 * note a checkpoint, or bring tracked pages up to date. {@link RecordHandlers} chooses the handler of
 * each record from a table indexed by resource manager and record type.
 *
 * <p>Handlers hold no state of their own: what they read and change is the run's
 * {@link MiningState}, so one instance serves every miner. Called on the mining thread only, once per
 * record, in WAL order; the view is valid for the call only. A handler allocates nothing beyond what
 * keeping the record needs.
 */
@FunctionalInterface
interface RecordHandler {

    /** Handles the record {@code r} for the run whose state is {@code m}. */
    void handle(MiningState m, XLogRecordView r);
}
