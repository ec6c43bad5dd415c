package org.xlogminer.event;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a row change comes from.
 *
 * @param lsn        LSN of the record that made the change
 * @param commitLsn  LSN of its transaction's commit record
 * @param xid        top-level transaction id
 * @param commitTime commit time from the commit record
 * @param schema     the table's schema
 * @param table      the table's name
 * @param oldCtid    where the old row version was, "(block,offset)", or null
 * @param newCtid    where the new row version went, "(block,offset)", or null
 */
public record Source(long lsn, long commitLsn, long xid, Instant commitTime, String schema, String table,
                     String oldCtid, String newCtid) {
    public Source {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
    }
}
