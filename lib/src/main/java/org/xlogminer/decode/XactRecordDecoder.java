package org.xlogminer.decode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.reader.XLogRecordView;
import org.xlogminer.wal.rmgr.RecordTypeNames;

/**
 * Decodes Transaction (rmid 1) records: commit and abort (also of prepared transactions),
 * prepare and subtransaction assignment, as {@code ParseCommitRecord}/{@code ParseAbortRecord} in
 * {@code src/backend/access/rmgrdesc/xactdesc.c} read them ({@code src/include/access/xact.h}).
 *
 * <table>
 * <caption>xl_xact_commit / xl_xact_abort main data, in order</caption>
 * <tr><th>part</th><th>present when</th><th>size</th></tr>
 * <tr><td>xact_time i64 (µs since 2000-01-01 UTC)</td><td>always</td><td>8</td></tr>
 * <tr><td>xinfo u32</td><td>xl_info &amp; 0x80</td><td>4</td></tr>
 * <tr><td>dbId u32, tsId u32</td><td>xinfo 0x01</td><td>8</td></tr>
 * <tr><td>nsubxacts i32, xids u32[]</td><td>xinfo 0x02</td><td>4 + 4n</td></tr>
 * <tr><td>nrels i32, RelFileNode[] (12 each)</td><td>xinfo 0x04</td><td>4 + 12n</td></tr>
 * <tr><td>nitems i32, xl_xact_stats_item[] (12 each on 15-17, 16 on 18)</td><td>xinfo 0x100 (15+)</td><td>4 + 12n / 16n</td></tr>
 * <tr><td>nmsgs i32, SharedInvalidationMessage[] (16 each)</td><td>xinfo 0x08, commit only</td><td>4 + 16n</td></tr>
 * <tr><td>twophase xid u32, then the GID NUL-terminated if xinfo 0x80</td><td>xinfo 0x10</td><td>4 + …</td></tr>
 * <tr><td>origin lsn u64, origin timestamp i64</td><td>xinfo 0x20</td><td>16</td></tr>
 * </table>
 * xl_xact_assignment: xtop u32 @0, nsubxacts i32 @4, xsub u32[] @8.
 *
 * <p>A reusable flyweight; not thread-safe.
 */
public final class XactRecordDecoder {

    public enum Kind { COMMIT, PREPARE, ABORT, COMMIT_PREPARED, ABORT_PREPARED, ASSIGNMENT, OTHER }

    public static final int XLOG_XACT_OPMASK = 0x70;
    public static final int XLOG_XACT_HAS_INFO = 0x80;
    public static final int XACT_XINFO_HAS_DBINFO = 0x01;
    public static final int XACT_XINFO_HAS_SUBXACTS = 0x02;
    public static final int XACT_XINFO_HAS_RELFILENODES = 0x04;
    public static final int XACT_XINFO_HAS_INVALS = 0x08;
    public static final int XACT_XINFO_HAS_TWOPHASE = 0x10;
    public static final int XACT_XINFO_HAS_ORIGIN = 0x20;
    public static final int XACT_XINFO_HAS_GID = 0x80;
    public static final int XACT_XINFO_HAS_DROPPED_STATS = 0x100;

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
            case 0x00 -> Kind.COMMIT;
            case 0x10 -> Kind.PREPARE;
            case 0x20 -> Kind.ABORT;
            case 0x30 -> Kind.COMMIT_PREPARED;
            case 0x40 -> Kind.ABORT_PREPARED;
            case 0x50 -> Kind.ASSIGNMENT;
            default -> Kind.OTHER;
        };
        switch (kind) {
            case COMMIT, ABORT, COMMIT_PREPARED, ABORT_PREPARED -> parseCommitOrAbort();
            case ASSIGNMENT -> parseAssignment();
            case PREPARE -> {
                need(record.mainDataOffset(), 24);
                xactTime = record.buffer().getLong(record.mainDataOffset() + 16);
                databaseOid = Integer.toUnsignedLong(record.buffer().getInt(record.mainDataOffset() + 12));
            }
            default -> { }
        }
        return true;
    }

    private void parseCommitOrAbort() {
        ByteBuffer b = record.buffer();
        int p = record.mainDataOffset();
        boolean commit = kind == Kind.COMMIT || kind == Kind.COMMIT_PREPARED;
        need(p, 8);
        xactTime = b.getLong(p);
        p += 8;
        if ((record.info() & XLOG_XACT_HAS_INFO) != 0) {
            need(p, 4);
            xinfo = b.getInt(p);
            p += 4;
        }
        if ((xinfo & XACT_XINFO_HAS_DBINFO) != 0) {
            need(p, 8);
            databaseOid = Integer.toUnsignedLong(b.getInt(p));
            p += 8;
        }
        if ((xinfo & XACT_XINFO_HAS_SUBXACTS) != 0) {
            subxactCount = count(p);
            subxactOffset = p + 4;
            p += 4;
            need(p, 4L * subxactCount);
            p += 4 * subxactCount;
        }
        if ((xinfo & XACT_XINFO_HAS_RELFILENODES) != 0) {
            p = skipArray(p, 12);
        }
        if ((xinfo & XACT_XINFO_HAS_DROPPED_STATS) != 0 && record.version().major() >= 15) {
            p = skipArray(p, record.version().major() >= 18 ? 16 : 12);
        }
        if (commit && (xinfo & XACT_XINFO_HAS_INVALS) != 0) {
            p = skipArray(p, 16);
        }
        if ((xinfo & XACT_XINFO_HAS_TWOPHASE) != 0) {
            need(p, 4);
            topXid = b.getInt(p);
            p += 4;
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

    private void parseAssignment() {
        int p = record.mainDataOffset();
        need(p, 8);
        topXid = record.buffer().getInt(p);
        subxactCount = count(p + 4);
        subxactOffset = p + 8;
        need(subxactOffset, 4L * subxactCount);
    }

    private int count(int p) {
        need(p, 4);
        int n = record.buffer().getInt(p);
        if (n < 0) {
            throw malformed("negative count " + n);
        }
        return n;
    }

    private int skipArray(int p, int itemSize) {
        int n = count(p);
        need(p + 4, (long) itemSize * n);
        return p + 4 + itemSize * n;
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
        return record.buffer().getInt(subxactOffset + 4 * i);
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
