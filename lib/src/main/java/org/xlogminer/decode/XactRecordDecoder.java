package org.xlogminer.decode;

import static org.xlogminer.decode.XactLayout.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.reader.XLogRecordView;
import org.xlogminer.wal.rmgr.RecordTypeNames;

/**
 * Decodes Transaction (rmid 1) records: commit and abort (also of prepared transactions),
 * prepare and subtransaction assignment, as {@code ParseCommitRecord}/{@code ParseAbortRecord} in
 * {@code src/backend/access/rmgrdesc/xactdesc.c} read them; the layouts, from
 * {@code src/include/access/xact.h}, are in {@link XactLayout}.
 *
 * <p>A reusable flyweight; not thread-safe.
 */
public final class XactRecordDecoder {

    public enum Kind { COMMIT, PREPARE, ABORT, COMMIT_PREPARED, ABORT_PREPARED, ASSIGNMENT, OTHER }

    /** Microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch. */
    public static final long POSTGRES_EPOCH_MICROS = 946_684_800_000_000L;

    private XLogRecordView record;
    private Kind kind;
    private int xinfo;
    private long xactTime;
    private long databaseOid;
    private int topXid;
    private int subxactCount;
    private int subxactOffset;
    private int gidOffset;
    private int gidEnd;

    /** Points at a record; false when it is not a Transaction record. */
    public boolean wrap(XLogRecordView r) {
        if (r.rmid() != RecordTypeNames.RM_XACT_ID) {
            return false;
        }
        record = r;
        xinfo = 0;
        xactTime = 0;
        databaseOid = 0;
        subxactCount = 0;
        gidOffset = -1;
        topXid = r.xid();
        kind = switch (r.info() & XLOG_XACT_OPMASK) {
            case XLOG_XACT_COMMIT -> Kind.COMMIT;
            case XLOG_XACT_PREPARE -> Kind.PREPARE;
            case XLOG_XACT_ABORT -> Kind.ABORT;
            case XLOG_XACT_COMMIT_PREPARED -> Kind.COMMIT_PREPARED;
            case XLOG_XACT_ABORT_PREPARED -> Kind.ABORT_PREPARED;
            case XLOG_XACT_ASSIGNMENT -> Kind.ASSIGNMENT;
            default -> Kind.OTHER;
        };
        switch (kind) {
            case COMMIT, ABORT, COMMIT_PREPARED, ABORT_PREPARED -> parseCommitOrAbort();
            case ASSIGNMENT -> parseAssignment();
            case PREPARE -> parsePrepare();
            default -> { }
        }
        return true;
    }

    private void parseCommitOrAbort() {
        ByteBuffer b = record.buffer();
        int p = record.mainDataOffset();
        boolean commit = kind == Kind.COMMIT || kind == Kind.COMMIT_PREPARED;
        need(p, SIZE_OF_XACT_TIME);
        xactTime = b.getLong(p);
        p += SIZE_OF_XACT_TIME;
        if ((record.info() & XLOG_XACT_HAS_INFO) != 0) {
            need(p, SIZE_OF_XACT_XINFO);
            xinfo = b.getInt(p);
            p += SIZE_OF_XACT_XINFO;
        }
        if ((xinfo & XACT_XINFO_HAS_DBINFO) != 0) {
            need(p, SIZE_OF_XACT_DBINFO);
            databaseOid = Integer.toUnsignedLong(b.getInt(p + XACT_DBINFO_DBID));
            p += SIZE_OF_XACT_DBINFO;
        }
        if ((xinfo & XACT_XINFO_HAS_SUBXACTS) != 0) {
            subxactCount = count(p);
            p += SIZE_OF_XACT_COUNT;
            subxactOffset = p;
            need(p, (long) SIZE_OF_XID * subxactCount);
            p += SIZE_OF_XID * subxactCount;
        }
        if ((xinfo & XACT_XINFO_HAS_RELFILENODES) != 0) {
            p = skipArray(p, SIZE_OF_RELFILENODE);
        }
        if ((xinfo & XACT_XINFO_HAS_DROPPED_STATS) != 0 && record.version().major() >= 15) {
            p = skipArray(p, record.version().major() >= 18 ? SIZE_OF_STATS_ITEM_V18 : SIZE_OF_STATS_ITEM_V15);
        }
        if (commit && (xinfo & XACT_XINFO_HAS_INVALS) != 0) {
            p = skipArray(p, SIZE_OF_INVAL_MESSAGE);
        }
        if ((xinfo & XACT_XINFO_HAS_TWOPHASE) != 0) {
            need(p, SIZE_OF_XID);
            topXid = b.getInt(p);
            p += SIZE_OF_XID;
            if ((xinfo & XACT_XINFO_HAS_GID) != 0) {
                int end = record.mainDataOffset() + record.mainDataLength();
                int q = p;
                while (q < end && b.get(q) != 0) {
                    q++;
                }
                gidOffset = p;
                gidEnd = q;
            }
        }
    }

