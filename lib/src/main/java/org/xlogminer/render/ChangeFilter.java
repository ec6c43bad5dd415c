package org.xlogminer.render;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.xlogminer.event.RowChange;
import org.xlogminer.event.TableName;
import org.xlogminer.event.Transaction;

/**
 * Which row changes to show: by transaction (xid, commit time) and by change (table, operation).
 * Empty sets mean "all". Immutable and thread-safe.
 *
 * @param xids     top-level xids to keep
 * @param tables   tables to keep
 * @param ops      operations to keep: insert, update, delete, truncate
 * @param fromTime keep transactions committed at or after (null: no bound)
 * @param toTime   keep transactions committed before (null: no bound)
 */
public record ChangeFilter(Set<Long> xids, Set<TableName> tables, Set<String> ops, Instant fromTime, Instant toTime) {

    public static final ChangeFilter ALL = new ChangeFilter(Set.of(), Set.of(), Set.of(), null, null);

    public ChangeFilter {
        xids = Set.copyOf(xids);
        tables = Set.copyOf(tables);
        ops = Set.copyOf(ops);
    }

    /** The changes of the transaction that pass, in order; empty when none (or the transaction is out). */
    public List<RowChange> apply(Transaction tx) {
        if (!xids.isEmpty() && !xids.contains(tx.xid())) {
            return List.of();
        }
        if (fromTime != null && tx.commitTime().isBefore(fromTime)) {
            return List.of();
        }
        if (toTime != null && !tx.commitTime().isBefore(toTime)) {
            return List.of();
        }
        if (tables.isEmpty() && ops.isEmpty()) {
            return tx.changes();
        }
        List<RowChange> out = new ArrayList<>();
        for (RowChange c : tx.changes()) {
            if (!ops.isEmpty() && !ops.contains(c.op())) {
                continue;
            }
            if (!tables.isEmpty() && !matchesTable(c)) {
                continue;
            }
            out.add(c);
        }
        return out;
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
