package org.xlogminer.testkit;

/**
 * A half-open range {@code [start, end)} of WAL positions (LSNs, unsigned), as returned by
 * {@link PgServer#captureRange(PgServer.Workload)}.
 *
 * <p>{@code start} is {@code pg_current_wal_insert_lsn()} before the workload ran and {@code end} is
 * {@code pg_current_wal_insert_lsn()} after it, so every WAL record the workload (and any concurrent
 * background activity) inserted starts at or after {@code start} and ends at or before {@code end}.
 *
 * @param start first byte position of the range (inclusive)
 * @param end   end position (exclusive)
 */
public record WalRange(long start, long end) {

    public WalRange {
        if (Long.compareUnsigned(start, end) > 0) {
            throw new IllegalArgumentException(
                    "start " + Lsn.format(start) + " is after end " + Lsn.format(end));
        }
    }

    /** Number of WAL bytes in the range (page headers included). */
    public long size() {
        return end - start;
    }

    /** Whether the range is empty (nothing was inserted). */
    public boolean isEmpty() {
        return start == end;
    }

    /** Whether {@code start <= lsn < end} (unsigned). */
    public boolean contains(long lsn) {
        return Long.compareUnsigned(lsn, start) >= 0 && Long.compareUnsigned(lsn, end) < 0;
    }

    @Override
    public String toString() {
        return "[" + Lsn.format(start) + ", " + Lsn.format(end) + ")";
    }
}
