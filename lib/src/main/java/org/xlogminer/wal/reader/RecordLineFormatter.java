package org.xlogminer.wal.reader;

import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.rmgr.RecordTypeNames;

/**
 * One line of text per record, as {@code xlogminer records} prints it:
 *
 * <pre>
 * 0/01000060 prev 0/01000028 Heap INSERT+INIT xid 735 len 150 main 3 | #0 rel 1663/5/16384 main blk 0 data 57
 * 0/01012F28 prev 0/01012EE8 Heap HOT_UPDATE xid 736 len 8241 main 14 | #0 rel 1663/5/16384 main blk 3 image 8192 lz4 hole 60+7848
 * </pre>
 *
 * LSN, prev LSN, resource manager and record type (as pg_waldump names them), xid, xl_tot_len,
 * main-data length, optional {@code origin N} and {@code top XID}; then per block reference, after
 * {@code |}: block id, relation as tablespace/database/relfilenode, fork, block number, block data
 * length, and an image's stored length, compression, hole (offset+length), {@code noapply} when
 * redo does not apply it, and {@code init} for WILL_INIT.
 *
 * <p>Appends to a caller's StringBuilder; allocates nothing. Not thread-safe (none of its state is
 * shared, but it is meant to be one per writer).
 */
public final class RecordLineFormatter {

    private static final String[] FORKS = {"main", "fsm", "vm", "init"};

    public void append(StringBuilder sb, XLogRecordView r) {
        Lsn.appendTo(sb, r.lsn());
        sb.append(" prev ");
        Lsn.appendTo(sb, r.prev());
        int major = r.version().major();
        sb.append(' ').append(RecordTypeNames.rmgrName(r.rmid()))
            .append(' ').append(RecordTypeNames.recordType(major, r.rmid(), r.info()))
            .append(" xid ").append(r.xidUnsigned())
            .append(" len ").append(r.totalLength())
            .append(" main ").append(r.mainDataLength());
        if (r.hasOrigin()) {
            sb.append(" origin ").append(r.origin());
        }
        if (r.toplevelXid() != 0) {
            sb.append(" top ").append(Integer.toUnsignedLong(r.toplevelXid()));
        }
        for (int i = 0, n = r.blockCount(); i < n; i++) {
            sb.append(" | #").append(r.blockId(i))
                .append(" rel ").append(Integer.toUnsignedLong(r.tablespace(i)))
                .append('/').append(Integer.toUnsignedLong(r.database(i)))
                .append('/').append(Integer.toUnsignedLong(r.relNumber(i)))
                .append(' ');
            int fork = r.forkNumber(i);
            if (fork < FORKS.length) {
                sb.append(FORKS[fork]);
            } else {
                sb.append("fork").append(fork);
            }
            sb.append(" blk ").append(r.blockNumber(i));
            if (r.hasData(i)) {
                sb.append(" data ").append(r.dataLength(i));
            }
            if (r.hasImage(i)) {
                sb.append(" image ").append(r.imageLength(i)).append(' ').append(r.imageCompression(i).label());
                if (r.holeLength(i) != 0) {
                    sb.append(" hole ").append(r.holeOffset(i)).append('+').append(r.holeLength(i));
                }
                if (!r.applyImage(i)) {
                    sb.append(" noapply");
                }
            }
            if (r.willInit(i)) {
                sb.append(" init");
            }
        }
    }
}
