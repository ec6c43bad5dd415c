package org.xlogminer.event;

import java.util.Objects;

/** A table's schema and name, unquoted (either may contain any character, dots included). */
public record TableName(String schema, String name) {
    public TableName {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
        return schema + "." + name;
    }
}
