package org.xlogminer.wal.reader;

import static org.xlogminer.wal.reader.XLogPageHeaderLayout.*;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.WalChecksumException;
import org.xlogminer.wal.WalClusterMismatchException;
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
 * <p>Records that lie inside one page are viewed where they are read; only records that cross a
 * page are copied, into a reused buffer. Nothing is allocated per record once warm.
 *
 * <p>Not thread-safe.
 */
public final class WalReader implements Closeable {

    /**
     * Longest record PostgreSQL writes ({@code XLogRecordMaxSize} in {@code xlogrecord.h}, 16+; older
     * majors allow up to 1 GB - 1 and never write more than this either).
     */
    static final long MAX_RECORD_LENGTH = 1020L * 1024 * 1024;

    /** Pages read from a segment file at a time. */
    private static final int WINDOW_PAGES = 256;

    private final SegmentSource source;
    private final int segmentSize;
    private final long startLsn;
    private final long endLsn;
    private final boolean verifyCrc;

    private final byte[] window;
    private final ByteBuffer windowBuffer;
    private long windowSegno = -1;
    private long windowStart;
    private int windowLength;
    private long checkedSegno = -1;
    private long validatedPage = -1;

    private byte[] scratch = new byte[4 * XLOG_BLCKSZ];
    private ByteBuffer scratchBuffer = XLogRecordView.littleEndian(scratch);

    private final byte[] headerScratch = new byte[LONG_SIZE];
    private final ByteBuffer headerScratchBuffer = XLogRecordView.littleEndian(headerScratch);
    private final CRC32C crc = new CRC32C();
    private final XLogRecordView view = new XLogRecordView();

    private WalVersion version;
    private long systemIdentifier;
    private int lastTimeline;

    private boolean positioned;
    private long nextRecPtr;
    private long prevRecPtr;
    private boolean randomAccess = true;
    private EndOfWal end;
    private long recordsRead;

