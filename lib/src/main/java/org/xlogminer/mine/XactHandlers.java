package org.xlogminer.mine;

import org.xlogminer.decode.XactRecordDecoder;
import org.xlogminer.event.TransactionInfo;
import org.xlogminer.tx.TxAssembler;
import org.xlogminer.wal.reader.XLogRecordView;

/**
 * The handlers of Transaction records, as PostgreSQL's {@code xact_redo_commit} and
 * {@code xact_redo_abort}: at a commit or an abort (also of a prepared transaction) the transaction
 * and its subtransactions end, and their records are released or dropped. A commit is released when
 * it lies at or after the start LSN; an abort too when asked; the rest only drop their records.
 * PREPARE, ASSIGNMENT and the other types end nothing: the transaction ends at COMMIT PREPARED or
 * ABORT PREPARED, subtransactions with their top-level transaction.
 *
 * <p>Registered in {@link RecordHandlers}. Stateless; the mining thread's.
 */
final class XactHandlers {

    /** COMMIT, ABORT, COMMIT_PREPARED, ABORT_PREPARED. */
    static final RecordHandler END = XactHandlers::end;
    /** PREPARE, ASSIGNMENT and the rest: read (a malformed one is reported), nothing ends. */
    static final RecordHandler OTHER = XactHandlers::other;

    private XactHandlers() {
    }

    private static void end(MiningState m, XLogRecordView r) {
        XactRecordDecoder xact = m.xact;
        xact.wrap(r);
        XactRecordDecoder.Kind kind = xact.kind();
        int xid = xact.xid();
        int n = xact.subxactCount();
        int[] subxids = m.subxids(n);
        for (int i = 0; i < n; i++) {
            subxids[i] = xact.subxact(i);
        }
        boolean committed = kind == XactRecordDecoder.Kind.COMMIT || kind == XactRecordDecoder.Kind.COMMIT_PREPARED;
        boolean wanted = Long.compareUnsigned(r.lsn(), m.fromLsn) >= 0 && (committed || m.includeAborted);
        boolean movesCatalog = m.relations.catalogTransactionEnded(xid, subxids, n);
        if (!wanted && !(movesCatalog && committed)) {
            m.assembler.discard(xid, subxids, n);
            return;
        }
        try (TxAssembler.Ended ended = m.assembler.end(xid, subxids, n)) {
            if (ended.isEmpty()) {
                return;
            }
            TransactionInfo info = new TransactionInfo(Integer.toUnsignedLong(xid), r.lsn(), xact.xactTime(),
                committed, m.incomplete(xid));
            if (wanted) {
                m.release.release(ended, info, movesCatalog);
            } else {
                m.release.follow(ended, info); // before the range: only its catalog changes count
            }
        }
    }

    private static void other(MiningState m, XLogRecordView r) {
        m.xact.wrap(r);
    }
}
