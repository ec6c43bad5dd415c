package org.xlogminer.event;

import java.util.List;

/** A row's columns in attribute order (dropped columns left out). Immutable. */
public record Row(List<Column> columns) {

    public Row {
        columns = List.copyOf(columns);
    }

    /** The column of that name, or null. */
    public Column column(String name) {
        for (Column c : columns) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** Whether every value is known (no {@link Value.Unknown}). */
    public boolean complete() {
        for (Column c : columns) {
            if (c.value() instanceof Value.Unknown) {
                return false;
            }
        }
        return true;
    }
}
