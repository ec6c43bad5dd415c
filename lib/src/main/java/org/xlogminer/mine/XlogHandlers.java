package org.xlogminer.mine;

import org.xlogminer.wal.reader.XLogRecordView;

/**
 * The handler of XLOG checkpoint records (CHECKPOINT_SHUTDOWN, CHECKPOINT_ONLINE). When reading did
 * not start at a known checkpoint, the first one passed tells from which xid on transactions are
 * whole ({@link MiningState#startAt}); before it every transaction is marked incomplete. Each one
 * read is remembered as where a later run could start ({@link MiningState#checkpoint}). The
 * record's full-page images, if any, are applied like any other record's. The other XLOG records
 * (FPI, FPI_FOR_HINT, ...) fall to {@link RecordHandlers#SKIP}.
 *
 * <p>Registered in {@link RecordHandlers}. Stateless; the mining thread's.
 */
final class XlogHandlers {

    static final RecordHandler CHECKPOINT = XlogHandlers::checkpoint;

    private XlogHandlers() {
    }

    private static void checkpoint(MiningState m, XLogRecordView r) {
        m.applyImages(r);
        Checkpoints.Checkpoint c = Checkpoints.of(r);
        if (c != null) {
            m.passed(c);
        }
    }
}
