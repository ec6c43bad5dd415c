package org.xlogminer.mine;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.xlogminer.catalog.TableInfo;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.Source;
import org.xlogminer.event.TableName;

/**
 * Where one transaction's row changes go as they are decoded, in WAL order: each is handed to the
 * consumer, except speculative insertions (INSERT ... ON CONFLICT), held by ctid until their
 * CONFIRM hands them on or a super-delete drops them. Also makes the changes' {@link Source}s,
 * which name the transaction.
 *
 * <p>One per transaction; not thread-safe.
 */
final class ChangeSink {

    private final Consumer<RowChange> sink;
    private final long xid;
    private final long commitLsn;
    private final Instant commitTime;
    /** Speculative insertions not confirmed yet, by new ctid; made on the first. */
    private Map<String, RowChange.Insert> speculative;

    ChangeSink(Consumer<RowChange> sink, long xid, long commitLsn, Instant commitTime) {
        this.sink = sink;
        this.xid = xid;
        this.commitLsn = commitLsn;
        this.commitTime = commitTime;
    }

    /** The source of a change of {@code table} in this transaction, by its record's LSN and ctids. */
    Source source(long lsn, TableInfo table, long oldTid, long newTid) {
        return source(lsn, table, null, oldTid, newTid);
    }

    /** As {@link #source(long, TableInfo, long, long)}, of a partition of {@code partitionRoot} (null: none). */
    Source source(long lsn, TableInfo table, TableName partitionRoot, long oldTid, long newTid) {
        return Source.of(lsn, commitLsn, xid, commitTime, table.schema(), table.name(), partitionRoot, oldTid, newTid);
    }

    /** A change: handed on. */
    void add(RowChange c) {
        sink.accept(c);
    }

    /** An insert: handed on, or held under its new ctid when speculative. */
    void insert(RowChange.Insert ins, boolean isSpeculative) {
        if (!isSpeculative) {
            add(ins);
            return;
        }
        if (speculative == null) {
            speculative = new HashMap<>();
        }
        speculative.put(ins.source().newCtid(), ins);
    }

    /** The speculative insert at this ctid is confirmed: handed on. */
    void confirm(String ctid) {
        RowChange.Insert ins = speculative == null ? null : speculative.remove(ctid);
        if (ins != null) {
            add(ins);
        }
    }

    /** The speculative insert at this ctid lost its conflict: dropped. */
    void superDelete(String ctid) {
        if (speculative != null) {
            speculative.remove(ctid);
        }
    }
}
