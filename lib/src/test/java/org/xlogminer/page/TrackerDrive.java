package org.xlogminer.page;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xlogminer.decode.HeapRecordDecoder;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.testkit.WalRange;
import org.xlogminer.wal.reader.DirectorySegmentSource;
import org.xlogminer.wal.reader.WalReader;
import org.xlogminer.wal.reader.XLogRecordView;

/** Drives a page tracker over a server's WAL as the miner does, for the tracker's tests. */
final class TrackerDrive {

    private TrackerDrive() {
    }

    /**
     * Reads the range through the tracker, asking for each heap record's old tuple before the
     * record is applied and its new one after, as the miner asks; a line per heap record: its LSN,
     * operation and the two tuples.
     */
    static List<String> tuples(PgServer server, WalRange range, PageTracker tracker) throws IOException {
        List<String> out = new ArrayList<>();
        try (WalReader reader = WalReader.builder(DirectorySegmentSource.open(server.walDir()))
                 .startLsn(range.start()).endLsn(range.end()).build()) {
            HeapRecordDecoder heap = new HeapRecordDecoder();
            XLogRecordView r;
            while ((r = reader.next()) != null) {
                if (!heap.wrap(r)) {
                    tracker.apply(r, heap, false);
                    continue;
                }
                HeapRecordDecoder.Op op = heap.op();
                boolean update = op == HeapRecordDecoder.Op.UPDATE || op == HeapRecordDecoder.Op.HOT_UPDATE;
                byte[] oldT = update || op == HeapRecordDecoder.Op.DELETE
                    ? tracker.tuple(r, heap.oldBlockIndex(), heap.oldOffnum()) : null;
                tracker.apply(r, heap, true);
                byte[] newT = update || op == HeapRecordDecoder.Op.INSERT
                    ? tracker.tuple(r, heap.newBlockIndex(), heap.newOffnum()) : null;
                out.add(Long.toHexString(r.lsn()) + " " + op + " old " + Arrays.toString(oldT) + " new " + Arrays.toString(newT));
            }
        }
        return out;
    }
}
