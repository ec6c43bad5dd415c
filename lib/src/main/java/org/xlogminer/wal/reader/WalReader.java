package org.xlogminer.wal.reader;

import static org.xlogminer.wal.reader.XLogPageHeaderLayout.XLOG_BLCKSZ;
import static org.xlogminer.wal.reader.XLogPageHeaderLayout.XLP_FIRST_IS_CONTRECORD;
import static org.xlogminer.wal.reader.XLogPageHeaderLayout.maxAlign;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.WalChecksumException;
import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.WalMissingSegmentException;
import org.xlogminer.wal.WalVersion;

/**
 * Frames WAL into records: reads pages, validates page headers, reassembles records across page
 * and segment boundaries, verifies each record's CRC-32C and decodes its block references. The
 * rules are those of {@code XLogReadRecord()} and {@code XLogReaderValidatePageHeader()} in
 * {@code src/backend/access/transam/xlogreader.c}.
 *
 * <p>Reading starts at the first record at or after the start LSN (which need not be a record
 * boundary, as with {@code pg_waldump --start}) and returns the records that start before the end
 * LSN, or runs to the end of valid WAL. Valid WAL ends at a zero record length, a zero or recycled
 * page, an {@code xl_prev} that does not point back, or the end of the last segment present; then
 * {@link #next()} returns null and {@link #endOfWal()} says which. Anything else that is wrong
 * throws a {@link org.xlogminer.wal.WalException} naming segment and LSN.
 *
 * <p>Pages come through a {@link PageWindow}, which validates their headers and tells where WAL
 * ends at a page. Records that lie inside one page are viewed where they are read; only records
 * that cross a page are copied, by a {@link RecordGatherer} into a reused buffer. Each record is
 * decoded into one reused {@link XLogRecordView}. Nothing is allocated per record once warm.
 *
 * <p>Not thread-safe.
 */
public final class WalReader implements Closeable {

    /**
     * Longest record PostgreSQL writes ({@code XLogRecordMaxSize} in {@code xlogrecord.h}, 16+; older
     * majors allow up to 1 GB - 1 and never write more than this either).
     */
    static final long MAX_RECORD_LENGTH = 1020L * 1024 * 1024;

    private final SegmentSource source;
    private final int segmentSize;
    private final long startLsn;
    private final long endLsn;
    private final boolean verifyCrc;

    private final PageWindow pages;
    private final RecordGatherer gatherer;
    private final CRC32C crc = new CRC32C();
    private final XLogRecordView view = new XLogRecordView();

    private boolean positioned;
    private long nextRecPtr;
    private long prevRecPtr;
    private boolean randomAccess = true;
    private long recordsRead;
    /** Why reading ended (null: it has not), and how far a growing source had received. */
    private final ReadingEnd ends;
    /** The timeline of the records read now. */
    private final ReadTimeline timelines;

    private WalReader(Builder b) {
        this.source = b.source;
        this.segmentSize = source.segmentSize();
        this.startLsn = b.startLsn;
        this.endLsn = b.endLsn;
        this.verifyCrc = b.verifyCrc;
        this.pages = new PageWindow(source);
        this.gatherer = new RecordGatherer(pages);
        this.ends = new ReadingEnd(source, pages);
        this.timelines = new ReadTimeline(source);
    }

    public static Builder builder(SegmentSource source) {
        return new Builder(source);
    }

