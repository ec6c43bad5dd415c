package org.xlogminer.wal.reader;

import static org.xlogminer.wal.reader.XLogPageHeaderLayout.XLOG_BLCKSZ;
import static org.xlogminer.wal.reader.XLogPageHeaderLayout.XLP_FIRST_IS_CONTRECORD;
import static org.xlogminer.wal.reader.XLogPageHeaderLayout.XLP_FIRST_IS_OVERWRITE_CONTRECORD;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.WalFormatException;

/**
 * Gathers a record that crosses pages (and segments) into one contiguous buffer, as the
 * "record crosses a page boundary" part of {@code XLogDecodeNextRecord()} in
 * {@code src/backend/access/transam/xlogreader.c} does: copies the part on the first page, then
 * from each following page the bytes after its header, checking that the page continues this
 * record ({@code XLP_FIRST_IS_CONTRECORD}, {@code xlp_rem_len} equal to the bytes still missing).
 *
 * <p>The buffer is reused and grows as pages arrive, so a corrupt length fails at the next page
 * header rather than in a huge allocation. Allocates nothing once grown to the largest record.
 * Not thread-safe.
 */
final class RecordGatherer {

    /** How a gathering ended. */
    enum Outcome {
        /** The whole record is in {@link #buffer()}, from offset 0. */
        GATHERED,
        /** WAL ended before the record did; {@link PageWindow#ended()} says where and why. */
        WAL_ENDED,
        /**
         * The rest of the record was never written: recovery abandoned it and wrote new WAL over
         * it ({@code XLP_FIRST_IS_OVERWRITE_CONTRECORD}); reading goes on at {@link #overwrittenAt()}.
         */
        OVERWRITTEN
    }

    private final PageWindow pages;
    private byte[] scratch = new byte[4 * XLOG_BLCKSZ];
    private ByteBuffer scratchBuffer = XLogRecordView.littleEndian(scratch);
    private long endPtr;
    private long overwrittenAt;

    RecordGatherer(PageWindow pages) {
        this.pages = pages;
    }

    /**
     * Gathers the {@code total} bytes of the record at {@code recPtr}, whose first
     * {@code inPage} bytes lie at {@code at} in the window, on the page at {@code pagePtr}.
     */
    Outcome gather(long recPtr, long pagePtr, int at, int inPage, int total) throws IOException {
        ensureScratch(Math.min(total, 4 * XLOG_BLCKSZ));
        System.arraycopy(pages.array(), at, scratch, 0, inPage);
        int gathered = inPage;
        long pg = pagePtr;
        while (gathered < total) {
            pg += XLOG_BLCKSZ;
            int q = pages.load(pg);
            if (q < 0) {
                return Outcome.WAL_ENDED;
            }
            int qInfo = pages.info(q);
            if ((qInfo & XLP_FIRST_IS_OVERWRITE_CONTRECORD) != 0) {
                overwrittenAt = pg;
                return Outcome.OVERWRITTEN;
            }
            if ((qInfo & XLP_FIRST_IS_CONTRECORD) == 0) {
                throw format("no continuation flag on page " + Lsn.format(pg) + " for the record at "
                    + Lsn.format(recPtr), pg);
            }
            long rem = pages.remainingLength(q);
            if (rem == 0 || total != rem + gathered) {
                throw format("invalid continuation length " + rem + " on page " + Lsn.format(pg)
                    + " (record at " + Lsn.format(recPtr) + " needs " + (total - gathered) + ")", pg);
            }
            int qHdr = pages.headerSize(q);
            int n = Math.min(total - gathered, XLOG_BLCKSZ - qHdr);
            ensureScratch(gathered + n);
            System.arraycopy(pages.array(), q + qHdr, scratch, gathered, n);
            gathered += n;
            endPtr = pg + qHdr + n;
        }
        return Outcome.GATHERED;
    }

    /** The gathered record, little-endian, from offset 0. */
    ByteBuffer buffer() {
        return scratchBuffer;
    }

    /** The LSN just past the gathered record's last byte. */
    long endPtr() {
        return endPtr;
    }

    /** The page where new WAL overwrote the rest of an abandoned record. */
    long overwrittenAt() {
        return overwrittenAt;
    }

    private void ensureScratch(int size) {
        if (scratch.length < size) {
            int n = (int) Math.min(Math.max(size, 2L * scratch.length), WalReader.MAX_RECORD_LENGTH);
            scratch = Arrays.copyOf(scratch, n);
            scratchBuffer = XLogRecordView.littleEndian(scratch);
        }
    }

    private WalFormatException format(String problem, long lsn) {
        return new WalFormatException(problem, pages.segmentName(lsn), lsn);
    }
}
