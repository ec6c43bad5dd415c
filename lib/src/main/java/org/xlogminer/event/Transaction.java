package org.xlogminer.event;

import java.time.Instant;
import java.util.List;

/**
 * A transaction's row changes, in WAL order, released when its commit (or abort) record is read.
 *
 * @param xid        top-level transaction id
 * @param commitLsn  LSN of the commit (or abort) record
 * @param commitTime time from that record
 * @param committed  false for an aborted transaction (shown only on request)
 * @param incomplete true when the transaction began before the first WAL read, so its earlier
 *                   changes are missing
 * @param changes    the row changes
 * @param schemaChanges the schema changes it committed (tables created, altered, dropped, ...), in
 *                   the order {@link ChangeHandler#schemaChange} receives them; a transaction may
 *                   have these only
 */
public record Transaction(long xid, long commitLsn, Instant commitTime, boolean committed, boolean incomplete,
                          List<RowChange> changes, List<SchemaChange> schemaChanges) {
    public Transaction {
        changes = List.copyOf(changes);
        schemaChanges = List.copyOf(schemaChanges);
    }

    /** A transaction of row changes only. */
    public Transaction(long xid, long commitLsn, Instant commitTime, boolean committed, boolean incomplete,
                       List<RowChange> changes) {
        this(xid, commitLsn, commitTime, committed, incomplete, changes, List.of());
    }

    public TransactionInfo info() {
        return new TransactionInfo(xid, commitLsn, commitTime, committed, incomplete);
    }
}
