package org.xlogminer.wal.reader;

import java.io.IOException;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.xlogminer.fuzz.RecordWork;
import org.xlogminer.wal.WalException;

/**
 * A WAL segment from outside: the input is the beginning of segment 000000010000000000000006 of
 * 1 MB segments (a short file, as a segment cut off by a crash or a copy), read with
 * {@link WalReader} through a {@link MemorySegmentSource} to its end, each record handed to
 * {@link RecordWork}. Reading must end with null (and an {@link EndOfWal}) or a
 * {@link WalException}; anything else is a finding. Seeds: the first pages of the real segments in
 * testdata/.
 */
class WalSegmentFuzzTest {

    private static final int SEGMENT_SIZE = 1024 * 1024;
    private static final long SEGNO = 6;
    /** More records than a fuzzed input of a few pages can hold: a reader that loops is a finding. */
    private static final int MAX_RECORDS = 100_000;

    private final RecordWork work = new RecordWork();

    /** With CRC checks, as mining reads: the page headers, the framing and the record headers. */
    @FuzzTest(maxDuration = "5m")
    void segment(byte[] input) throws IOException {
        read(input, true);
    }

    /**
     * Without CRC checks ({@code verifyCrc(false)}): stands for damage a CRC happens to miss, and
     * lets mutated records reach the block references, images and decoders.
     */
    @FuzzTest(maxDuration = "5m")
    void segmentWithoutCrc(byte[] input) throws IOException {
        read(input, false);
    }

    private void read(byte[] input, boolean verifyCrc) throws IOException {
        if (input.length > SEGMENT_SIZE) {
            return;
        }
        MemorySegmentSource source = MemorySegmentSource.of("fuzzed segment", SEGMENT_SIZE, 1, SEGNO, input);
        try (WalReader reader = WalReader.builder(source).verifyCrc(verifyCrc).build()) {
            XLogRecordView r;
            int n = 0;
            while ((r = reader.next()) != null) {
                if (++n > MAX_RECORDS) {
                    throw new IllegalStateException("more than " + MAX_RECORDS + " records in " + input.length + " bytes");
                }
                work.record(r);
            }
            if (reader.endOfWal() == null) {
                throw new IllegalStateException("reading ended without saying why");
            }
        } catch (WalException e) {
            // documented: damaged WAL, named by segment and LSN
        }
    }
}
