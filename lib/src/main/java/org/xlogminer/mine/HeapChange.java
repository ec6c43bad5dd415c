package org.xlogminer.mine;

import org.xlogminer.catalog.TableInfo;
import org.xlogminer.decode.HeapRecordDecoder;
import org.xlogminer.event.Row;
import org.xlogminer.event.TableName;

/**
 * The heap change a {@link HeapChangeHandlers handler} turns into row changes, read from where the
 * transaction kept it: a copy of its record ({@link RecordChange}) or a summary of it
 * ({@link SummaryChange}). It gives the operation, the table, the ctids, the speculative-insertion
 * flags, and the rows, each source in its own way. A reusable flyweight, set by the source's
 * {@code wrap}.
 *
 * <p>Not thread-safe.
 */
abstract class HeapChange {

    /** No ctid: offset number 0. */
    static final long NO_TID = 0;

    /** The catalog as of the change (moved along the WAL by the mining thread's decoder). */
    final FollowedCatalog catalog;
    final TablePlans plans;
    final RowBuilder rows;
    private HeapRecordDecoder.Op op;
    private long lsn;
    private TableInfo table;
    private TablePlan plan;
    private long oldTid;
    private long newTid;
    private boolean speculative;
    private boolean superDelete;

    HeapChange(FollowedCatalog catalog, TablePlans plans, RowBuilder rows) {
        this.catalog = catalog;
        this.plans = plans;
        this.rows = rows;
    }

    /** Sets what every source gives; returns this. */
    final HeapChange set(HeapRecordDecoder.Op op, long lsn, TableInfo table, TablePlan plan, long oldTid, long newTid,
                         boolean speculative, boolean superDelete) {
        this.op = op;
        this.lsn = lsn;
        this.table = table;
        this.plan = plan;
        this.oldTid = oldTid;
        this.newTid = newTid;
        this.speculative = speculative;
        this.superDelete = superDelete;
        return this;
    }

    final HeapRecordDecoder.Op op() {
        return op;
    }

    /** The LSN of the change's record. */
    final long lsn() {
        return lsn;
    }

    /** The changed table; null for a TRUNCATE, which names its tables itself. */
    final TableInfo table() {
        return table;
    }

    /**
     * The changed table's root partitioned table as of the change when it is a partition, else
     * null: one field read for a table that is not a partition, a lookup the catalog state worked
     * out once (not per row) for one that is.
     */
    final TableName partitionRoot() {
        return partitionRoot(table);
    }

    /** As {@link #partitionRoot()}, of another table of the change (a TRUNCATE's); null for null. */
    final TableName partitionRoot(TableInfo t) {
        return t == null || t.partitionParent() == 0 ? null : catalog.current().partitionRoot(t);
    }

    /** The table's plan; null when the source makes no rows of values. */
    final TablePlan plan() {
        return plan;
    }

    /** The ctid of the old row version (an UPDATE's, a DELETE's). */
    final long oldTid() {
        return oldTid;
    }

    /** The ctid of the new row version (an INSERT's, an UPDATE's, a CONFIRM's). */
    final long newTid() {
        return newTid;
    }

    /** An INSERT of INSERT ... ON CONFLICT, to be confirmed or super-deleted. */
    final boolean isSpeculative() {
        return speculative;
    }

    /** A DELETE of a speculative insertion that lost its conflict. */
    final boolean isSuperDelete() {
        return superDelete;
    }

    /** The new row of an INSERT or UPDATE ({@code what}: "inserted", "updated", for messages). */
    abstract Row newRow(String what);

    /** The old row of an UPDATE or DELETE. */
    abstract Row oldRow();

    /** A MULTI_INSERT's next inserted tuple: moves to it, false past the last. */
    abstract boolean nextInserted();

    /** The ctid of the MULTI_INSERT tuple {@link #nextInserted} moved to. */
    abstract long insertedTid();

    /** The row of the MULTI_INSERT tuple {@link #nextInserted} moved to. */
    abstract Row insertedRow();
}
