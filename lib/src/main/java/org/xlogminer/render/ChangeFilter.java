package org.xlogminer.render;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.xlogminer.event.ChangeHandler;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.TableName;
import org.xlogminer.event.Transaction;
import org.xlogminer.event.TransactionInfo;
import org.xlogminer.filter.RowPredicate;

/**
 * Which row changes to show: by transaction (xid, commit time) and by change (table, operation,
 * the values of its rows). Empty sets mean "all". Immutable and thread-safe.
 *
 * @param xids     top-level xids to keep
 * @param tables   tables to keep
 * @param ops      operations to keep: insert, update, delete, truncate
 * @param fromTime keep transactions committed at or after (null: no bound)
 * @param toTime   keep transactions committed before (null: no bound)
 * @param where    keep the row changes it selects (null: all); with one, TRUNCATEs and schema
 *                 changes, which have no row values, are not kept
 */
public record ChangeFilter(Set<Long> xids, Set<TableName> tables, Set<String> ops, Instant fromTime, Instant toTime,
                           RowPredicate where) {

    public static final ChangeFilter ALL = new ChangeFilter(Set.of(), Set.of(), Set.of(), null, null);

    /** A filter without a predicate on values. */
    public ChangeFilter(Set<Long> xids, Set<TableName> tables, Set<String> ops, Instant fromTime, Instant toTime) {
        this(xids, tables, ops, fromTime, toTime, null);
    }

    public ChangeFilter {
        xids = Set.copyOf(xids);
        tables = Set.copyOf(tables);
        ops = Set.copyOf(ops);
    }

    /** The changes of the transaction that pass, in order; empty when none (or the transaction is out). */
    public List<RowChange> apply(Transaction tx) {
        if (!accepts(tx.info())) {
            return List.of();
        }
        if (tables.isEmpty() && ops.isEmpty() && where == null) {
            return tx.changes();
        }
        List<RowChange> out = new ArrayList<>();
        for (RowChange c : tx.changes()) {
            if (accepts(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /** Whether the transaction itself passes (xid, commit time). */
    public boolean accepts(TransactionInfo tx) {
        return (xids.isEmpty() || xids.contains(tx.xid()))
            && (fromTime == null || !tx.commitTime().isBefore(fromTime))
            && (toTime == null || tx.commitTime().isBefore(toTime));
    }

    /** Whether a change of a passing transaction passes (table, operation, values). */
    public boolean accepts(RowChange c) {
        return (ops.isEmpty() || ops.contains(c.op())) && (tables.isEmpty() || matchesTable(c))
            && (where == null || where.test(c));
    }

    /**
     * A handler that passes on only what this filter keeps; a transaction none of whose changes
     * pass is not begun at all.
     */
    public ChangeHandler filtering(ChangeHandler next) {
        return new ChangeHandler() {
            private boolean txPasses;
            private boolean begun;

            @Override
            public void begin(TransactionInfo tx) {
                txPasses = accepts(tx);
                begun = false;
            }

            @Override
            public void change(TransactionInfo tx, RowChange c) {
                if (txPasses && accepts(c)) {
                    if (!begun) {
                        next.begin(tx);
                        begun = true;
                    }
                    next.change(tx, c);
                }
            }

            /**
             * Passed on when its table is asked for (or any is) and the operations asked include
             * "ddl", unless values are filtered on (a schema change has none).
             */
            @Override
            public void schemaChange(TransactionInfo tx, org.xlogminer.event.SchemaChange c) {
                if (txPasses && where == null && (ops.isEmpty() || ops.contains("ddl"))
                    && (tables.isEmpty() || tables.contains(new TableName(c.schema(), c.table())))) {
                    if (!begun) {
                        next.begin(tx);
                        begun = true;
                    }
                    next.schemaChange(tx, c);
                }
            }

            @Override
            public void end(TransactionInfo tx) {
                if (begun) {
                    next.end(tx);
                }
            }
        };
    }

    private boolean matchesTable(RowChange c) {
        if (c instanceof RowChange.Truncate t) {
            for (TableName n : t.tables()) {
                if (tables.contains(n)) {
                    return true;
                }
            }
            return false;
        }
        return tables.contains(new TableName(c.source().schema(), c.source().table()));
    }
}
