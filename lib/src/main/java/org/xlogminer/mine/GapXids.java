package org.xlogminer.mine;

import java.util.HashSet;
import java.util.Set;

import org.xlogminer.catalog.TransactionIds;
import org.xlogminer.decode.XactRecordDecoder;
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.reader.SegmentSource;
import org.xlogminer.wal.reader.WalReader;
import org.xlogminer.wal.reader.XLogRecordView;
import org.xlogminer.wal.rmgr.RecordTypeNames;

/**
 * Which transactions were over before a gap in the WAL: read from the WAL before it, so that a
 * catalog row whose xmin is one of them was written before the gap, and a relation whose defining
 * rows all were was not changed in it. A row written by a transaction that had begun before the gap
 * but was still running at it (a long ALTER, an open BEGIN) may have been written in the gap, so
 * "the xid is older than the next xid at the gap" is not enough: a transaction is over when
 * <ul>
 *   <li>its commit or abort record (COMMIT, ABORT, COMMIT/ABORT PREPARED, its subtransactions
 *       listed with them) was read; or</li>
 *   <li>the last running-transactions record read (standby RUNNING_XACTS, logged at every
 *       checkpoint and every few seconds at wal_level replica and up) says it was: its xid precedes
 *       the record's oldestRunningXid, or precedes its nextXid and is not among its xids (when the
 *       list of subtransactions did not overflow); or</li>
 *   <li>it precedes the nextXid of a shutdown checkpoint read (nothing runs then).</li>
 * </ul>
 * Everything else (a prepared transaction not yet ended, a transaction that ended with no record,
 * one that began after the last of these) is not known to be over: never guessed.
 *
 * <table>
 * <caption>xl_running_xacts, main data of STANDBY RUNNING_XACTS (0x10)
 * ({@code src/include/storage/standbydefs.h}, 13 to 18)</caption>
 * <tr><th>offset</th><th>size</th><th>field</th></tr>
 * <tr><td>0</td><td>4</td><td>xcnt</td></tr>
 * <tr><td>4</td><td>4</td><td>subxcnt</td></tr>
 * <tr><td>8</td><td>1</td><td>subxid_overflow</td></tr>
 * <tr><td>12</td><td>4</td><td>nextXid</td></tr>
 * <tr><td>16</td><td>4</td><td>oldestRunningXid</td></tr>
 * <tr><td>20</td><td>4</td><td>latestCompletedXid</td></tr>
 * <tr><td>24</td><td>4 each</td><td>xids: xcnt top-level, then subxcnt subtransactions</td></tr>
 * </table>
 *
 * <p>Immutable once {@linkplain #scan read}.
 */
final class GapXids {

    static final int XLOG_RUNNING_XACTS = 0x10;
    private static final int NEXT_XID = 12;
    private static final int OLDEST_RUNNING = 16;
    private static final int XIDS = 24;

    private final Set<Long> ended = new HashSet<>();
    /** The last RUNNING_XACTS read: its nextXid and oldestRunningXid, its xids when complete. */
    private long runningNext = TransactionIds.INVALID;
    private long oldestRunning = TransactionIds.INVALID;
    private Set<Long> running;
    private long shutdownNext = TransactionIds.INVALID;
    /** The next xid at the gap as far as the WAL read tells: for messages. */
    private long nextXid = TransactionIds.INVALID;
    private final long gap;

    private GapXids(long gap) {
        this.gap = gap;
    }

    /** Reads the WAL from {@code from} up to {@code gap} (where it stops being there); leaves the source open. */
    static GapXids scan(SegmentSource source, long from, long gap) {
        GapXids g = new GapXids(gap);
        XactRecordDecoder xact = new XactRecordDecoder();
        WalReader reader = WalReader.builder(new KeptOpenSource(source)).startLsn(from).endLsn(gap).build();
        XLogRecordView r;
        while ((r = reader.next()) != null) {
            if (TransactionIds.isNormal(r.xidUnsigned())) {
                g.nextXid = g.newest(g.nextXid, TransactionIds.of(r.xid() + 1));
            }
            if (xact.wrap(r)) {
                g.xact(xact);
            } else if (r.rmid() == RecordTypeNames.RM_STANDBY_ID && r.rmgrInfo() == XLOG_RUNNING_XACTS) {
                g.running(r);
            } else {
                Checkpoints.Checkpoint c = Checkpoints.of(r);
                if (c != null) {
                    long next = TransactionIds.of(c.nextXid());
                    g.nextXid = g.newest(g.nextXid, next);
                    if (r.rmgrInfo() == Checkpoints.XLOG_CHECKPOINT_SHUTDOWN) {
                        g.shutdownNext = next;
                    }
                }
            }
        }
        return g;
    }

    private long newest(long a, long b) {
        return a == TransactionIds.INVALID ? b : TransactionIds.newer(a, b);
    }

    private void xact(XactRecordDecoder x) {
        switch (x.kind()) {
            case COMMIT, ABORT, COMMIT_PREPARED, ABORT_PREPARED -> {
                ended.add(TransactionIds.of(x.xid()));
                for (int i = 0; i < x.subxactCount(); i++) {
                    ended.add(TransactionIds.of(x.subxact(i)));
                }
            }
            default -> {
                // PREPARE: still to commit or abort; ASSIGNMENT: nothing ended
            }
        }
    }

    private void running(XLogRecordView r) {
        int m = r.mainDataOffset();
        if (r.mainDataLength() < XIDS) {
            return;
        }
        var b = r.buffer();
        int xcnt = b.getInt(m);
        int subxcnt = b.getInt(m + 4);
        boolean overflow = b.get(m + 8) != 0;
        runningNext = TransactionIds.of(b.getInt(m + NEXT_XID));
        oldestRunning = TransactionIds.of(b.getInt(m + OLDEST_RUNNING));
        nextXid = newest(nextXid, runningNext);
        int n = xcnt + subxcnt;
        if (overflow || xcnt < 0 || subxcnt < 0 || r.mainDataLength() < XIDS + 4L * n) {
            running = null;
            return;
        }
        running = new HashSet<>();
        for (int i = 0; i < n; i++) {
            running.add(TransactionIds.of(b.getInt(m + XIDS + 4 * i)));
        }
    }

    /** True when the transaction {@code xid} is known to have ended before the gap; special xids always. */
    boolean endedBefore(long xid) {
        if (!TransactionIds.isNormal(xid)) {
            return true;
        }
        if (ended.contains(xid)) {
            return true;
        }
        if (shutdownNext != TransactionIds.INVALID && TransactionIds.precedes(xid, shutdownNext)) {
            return true;
        }
        if (runningNext == TransactionIds.INVALID || !TransactionIds.precedes(xid, runningNext)) {
            return false;
        }
        return TransactionIds.precedes(xid, oldestRunning) || (running != null && !running.contains(xid));
    }

    /** The next xid at the gap as the WAL read tells it (0 when it holds none), for messages. */
    long nextXid() {
        return nextXid;
    }

    /** Where the gap starts. */
    String gap() {
        return Lsn.format(gap);
    }
}
