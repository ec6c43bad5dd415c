package org.xlogminer.mine;

import java.util.HashMap;
import java.util.Map;

import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.tuple.HeapTupleDeformer;
import org.xlogminer.types.ValueFormatter;
import org.xlogminer.types.ValueFormatters;

/**
 * The {@link TablePlan}s of the tables rows were made of, made on first use: the last few asked
 * for are found without a boxed map look-up (a transaction touches a few tables).
 *
 * <p>Not thread-safe.
 */
final class TablePlans {

    private final ValueFormatters formatters;
    private final Map<Long, TablePlan> plans = new HashMap<>();
    private final TablePlan[] recent = new TablePlan[8];
    private int nextRecent;

    TablePlans(ValueFormatters formatters) {
        this.formatters = formatters;
    }

    /** The plan of {@code table}. */
    TablePlan plan(TableInfo table) {
        for (TablePlan r : recent) {
            if (r != null && r.table == table) {
                return r;
            }
        }
        TablePlan p = plans.get(table.oid());
        if (p == null) {
            ValueFormatter[] f = new ValueFormatter[table.columns().size()];
            for (int i = 0; i < f.length; i++) {
                ColumnInfo c = table.columns().get(i);
                if (!c.dropped()) {
                    f[i] = formatters.forColumn(c);
                }
            }
            p = new TablePlan(table, HeapTupleDeformer.forTable(table), f);
            plans.put(table.oid(), p);
        }
        recent[nextRecent] = p;
        nextRecent = (nextRecent + 1) % recent.length;
        return p;
    }
}
