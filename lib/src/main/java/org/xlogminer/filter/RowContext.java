package org.xlogminer.filter;

import org.xlogminer.event.Row;

/**
 * The rows one evaluation reads, and what it met on the way. One per row change evaluated; not
 * thread-safe.
 */
final class RowContext {
    /** The old row (null for an INSERT), the new row (null for a DELETE), and the one a bare column reads. */
    final Row oldRow;
    final Row newRow;
    final Row bareRow;
    /** A value the expression read is not in the WAL read ({@link org.xlogminer.event.Value.Unknown}). */
    boolean sawUnrecoverable;
    /** A cast of a row's value failed (text that is not a number...). */
    boolean castFailed;

    RowContext(Row oldRow, Row newRow) {
        this.oldRow = oldRow;
        this.newRow = newRow;
        this.bareRow = newRow != null ? newRow : oldRow;
    }
}
