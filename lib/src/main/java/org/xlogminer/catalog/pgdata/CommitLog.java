package org.xlogminer.catalog.pgdata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code pg_xact} (the commit log, {@code src/backend/access/transam/clog.c}): two bits per
 * transaction ID, four per byte from the least significant bits, 8192-byte pages, 32 pages per
 * segment file named by the segment number in four (or more) upper-case hex digits.
 *
 * <p>A transaction older than the checkpoint's {@code oldestXid} is committed as far as a surviving
 * tuple is concerned (vacuum removed what it aborted and froze the rest before the commit log was
 * truncated). A page the file does not reach yet reads as in progress. Not thread-safe.
 */
final class CommitLog {

    static final int IN_PROGRESS = 0;
    static final int COMMITTED = 1;
    static final int ABORTED = 2;
    static final int SUB_COMMITTED = 3;

    private static final int XACTS_PER_PAGE = 8192 * 4;
    private static final int XACTS_PER_SEGMENT = XACTS_PER_PAGE * 32;

    private final PgDataFiles files;
    private final int oldestXid;
    private final Map<Integer, byte[]> segments = new HashMap<>();

    CommitLog(PgDataFiles files, int oldestXid) {
        this.files = files;
        this.oldestXid = oldestXid;
    }

    /** The status of a normal transaction ID (3 or more). */
    int status(int xid) {
        if (xid - oldestXid < 0) {
            return COMMITTED;
        }
        int segment = Integer.divideUnsigned(xid, XACTS_PER_SEGMENT);
        byte[] bytes = segments.computeIfAbsent(segment, this::load);
        int inSegment = Integer.remainderUnsigned(xid, XACTS_PER_SEGMENT);
        int at = inSegment / 4;
        if (at >= bytes.length) {
            return IN_PROGRESS;
        }
        return (bytes[at] >> ((inSegment % 4) * 2)) & 3;
    }

    private byte[] load(int segment) {
        String name = fileName(segment);
        try {
            byte[] b = files.read(name);
            if (b == null) {
                throw new PgDataException(PgDataException.Kind.CORRUPT, name,
                    "missing: the commit log of transactions the catalog's rows name is not there");
            }
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String fileName(int segment) {
        return String.format("pg_xact/%04X", segment);
    }
}