    /**
     * The next record, or null at the end (then see {@link #endOfWal()}). The returned view is
     * reused: it is valid until the next call.
     *
     * @throws org.xlogminer.wal.WalException when the WAL is corrupt, has a gap or mixes clusters
     */
    public XLogRecordView next() {
        if (ends.end() != null) {
            return null;
        }
        try {
            if (!positioned) {
                positioned = true;
                if (!findFirstRecord()) {
                    return null;
                }
            }
            while (readRecord()) {
                if (Long.compareUnsigned(view.lsn(), startLsn) >= 0) {
                    recordsRead++;
                    return view;
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("reading WAL from " + source.describe() + " at " + Lsn.format(nextRecPtr), e);
        }
    }

    /** Why reading ended, once {@link #next()} has returned null; null before that. */
    public EndOfWal endOfWal() {
        return ends.end();
    }

    /** The version of the WAL, known once the first page has been read; null before. */
    public WalVersion version() {
        return pages.version();
    }

    /** The cluster's system identifier from the segments' long page headers; 0 before the first. */
    public long systemIdentifier() {
        return pages.systemIdentifier();
    }

    public int segmentSize() {
        return segmentSize;
    }

    /**
     * The timeline the last record returned was read on, as the history of the source's timeline
     * says (the timeline current at its LSN); before the first, the source's timeline.
     */
    public int timeline() {
        return timelines.timeline();
    }

    /** The history of the timeline read. */
    public TimelineHistory history() {
        return timelines.history();
    }

    /** How many records {@link #next()} has returned. */
    public long recordsRead() {
        return recordsRead;
    }

    /** Where the next record would start. */
    public long nextRecordLsn() {
        return nextRecPtr;
    }

    /**
     * After reading ended because a growing source had not yet received the next record
     * ({@link EndOfWal.Reason#NOT_YET_RECEIVED}, or the zeros, missing segment or cut record a
     * source that has not received further looks like): forgets the end and the pages read, so
     * that {@link #next()} reads that record again from what has arrived since. Returns whether
     * reading ended that way (false: it did not end, or for another reason, which stays).
     */
    public boolean resume() {
        return ends.resume();
    }

    @Override
    public void close() throws IOException {
        source.close();
    }

    // ---------------------------------------------------------------------------------------------

    /** Positions at the first record at or after {@code startLsn} ({@code XLogFindNextRecord}). */
    private boolean findFirstRecord() throws IOException {
        long start = startLsn;
        long segno = start / segmentSize;
        if (!source.contains(segno)) {
            String first = source.firstSegno() < 0 ? "none" : source.segmentName(source.firstSegno());
            String last = source.lastSegno() < 0 ? "none" : source.segmentName(source.lastSegno());
            throw new WalMissingSegmentException("the segment holding start LSN " + Lsn.format(start)
                + " is not in " + source.describe() + " (present: " + first + " to " + last + ")",
                source.segmentName(segno), start);
        }
        timelines.enter(start);
        long tmp = start;
        while (true) {
            long pagePtr = tmp & ~(long) (XLOG_BLCKSZ - 1);
            int p = pages.load(pagePtr);
            if (p < 0) {
                return pagesEnded();
            }
            int hdr = pages.headerSize(p);
            if ((pages.info(p) & XLP_FIRST_IS_CONTRECORD) != 0) {
                long rem = pages.remainingLength(p);
                if (maxAlign(rem) >= XLOG_BLCKSZ - hdr) {
                    tmp = pagePtr + XLOG_BLCKSZ;
                    continue;
                }
                tmp = pagePtr + hdr + maxAlign(rem);
            } else {
                tmp = pagePtr + hdr;
            }
            break;
        }
        nextRecPtr = tmp;
        randomAccess = true;
        return true;
    }

    /**
     * Reads the record at nextRecPtr into the view; false when WAL ended (end is set). A record
     * whose rest was overwritten by recovery is skipped: reading goes on where the new WAL starts.
     */
    private boolean readRecord() throws IOException {
        long received = ends.received(); // changes only on resume()
        while (true) {
            long recPtr = nextRecPtr;
            if (endLsn != 0 && Long.compareUnsigned(recPtr, endLsn) >= 0) {
                // before the page is loaded: at a page or segment boundary it need not exist
                return end(EndOfWal.Reason.END_LSN_REACHED, recPtr, "reached the end LSN " + Lsn.format(endLsn));
            }
            if (Long.compareUnsigned(recPtr + XLogRecordLayout.SIZE, received) > 0) {
                return end(EndOfWal.Reason.NOT_YET_RECEIVED, recPtr, "the next record has not been received yet");
            }
            if (Long.compareUnsigned(recPtr, timelines.nextSwitch()) >= 0) {
                timelines.enter(recPtr);
            }
            long pagePtr = recPtr & ~(long) (XLOG_BLCKSZ - 1);
            int p = pages.load(pagePtr);
            if (p < 0) {
                return pagesEnded();
            }
            int hdr = pages.headerSize(p);
            int off = (int) (recPtr & (XLOG_BLCKSZ - 1));
            if (off == 0) {
                off = hdr;
                recPtr += hdr;
            } else if (off < hdr) {
                throw format("invalid record offset " + off + " inside the page header", recPtr);
            }
            if ((pages.info(p) & XLP_FIRST_IS_CONTRECORD) != 0 && off == hdr) {
                throw format("a record is expected, but the page starts with the continuation of another", recPtr);
            }
            if (endLsn != 0 && Long.compareUnsigned(recPtr, endLsn) >= 0) {
                return end(EndOfWal.Reason.END_LSN_REACHED, recPtr, "reached the end LSN " + Lsn.format(endLsn));
            }
            long totLen = Integer.toUnsignedLong(pages.buffer().getInt(p + off));
            if (totLen == 0) {
                return end(EndOfWal.Reason.ZERO_LENGTH, recPtr, "record length is zero: no more WAL was written");
            }
            checkRecordLength(totLen, recPtr);
            int inPage = XLOG_BLCKSZ - off;
            boolean headerChecked = inPage >= XLogRecordLayout.SIZE;
            if (headerChecked && !checkRecordHeader(pages.buffer(), p + off, recPtr)) {
                return false;
            }
            if (totLen <= inPage) {
                if (Long.compareUnsigned(recPtr + totLen, received) > 0) {
                    return end(EndOfWal.Reason.NOT_YET_RECEIVED, recPtr, "the record has not been received whole yet");
                }
                return accept(pages.buffer(), p + off, recPtr, recPtr + totLen);
            }
            if (Long.compareUnsigned(recPtr + totLen, received) > 0) {
                return end(EndOfWal.Reason.NOT_YET_RECEIVED, recPtr, "the record has not been received whole yet");
            }
            RecordGatherer.Outcome gathered = gatherer.gather(recPtr, pagePtr, p + off, inPage, (int) totLen);
            if (gathered == RecordGatherer.Outcome.OVERWRITTEN) {
                nextRecPtr = gatherer.overwrittenAt();
                continue;
            }
            if (gathered == RecordGatherer.Outcome.WAL_ENDED) {
                if (Long.compareUnsigned(pages.ended().lsn(), received) >= 0) { // its page headers took it further
                    return end(EndOfWal.Reason.NOT_YET_RECEIVED, recPtr, "the record has not been received whole yet");
                }
                pagesEnded();
                return end(EndOfWal.Reason.INCOMPLETE_RECORD, recPtr, "the record at " + Lsn.format(recPtr)
                    + " continues into WAL that is not there (" + ends.end().detail() + ")");
            }
            if (Long.compareUnsigned(gatherer.endPtr(), received) > 0) {
                return end(EndOfWal.Reason.NOT_YET_RECEIVED, recPtr, "the record has not been received whole yet");
            }
            if (!headerChecked && !checkRecordHeader(gatherer.buffer(), 0, recPtr)) {
                return false;
            }
            return accept(gatherer.buffer(), 0, recPtr, gatherer.endPtr());
        }
    }

    private void checkRecordLength(long totLen, long recPtr) {
        if (totLen < XLogRecordLayout.SIZE) {
            throw format("invalid record length " + totLen + " (at least " + XLogRecordLayout.SIZE + ")", recPtr);
        }
        if (totLen > MAX_RECORD_LENGTH) {
            throw format("invalid record length " + totLen + " (at most " + MAX_RECORD_LENGTH + ")", recPtr);
        }
    }

    /**
     * Verifies the CRC of the whole record at {@code recOff} in {@code buf}, decodes it into the
     * view and moves on past it (to the next segment after an {@code XLOG_SWITCH}); true.
     */
    private boolean accept(ByteBuffer buf, int recOff, long recPtr, long endPtr) {
        if (verifyCrc) {
            verifyCrc(buf, recOff, recPtr);
        }
        String problem = view.wrap(buf, recOff, recPtr, endPtr, pages.version());
        if (problem != null) {
            throw format(problem + " rmid=" + view.rmid(), recPtr);
        }
        prevRecPtr = recPtr;
        randomAccess = false;
        long next = maxAlign(endPtr);
        if (view.rmid() == XLogRecordLayout.RM_XLOG_ID && view.rmgrInfo() == XLogRecordLayout.XLOG_SWITCH) {
            // Whatever follows a switch in this segment is padding.
            next = ((endPtr + segmentSize - 1) / segmentSize) * segmentSize;
        }
        nextRecPtr = next;
        return true;
    }

    /** CRC-32C over the payload, then the header up to xl_crc ({@code ValidXLogRecord}). */
    private void verifyCrc(ByteBuffer buf, int recOff, long recPtr) {
        int len = buf.getInt(recOff + XLogRecordLayout.TOT_LEN);
        byte[] arr = buf.array();
        crc.reset();
        crc.update(arr, recOff + XLogRecordLayout.SIZE, len - XLogRecordLayout.SIZE);
        crc.update(arr, recOff, XLogRecordLayout.CRC);
        int expected = buf.getInt(recOff + XLogRecordLayout.CRC);
        if ((int) crc.getValue() != expected) {
            throw new WalChecksumException(String.format(
                "incorrect resource manager data checksum in record (stored %08X, computed %08X) rmid=%d",
                expected, (int) crc.getValue(), buf.get(recOff + XLogRecordLayout.RMID) & 0xFF),
                segmentName(recPtr), recPtr);
        }
    }

    /** {@code ValidXLogRecordHeader}: false (and end set) for a broken prev-link. */
    private boolean checkRecordHeader(ByteBuffer b, int at, long recPtr) {
        long totLen = Integer.toUnsignedLong(b.getInt(at));
        if (totLen < XLogRecordLayout.SIZE) {
            throw format("invalid record length " + totLen, recPtr);
        }
        int rmid = b.get(at + XLogRecordLayout.RMID) & 0xFF;
        boolean custom = rmid >= XLogRecordLayout.RM_MIN_CUSTOM_ID && pages.version().major() >= 15;
        if (rmid > XLogRecordLayout.RM_MAX_BUILTIN_ID && !custom) {
            throw format("invalid resource manager id " + rmid, recPtr);
        }
        long prev = b.getLong(at + XLogRecordLayout.PREV);
        if (randomAccess) {
            if (Long.compareUnsigned(prev, recPtr) >= 0) {
                throw format("record with incorrect prev-link " + Lsn.format(prev), recPtr);
            }
        } else if (prev != prevRecPtr) {
            end(EndOfWal.Reason.PREV_LINK_MISMATCH, recPtr, "record's prev-link " + Lsn.format(prev)
                + " does not point at the previous record " + Lsn.format(prevRecPtr));
            return false;
        }
        return true;
    }

    private boolean pagesEnded() {
        return ends.pagesEnded();
    }

    private boolean end(EndOfWal.Reason reason, long lsn, String detail) {
        return ends.end(reason, lsn, detail);
    }

    private String segmentName(long lsn) {
        return pages.segmentName(lsn);
    }

    private WalFormatException format(String problem, long lsn) {
        return new WalFormatException(problem, segmentName(lsn), lsn);
    }

    /** Options of a reader. */
    public static final class Builder {
        private final SegmentSource source;
        private long startLsn;
        private long endLsn;
        private boolean verifyCrc = true;

        private Builder(SegmentSource source) {
            this.source = source;
        }

        /** First record at or after this LSN; default: the first record of the first segment. */
        public Builder startLsn(long lsn) {
            this.startLsn = lsn;
            return this;
        }

        /** Only records that start before this LSN; default 0: to the end of valid WAL. */
        public Builder endLsn(long lsn) {
            this.endLsn = lsn;
            return this;
        }

        /** Whether to verify each record's CRC-32C (default true). */
        public Builder verifyCrc(boolean verify) {
            this.verifyCrc = verify;
            return this;
        }

        public WalReader build() {
            if (startLsn == 0) {
                if (source.firstSegno() < 0) {
                    throw new WalFormatException("no WAL segments in " + source.describe(), null, 0);
                }
                startLsn = source.firstSegno() * source.segmentSize();
            }
            return new WalReader(this);
        }
    }
}
