package org.xlogminer.event;

import java.util.Objects;

/**
 * A column of a mined row.
 *
 * @param name    column name (unquoted)
 * @param type    the column's type as SQL names it (format_type), e.g. "numeric(12,2)"
 * @param value   the value
 */
public record Column(String name, String type, Value value) {
    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
    }
}
