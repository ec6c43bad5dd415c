package org.xlogminer.mine;

import java.util.ArrayList;
import java.util.List;

import org.xlogminer.catalog.TableInfo;
import org.xlogminer.event.Row;
import org.xlogminer.tuple.HeapTupleDeformer;
import org.xlogminer.types.ValueFormatter;

/**
 * How to make the rows of one table: its deformer and one formatter per column, made once per
 * table by {@link TablePlans} and used for every row. Immutable.
 */
final class TablePlan {
    final TableInfo table;
    final HeapTupleDeformer deformer;
    /** Per column in attribute order; null for a dropped column. */
    final ValueFormatter[] formatters;
    /** The columns of rows made from bytes (the dropped left out). */
    final Row.Layout layout;

    TablePlan(TableInfo table, HeapTupleDeformer deformer, ValueFormatter[] formatters) {
        this.table = table;
        this.deformer = deformer;
        this.formatters = formatters;
        List<String> names = new ArrayList<>();
        List<ValueFormatter> kept = new ArrayList<>();
        for (int i = 0; i < formatters.length; i++) {
            if (formatters[i] != null) {
                names.add(table.columns().get(i).name());
                kept.add(formatters[i]);
            }
        }
        this.layout = new Row.Layout(names, kept);
    }
}