    private void parsePrepare() {
        int p = record.mainDataOffset();
        need(p, SIZE_OF_XACT_PREPARE_READ);
        xactTime = record.buffer().getLong(p + XACT_PREPARE_PREPARED_AT);
        databaseOid = Integer.toUnsignedLong(record.buffer().getInt(p + XACT_PREPARE_DATABASE));
    }

    private void parseAssignment() {
        int p = record.mainDataOffset();
        need(p, XACT_ASSIGNMENT_XSUB);
        topXid = record.buffer().getInt(p + XACT_ASSIGNMENT_XTOP);
        subxactCount = count(p + XACT_ASSIGNMENT_NSUBXACTS);
        subxactOffset = p + XACT_ASSIGNMENT_XSUB;
        need(subxactOffset, (long) SIZE_OF_XID * subxactCount);
    }

    private int count(int p) {
        need(p, SIZE_OF_XACT_COUNT);
        int n = record.buffer().getInt(p);
        if (n < 0) {
            throw malformed("negative count " + n);
        }
        return n;
    }

    /** Skips a count and its items; returns the position after them. */
    private int skipArray(int p, int itemSize) {
        int n = count(p);
        need(p + SIZE_OF_XACT_COUNT, (long) itemSize * n);
        return p + SIZE_OF_XACT_COUNT + itemSize * n;
    }

    private void need(int p, long bytes) {
        if (p + bytes > record.mainDataOffset() + (long) record.mainDataLength()) {
            throw malformed("main data too short");
        }
    }

    private WalFormatException malformed(String what) {
        return new WalFormatException("malformed transaction record (" + kind + "): " + what + " rmid=1",
            null, record.lsn());
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The transaction the record ends or assigns to: xl_xid for COMMIT, ABORT and PREPARE (for an
     * ABORT, possibly a subtransaction rolled back to a savepoint), the two-phase xid for
     * COMMIT/ABORT PREPARED, xtop for ASSIGNMENT.
     */
    public int xid() {
        return topXid;
    }

    /** Commit, abort or prepare time in microseconds since 2000-01-01 UTC. */
    public long xactTimeMicros() {
        return xactTime;
    }

    public Instant xactTime() {
        long micros = xactTime + POSTGRES_EPOCH_MICROS;
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    /** Database of the transaction when logged (0 otherwise). */
    public long databaseOid() {
        return databaseOid;
    }

    /** Subtransactions committed (COMMIT) or aborted (ABORT) with it, or assigned (ASSIGNMENT). */
    public int subxactCount() {
        return subxactCount;
    }

    public int subxact(int i) {
        return record.buffer().getInt(subxactOffset + SIZE_OF_XID * i);
    }

    /** The prepared transaction's GID, or null. Allocates. */
    public String gid() {
        if (gidOffset < 0) {
            return null;
        }
        byte[] bytes = new byte[gidEnd - gidOffset];
        record.buffer().get(gidOffset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
