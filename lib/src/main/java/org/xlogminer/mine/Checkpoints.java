package org.xlogminer.mine;

import java.io.IOException;

import org.xlogminer.wal.reader.SegmentSource;
import org.xlogminer.wal.reader.WalReader;
import org.xlogminer.wal.reader.XLogRecordView;
import org.xlogminer.wal.rmgr.RecordTypeNames;

/**
 * Finds where mining must start reading: the REDO point of the last checkpoint whose record lies
 * at or before the requested start. From there every page a later record needs had its first
 * change after the checkpoint logged with a full-page image, and every transaction with an xid at
 * or above the checkpoint's nextXid began after it.
 *
 * <table>
 * <caption>CheckPoint, main data of XLOG CHECKPOINT_SHUTDOWN (0x00) / CHECKPOINT_ONLINE (0x10)
 * ({@code src/include/catalog/pg_control.h})</caption>
 * <tr><th>offset</th><th>size</th><th>field</th></tr>
 * <tr><td>0</td><td>8</td><td>redo</td></tr>
 * <tr><td>8</td><td>4</td><td>ThisTimeLineID</td></tr>
 * <tr><td>12</td><td>4</td><td>PrevTimeLineID</td></tr>
 * <tr><td>16</td><td>1</td><td>fullPageWrites (17+: then int wal_level at 20)</td></tr>
 * <tr><td>24</td><td>8</td><td>nextXid (FullTransactionId: epoch high, xid low)</td></tr>
 * <tr><td>64</td><td>8</td><td>time (pg_time_t: seconds since 1970, taken as the checkpoint began)</td></tr>
 * </table>
 */
public final class Checkpoints {

    public static final int XLOG_CHECKPOINT_SHUTDOWN = 0x00;
    public static final int XLOG_CHECKPOINT_ONLINE = 0x10;
    static final int REDO = 0;
    static final int NEXT_XID = 24;
    static final int TIME = 64;

    /** A checkpoint record: where it is, its REDO point and the next xid it saw. */
    public record Checkpoint(long lsn, long redo, int nextXid) {
    }

    private Checkpoints() {
    }

    /** The checkpoint in this record, or null when it is not a checkpoint record. */
    public static Checkpoint of(XLogRecordView r) {
        if (r.rmid() != RecordTypeNames.RM_XLOG_ID) {
            return null;
        }
        int op = r.rmgrInfo();
        if ((op != XLOG_CHECKPOINT_SHUTDOWN && op != XLOG_CHECKPOINT_ONLINE) || r.mainDataLength() < NEXT_XID + 8) {
            return null;
        }
        int m = r.mainDataOffset();
        return new Checkpoint(r.lsn(), r.buffer().getLong(m + REDO), r.buffer().getInt(m + NEXT_XID));
    }

    /** The checkpoint's time, seconds since 1970 (call only for a record {@link #of} accepts). */
    public static long timeOf(XLogRecordView r) {
        return r.mainDataLength() >= TIME + 8 ? r.buffer().getLong(r.mainDataOffset() + TIME) : Long.MAX_VALUE / 2_000_000L;
    }

    /** Segments scanned at a time, going back from the requested start. */
    static final int GROUP = 4;

    /**
     * The last checkpoint whose record starts at or before {@code lsn}, or null when the WAL present
     * has none before it. Scans forwards a group of {@link #GROUP} segments at a time, the newest
     * group first (the one holding {@code lsn} and the 4 before it), then each older one up to where
     * the newer began, so that the WAL read is about the distance back to the checkpoint. (It was
     * 4, then 16, then 64 segments back, each from the start: 84 segments read for a checkpoint 48
     * back; a short run over a range 768 MB after that checkpoint took 1.23 s then, 1.13 s now.)
     */
    public static Checkpoint lastAtOrBefore(SegmentSource source, long lsn) throws IOException {
        long size = source.segmentSize();
        long first = source.firstSegno();
        long top = lsn; // the last LSN at which a record of this group may start
        long from = Long.divideUnsigned(lsn, size);
        while (true) {
            from = Math.max(first, from - GROUP);
            Checkpoint found = scan(source, from * size, top);
            if (found != null || from == first) {
                return found;
            }
            // the older group: the records that start before this one's first segment, the last of
            // them read whole even when it runs on into it (this group's reader passed over its rest)
            top = from * size - 1;
        }
    }

    private static Checkpoint scan(SegmentSource source, long from, long to) {
        Checkpoint last = null;
        WalReader reader = WalReader.builder(source).startLsn(from).endLsn(to + 1).build();
        XLogRecordView r;
        while ((r = reader.next()) != null) {
            Checkpoint c = of(r);
            if (c != null) {
                last = c;
            }
        }
        return last;
    }
}
