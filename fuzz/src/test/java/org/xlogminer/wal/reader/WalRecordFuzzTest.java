package org.xlogminer.wal.reader;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.xlogminer.fuzz.RecordWork;
import org.xlogminer.wal.WalException;
import org.xlogminer.wal.WalVersion;

/**
 * One WAL record as the reader hands it on: the input's first byte picks the WAL version (13 to
 * 18), the rest is the record (its xl_tot_len set to the bytes there are, as the reader
 * guarantees). {@link XLogRecordView} decodes the block references, then {@link RecordWork}
 * formats its line, restores its images ({@link BlockImages}) and runs the heap and transaction
 * decoders. Only a {@link WalException} may come out. Seeds: real records of testdata/ (Heap
 * INSERT/UPDATE/DELETE, images, commits, checkpoints).
 */
class WalRecordFuzzTest {

    private static final WalVersion[] VERSIONS = WalVersion.values();

    private final XLogRecordView view = new XLogRecordView();
    private final RecordWork work = new RecordWork();

    @FuzzTest(maxDuration = "5m")
    void record(byte[] input) {
        if (input.length < 1 + XLogRecordLayout.SIZE) {
            return;
        }
        WalVersion version = VERSIONS[(input[0] & 0xFF) % VERSIONS.length];
        byte[] record = java.util.Arrays.copyOfRange(input, 1, input.length);
        int len = record.length;
        record[0] = (byte) len;
        record[1] = (byte) (len >>> 8);
        record[2] = (byte) (len >>> 16);
        record[3] = (byte) (len >>> 24);
        try {
            view.wrapCopy(record, 0x6000028L, 0x6000028L + len, version);
        } catch (WalException e) {
            return; // documented: not a well-formed record
        }
        work.record(view);
    }
}
