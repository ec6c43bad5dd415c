package org.xlogminer.event;

import java.util.List;
import java.util.Objects;

/**
 * One change to one row (or a TRUNCATE of tables), as mined from the WAL. Immutable.
 */
public sealed interface RowChange permits RowChange.Insert, RowChange.Update, RowChange.Delete, RowChange.Truncate {

    Source source();

    /** The operation's name as the CLI filters know it: insert, update, delete, truncate. */
    String op();

    /** A row was inserted. */
    record Insert(Source source, Row after) implements RowChange {
        public Insert {
            Objects.requireNonNull(source);
            Objects.requireNonNull(after);
        }

        @Override
        public String op() {
            return "insert";
        }
    }

    /**
     * A row was updated. {@code before} holds what the WAL read tells of the old row: all of it
     * (REPLICA IDENTITY FULL, or recovered from pages), or its key with the rest {@link Value.Unknown}.
     */
    record Update(Source source, Row before, Row after) implements RowChange {
        public Update {
            Objects.requireNonNull(source);
            Objects.requireNonNull(before);
            Objects.requireNonNull(after);
        }

        @Override
        public String op() {
            return "update";
        }
    }

    /** A row was deleted; {@code before} as for {@link Update}. */
    record Delete(Source source, Row before) implements RowChange {
        public Delete {
            Objects.requireNonNull(source);
            Objects.requireNonNull(before);
        }

        @Override
        public String op() {
            return "delete";
        }
    }

    /**
     * Tables were truncated (logged at wal_level=logical only). {@code source} names the first.
     *
     * @param tables   each truncated table known to the catalog
     * @param cascade  TRUNCATE ... CASCADE
     * @param restartSequences TRUNCATE ... RESTART IDENTITY
     */
    record Truncate(Source source, List<TableName> tables, boolean cascade, boolean restartSequences) implements RowChange {
        public Truncate {
            Objects.requireNonNull(source);
            tables = List.copyOf(tables);
        }

        @Override
        public String op() {
            return "truncate";
        }
    }
}