    private WalReader(Builder b) {
        this.source = b.source;
        this.segmentSize = source.segmentSize();
        this.startLsn = b.startLsn;
        this.endLsn = b.endLsn;
        this.verifyCrc = b.verifyCrc;
        int pages = (int) Math.min(WINDOW_PAGES, segmentSize / XLOG_BLCKSZ);
        this.window = new byte[pages * XLOG_BLCKSZ];
        this.windowBuffer = XLogRecordView.littleEndian(window);
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
        if (end != null) {
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
        return end;
    }

    /** The version of the WAL, known once the first page has been read; null before. */
    public WalVersion version() {
        return version;
    }

    /** The cluster's system identifier from the segments' long page headers; 0 before the first. */
    public long systemIdentifier() {
        return systemIdentifier;
    }

    public int segmentSize() {
        return segmentSize;
    }

    /** How many records {@link #next()} has returned. */
    public long recordsRead() {
        return recordsRead;
    }

    /** Where the next record would start. */
    public long nextRecordLsn() {
        return nextRecPtr;
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
        long tmp = start;
        while (true) {
            long pagePtr = tmp & ~(long) (XLOG_BLCKSZ - 1);
            int p = loadPage(pagePtr);
            if (p < 0) {
                return false;
            }
            int hdr = pageHeaderSize(p);
            int info = windowBuffer.getShort(p + XLogPageHeaderLayout.INFO) & 0xFFFF;
            if ((info & XLP_FIRST_IS_CONTRECORD) != 0) {
                long rem = Integer.toUnsignedLong(windowBuffer.getInt(p + REM_LEN));
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

    /** Reads the record at nextRecPtr into the view; false when WAL ended (end is set). */
    private boolean readRecord() throws IOException {
        long recPtr = nextRecPtr;
        long pagePtr = recPtr & ~(long) (XLOG_BLCKSZ - 1);
        int off = (int) (recPtr & (XLOG_BLCKSZ - 1));
        int p = loadPage(pagePtr);
        if (p < 0) {
            return false;
        }
        int hdr = pageHeaderSize(p);
        if (off == 0) {
            off = hdr;
            recPtr += hdr;
        } else if (off < hdr) {
            throw format("invalid record offset " + off + " inside the page header", recPtr);
        }
        int pageInfo = windowBuffer.getShort(p + XLogPageHeaderLayout.INFO) & 0xFFFF;
        if ((pageInfo & XLP_FIRST_IS_CONTRECORD) != 0 && off == hdr) {
            throw format("a record is expected, but the page starts with the continuation of another", recPtr);
        }
        if (endLsn != 0 && Long.compareUnsigned(recPtr, endLsn) >= 0) {
            return end(EndOfWal.Reason.END_LSN_REACHED, recPtr, "reached the end LSN " + Lsn.format(endLsn));
        }
        int inPage = XLOG_BLCKSZ - off;
        long totLen = Integer.toUnsignedLong(windowBuffer.getInt(p + off));
        if (totLen == 0) {
            return end(EndOfWal.Reason.ZERO_LENGTH, recPtr, "record length is zero: no more WAL was written");
        }
        if (totLen < XLogRecordLayout.SIZE) {
            throw format("invalid record length " + totLen + " (at least " + XLogRecordLayout.SIZE + ")", recPtr);
        }
        if (totLen > MAX_RECORD_LENGTH) {
            throw format("invalid record length " + totLen + " (at most " + MAX_RECORD_LENGTH + ")", recPtr);
        }
        boolean headerChecked = false;
        if (inPage >= XLogRecordLayout.SIZE) {
            if (!checkRecordHeader(windowBuffer, p + off, recPtr)) {
                return false;
            }
            headerChecked = true;
        }

        ByteBuffer buf;
        int recOff;
        long endPtr;
        if (totLen <= inPage) {
            buf = windowBuffer;
            recOff = p + off;
            endPtr = recPtr + totLen;
        } else {
            int total = (int) totLen;
            ensureScratch(Math.min(total, 4 * XLOG_BLCKSZ));
            System.arraycopy(window, p + off, scratch, 0, inPage);
            int gathered = inPage;
            long pg = pagePtr;
            endPtr = 0;
            while (gathered < total) {
                pg += XLOG_BLCKSZ;
                int q = loadPage(pg);
                if (q < 0) {
                    return end(EndOfWal.Reason.INCOMPLETE_RECORD, recPtr,
                        "the record at " + Lsn.format(recPtr) + " continues into WAL that is not there ("
                            + end.detail() + ")");
                }
                int qInfo = windowBuffer.getShort(q + XLogPageHeaderLayout.INFO) & 0xFFFF;
                if ((qInfo & XLP_FIRST_IS_OVERWRITE_CONTRECORD) != 0) {
                    // The rest of this record was never written; recovery wrote new WAL over it.
                    nextRecPtr = pg;
                    return readRecord();
                }
                if ((qInfo & XLP_FIRST_IS_CONTRECORD) == 0) {
                    throw format("no continuation flag on page " + Lsn.format(pg) + " for the record at "
                        + Lsn.format(recPtr), pg);
                }
                long rem = Integer.toUnsignedLong(windowBuffer.getInt(q + REM_LEN));
                if (rem == 0 || total != rem + gathered) {
                    throw format("invalid continuation length " + rem + " on page " + Lsn.format(pg)
                        + " (record at " + Lsn.format(recPtr) + " needs " + (total - gathered) + ")", pg);
                }
                int qHdr = pageHeaderSize(q);
                int n = (int) Math.min(total - gathered, XLOG_BLCKSZ - qHdr);
                // Grown as pages arrive, so a corrupt length fails at the next page header, not in malloc.
                ensureScratch(gathered + n);
                System.arraycopy(window, q + qHdr, scratch, gathered, n);
                gathered += n;
                endPtr = pg + qHdr + n;
            }
            buf = scratchBuffer;
            recOff = 0;
            if (!headerChecked && !checkRecordHeader(buf, 0, recPtr)) {
                return false;
            }
        }

        if (verifyCrc) {
            int len = (int) totLen;
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
        String problem = view.wrap(buf, recOff, recPtr, endPtr, version);
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

    /** {@code ValidXLogRecordHeader}: false (and end set) for a broken prev-link. */
    private boolean checkRecordHeader(ByteBuffer b, int at, long recPtr) {
        long totLen = Integer.toUnsignedLong(b.getInt(at));
        if (totLen < XLogRecordLayout.SIZE) {
            throw format("invalid record length " + totLen, recPtr);
        }
        int rmid = b.get(at + XLogRecordLayout.RMID) & 0xFF;
        boolean custom = rmid >= XLogRecordLayout.RM_MIN_CUSTOM_ID && version.major() >= 15;
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

    /**
     * Makes the page at pagePtr available in the window and validates its header; returns its
     * offset in the window, or -1 when WAL ends there (end is set).
     */
    private int loadPage(long pagePtr) throws IOException {
        long segno = pagePtr / segmentSize;
        long segOff = pagePtr % segmentSize;
        if (segno != windowSegno || segOff < windowStart || segOff + XLOG_BLCKSZ > windowStart + windowLength) {
            if (!source.contains(segno)) {
                if (segno > source.lastSegno()) {
                    end(EndOfWal.Reason.NO_MORE_SEGMENTS, pagePtr, "segment " + source.segmentName(segno)
                        + " is not present and no later one is");
                    return -1;
                }
                throw new WalMissingSegmentException("segment is missing: the WAL has a gap (later segments are present)",
                    source.segmentName(segno), pagePtr);
            }
            if (segno != checkedSegno) {
                if (!checkSegment(segno)) {
                    return -1;
                }
                checkedSegno = segno;
            }
            int len = (int) Math.min(window.length, segmentSize - segOff);
            int n = source.read(segno, segOff, window, 0, len);
            windowSegno = segno;
            windowStart = segOff;
            windowLength = n - (n % XLOG_BLCKSZ);
            if (windowLength < XLOG_BLCKSZ) {
                windowSegno = -1;
                throw new WalFormatException("segment is truncated: file has " + source.fileSize(segno)
                    + " bytes, a segment has " + segmentSize, source.segmentName(segno), pagePtr);
            }
        }
        int p = (int) (segOff - windowStart);
        if (pagePtr != validatedPage) {
            if (!validatePageHeader(p, pagePtr, segno, segOff)) {
                return -1;
            }
            validatedPage = pagePtr;
        }
        return p;
    }

    /** Checks a segment's file size and long header before any of its pages is used. */
    private boolean checkSegment(long segno) throws IOException {
        String name = source.segmentName(segno);
        long size = source.fileSize(segno);
        if (size > segmentSize) {
            throw new WalFormatException("file has " + size + " bytes, more than the segment size " + segmentSize
                + ": not a WAL segment", name, segno * segmentSize);
        }
        byte[] hdr = headerScratch;
        int n = source.read(segno, 0, hdr, 0, LONG_SIZE);
        long segStart = segno * segmentSize;
        if (n < LONG_SIZE) {
            throw new WalFormatException("segment is truncated: file has " + size + " bytes, a segment has "
                + segmentSize, name, segStart);
        }
        ByteBuffer b = headerScratchBuffer;
        int magic = b.getShort(MAGIC) & 0xFFFF;
        if (magic == 0 && b.getLong(PAGEADDR) == 0) {
            end(EndOfWal.Reason.ZERO_PAGE, segStart, "segment starts with a page of zeros (allocated, not yet written)");
            return false;
        }
        checkMagic(magic, name, segStart);
        int info = b.getShort(XLogPageHeaderLayout.INFO) & 0xFFFF;
        if ((info & XLP_LONG_HEADER) == 0) {
            throw new WalFormatException("first page of the segment has no long header", name, segStart);
        }
        long pageaddr = b.getLong(PAGEADDR);
        if (pageaddr != segStart && isRecycled(pageaddr, segStart)) {
            end(EndOfWal.Reason.RECYCLED_PAGE, segStart, "segment is a recycled one (its first page is for "
                + Lsn.format(pageaddr) + ")");
            return false;
        }
        long sysid = b.getLong(SYSID);
        if (systemIdentifier == 0) {
            systemIdentifier = sysid;
        } else if (sysid != systemIdentifier) {
            throw new WalClusterMismatchException("segment belongs to another cluster: system identifier "
                + Long.toUnsignedString(sysid) + ", expected " + Long.toUnsignedString(systemIdentifier), name, segStart);
        }
        long segSizeField = Integer.toUnsignedLong(b.getInt(SEG_SIZE));
        if (segSizeField != segmentSize) {
            throw new WalClusterMismatchException("segment size in the long header is " + segSizeField
                + ", expected " + segmentSize, name, segStart);
        }
        int blcksz = b.getInt(XLOG_BLCKSZ_FIELD);
        if (blcksz != XLOG_BLCKSZ) {
            throw new WalFormatException("WAL block size in the long header is " + blcksz + ", expected "
                + XLOG_BLCKSZ, name, segStart);
        }
        return true;
    }

    private void checkMagic(int magic, String segment, long at) {
        WalVersion v = WalVersion.fromPageMagic(magic);
        if (v == null) {
            throw new WalFormatException(String.format("invalid page magic 0x%04X: not WAL of PostgreSQL 13 to 18", magic),
                segment, at);
        }
        if (version == null) {
            version = v;
        } else if (v != version) {
            throw new WalFormatException("page magic of PostgreSQL " + v.major() + " in WAL of PostgreSQL "
                + version.major(), segment, at);
        }
    }

    /** {@code XLogReaderValidatePageHeader}. */
    private boolean validatePageHeader(int p, long pagePtr, long segno, long segOff) {
        ByteBuffer b = windowBuffer;
        int magic = b.getShort(p + MAGIC) & 0xFFFF;
        long pageaddr = b.getLong(p + PAGEADDR);
        if (magic == 0 && pageaddr == 0) {
            end(EndOfWal.Reason.ZERO_PAGE, pagePtr, "page of zeros: no more WAL was written");
            return false;
        }
        if (version == null || magic != version.pageMagic()) {
            checkMagic(magic, source.segmentName(segno), pagePtr);
        }
        int info = b.getShort(p + XLogPageHeaderLayout.INFO) & 0xFFFF;
        if ((info & ~XLP_ALL_FLAGS) != 0) {
            throw new WalFormatException(String.format("invalid info bits %04X in page header", info), source.segmentName(segno), pagePtr);
        }
        if ((info & XLP_LONG_HEADER) != 0 ? segOff != 0 : segOff == 0) {
            throw new WalFormatException(String.format("invalid info bits %04X: long header flag on a page at offset %d",
                info, segOff), source.segmentName(segno), pagePtr);
        }
        if (pageaddr != pagePtr) {
            if (isRecycled(pageaddr, pagePtr)) {
                end(EndOfWal.Reason.RECYCLED_PAGE, pagePtr, "page is left over from an earlier use of the file ("
                    + Lsn.format(pageaddr) + ")");
                return false;
            }
            throw new WalFormatException("unexpected page address " + Lsn.format(pageaddr), source.segmentName(segno), pagePtr);
        }
        int tli = b.getInt(p + TLI);
        if (Integer.compareUnsigned(tli, lastTimeline) < 0) {
            throw new WalFormatException("out-of-sequence timeline " + Integer.toUnsignedString(tli) + " after "
                + Integer.toUnsignedString(lastTimeline), source.segmentName(segno), pagePtr);
        }
        lastTimeline = tli;
        return true;
    }

    /**
     * A recycled segment was written for an earlier segment number: its pages carry older page
     * addresses at the same offset within a segment.
     */
    private boolean isRecycled(long pageaddr, long expected) {
        return Long.compareUnsigned(pageaddr, expected) < 0 && pageaddr % segmentSize == expected % segmentSize
            && pageaddr % XLOG_BLCKSZ == 0;
    }

    private int pageHeaderSize(int p) {
        int info = windowBuffer.getShort(p + XLogPageHeaderLayout.INFO) & 0xFFFF;
        return (info & XLP_LONG_HEADER) != 0 ? LONG_SIZE : SHORT_SIZE;
    }

    private void ensureScratch(int size) {
        if (scratch.length < size) {
            int n = (int) Math.min(Math.max(size, 2L * scratch.length), MAX_RECORD_LENGTH);
            scratch = Arrays.copyOf(scratch, n);
            scratchBuffer = XLogRecordView.littleEndian(scratch);
        }
    }

    private boolean end(EndOfWal.Reason reason, long lsn, String detail) {
        end = new EndOfWal(reason, lsn, segmentName(lsn), detail);
        switch (reason) {
            case ZERO_LENGTH, ZERO_PAGE, PREV_LINK_MISMATCH, RECYCLED_PAGE -> confirmEnd(lsn, detail);
            default -> { }
        }
        return false;
    }

    /**
     * WAL that really ends there has nothing valid after it: the following page was never written
     * (zeros) or is left over from an earlier use of the file. A valid page of this cluster right
     * after the end means the WAL is damaged at the end point; stopping there would silently drop
     * everything that follows, so it is an error.
     */
    private void confirmEnd(long lsn, String detail) {
        long nextPage = (lsn & ~(long) (XLOG_BLCKSZ - 1)) + XLOG_BLCKSZ;
        long segno = nextPage / segmentSize;
        if (!source.contains(segno) || !source.segmentName(segno).substring(0, 8)
            .equals(source.segmentName(lsn / segmentSize).substring(0, 8))) {
            return;
        }
        byte[] hdr = new byte[LONG_SIZE];
        int n;
        try {
            n = source.read(segno, nextPage % segmentSize, hdr, 0, LONG_SIZE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (n < SHORT_SIZE) {
            return;
        }
        ByteBuffer b = XLogRecordView.littleEndian(hdr);
        boolean valid = WalVersion.fromPageMagic(b.getShort(MAGIC) & 0xFFFF) == version
            && b.getLong(PAGEADDR) == nextPage
            && ((b.getShort(XLogPageHeaderLayout.INFO) & XLP_LONG_HEADER) == 0 || b.getLong(SYSID) == systemIdentifier);
        if (valid) {
            end = null;
            throw new WalFormatException("WAL seems to end at " + Lsn.format(lsn) + " (" + detail
                + "), but the page at " + Lsn.format(nextPage) + " after it holds valid WAL: the WAL is damaged there",
                segmentName(lsn), lsn);
        }
    }

    private String segmentName(long lsn) {
        return source.segmentName(lsn / segmentSize);
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
