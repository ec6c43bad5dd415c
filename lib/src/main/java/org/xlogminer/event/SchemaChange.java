package org.xlogminer.event;

import java.util.Objects;

import org.xlogminer.wal.Lsn;

/**
 * A schema change a transaction committed, derived from the system catalogs' own row changes: a
 * table created, dropped, renamed, rewritten or truncated, a column added, dropped, renamed or given
 * another type, a partition attached to or detached from its parent. The event of its own beside the
 * {@link RowChange}s. Immutable.
 *
 * @param commitLsn LSN of the commit record from which on the change holds
 * @param xid       top-level transaction id
 * @param schema    the table's schema (the new one for a rename)
 * @param table     the table's name (the new one for a rename; the last one for a drop)
 * @param kind      what changed
 * @param detail    the words after the table, e.g. "column shipped boolean added"
 */
public record SchemaChange(long commitLsn, long xid, String schema, String table, Kind kind, String detail) {

    /** The kinds of schema change, with the JSON name of each. */
    public enum Kind {
        TABLE_CREATED("table_created"),
        TABLE_DROPPED("table_dropped"),
        TABLE_RENAMED("table_renamed"),
        TABLE_REWRITTEN("table_rewritten"),
        TABLE_TRUNCATED("table_truncated"),
        COLUMN_ADDED("column_added"),
        COLUMN_DROPPED("column_dropped"),
        COLUMN_RENAMED("column_renamed"),
        COLUMN_TYPE_CHANGED("column_type_changed"),
        PARTITION_ATTACHED("partition_attached"),
        PARTITION_DETACHED("partition_detached");

        private final String jsonName;

        Kind(String jsonName) {
            this.jsonName = jsonName;
        }

        /** The name JSON lines give the kind, e.g. "column_added". */
        public String jsonName() {
            return jsonName;
        }
    }

    public SchemaChange {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    /** The SQL comment line, e.g. {@code -- 0/1A2B3C4D xid 812: public.orders: column shipped boolean added}. */
    public String comment() {
        String text = schema + "." + table + ": " + detail;
        // a name may hold a line break: it must not end the comment and start a statement
        return "-- " + Lsn.format(commitLsn) + " xid " + xid + ": " + text.replace('\n', ' ').replace('\r', ' ');
    }

    @Override
    public String toString() {
        return schema + "." + table + ": " + detail;
    }
}
