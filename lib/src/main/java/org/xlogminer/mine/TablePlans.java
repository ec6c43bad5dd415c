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
    /** For the system catalogs' tables (OIDs below FirstNormalObjectId): may record no warnings. */
    private final ValueFormatters catalogFormatters;
    private final Map<Long, TablePlan> plans = new HashMap<>();
    private final TablePlan[] recent = new TablePlan[8];
    private int nextRecent;

    TablePlans(ValueFormatters formatters) {
        this(formatters, formatters);
    }

    /**
     * @param catalogFormatters the formatters of system catalogs' columns: ones that record no
     *                          warnings when the catalogs' rows are decoded only to follow them
     */
    TablePlans(ValueFormatters formatters, ValueFormatters catalogFormatters) {
        this.formatters = formatters;
        this.catalogFormatters = catalogFormatters;
    }

    /** The plan of {@code table}. */
    TablePlan plan(TableInfo table) {
        for (TablePlan r : recent) {
            if (r != null && r.table == table) {
                return r;
            }
        }
        TablePlan p = plans.get(table.oid());
        if (p == null || p.table != table) { // new, or the table changed (the catalog moved along the WAL)
            ValueFormatter[] f = new ValueFormatter[table.columns().size()];
            for (int i = 0; i < f.length; i++) {
                ColumnInfo c = table.columns().get(i);
                if (!c.dropped()) {
                    f[i] = (table.oid() < KeptRelations.FIRST_NORMAL_OBJECT_ID ? catalogFormatters : formatters)
                        .forColumn(c);
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
