package org.xlogminer.wal.reader;

import static org.xlogminer.wal.reader.XLogPageHeaderLayout.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.WalClusterMismatchException;
import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.WalMissingSegmentException;
import org.xlogminer.wal.WalVersion;

/**
 * The WAL pages a {@link WalReader} reads records from: reads up to {@value #WINDOW_PAGES} pages
 * of a segment at a time from its {@link SegmentSource} into one window, checks each segment's
 * file size and long header before its first use, and each page's header
 * ({@code XLogReaderValidatePageHeader()} in {@code src/backend/access/transam/xlogreader.c})
 * before its first use. It learns the WAL version, the system identifier and the timeline as it
 * goes, and tells where valid WAL ends: a page that ends it makes {@link #load} return -1 and
 * {@link #ended()} say why; damage throws a {@link org.xlogminer.wal.WalException} naming segment
 * and LSN.
 *
 * <p>Page offsets returned by {@link #load} index {@link #array()} and {@link #buffer()}, and stay
 * valid until the next {@link #load} of a page outside the window. Allocates nothing once built,
 * except when WAL ends. Not thread-safe.
 */
final class PageWindow {

    /** Pages read from a segment file at a time. */
    static final int WINDOW_PAGES = 256;

    private final SegmentSource source;
    private final int segmentSize;

    private final byte[] window;
    private final ByteBuffer windowBuffer;
    private long windowSegno = -1;
    private long windowStart;
    private int windowLength;
    private long checkedSegno = -1;
    private long validatedPage = -1;

    private final byte[] headerScratch = new byte[LONG_SIZE];
    private final ByteBuffer headerScratchBuffer = XLogRecordView.littleEndian(headerScratch);

    private WalVersion version;
    private long systemIdentifier;
    private int lastTimeline;
    private EndOfWal ended;

    PageWindow(SegmentSource source) {
        this.source = source;
        this.segmentSize = source.segmentSize();
        int pages = (int) Math.min(WINDOW_PAGES, segmentSize / XLOG_BLCKSZ);
        this.window = new byte[pages * XLOG_BLCKSZ];
        this.windowBuffer = XLogRecordView.littleEndian(window);
    }

    /** The window's bytes, little-endian; page offsets from {@link #load} index it. */
    ByteBuffer buffer() {
        return windowBuffer;
    }

    byte[] array() {
        return window;
    }

    /** The WAL version, once the first page has been read; null before. */
    WalVersion version() {
        return version;
    }

    /** The system identifier from the segments' long headers; 0 before the first. */
    long systemIdentifier() {
        return systemIdentifier;
    }

    /** Where and why WAL ended, once {@link #load} has returned -1. */
    EndOfWal ended() {
        return ended;
    }

    /** xlp_info of the page at offset {@code p}. */
    int info(int p) {
        return windowBuffer.getShort(p + INFO) & 0xFFFF;
    }

    /** xlp_rem_len of the page at offset {@code p}: bytes of a record continued from the page before. */
    long remainingLength(int p) {
        return Integer.toUnsignedLong(windowBuffer.getInt(p + REM_LEN));
    }

    /** The size of the header of the page at offset {@code p}, long or short. */
    int headerSize(int p) {
        return (info(p) & XLP_LONG_HEADER) != 0 ? LONG_SIZE : SHORT_SIZE;
    }

    /** The start of the page after the one {@code lsn} lies in. */
    static long pageAfter(long lsn) {
        return (lsn & ~(long) (XLOG_BLCKSZ - 1)) + XLOG_BLCKSZ;
    }

    String segmentName(long lsn) {
        return source.segmentName(lsn / segmentSize);
    }

    /** Forgets the pages read and where WAL ended: a growing source may hold more of them now. */
    void forget() {
        windowSegno = -1;
        validatedPage = -1;
        checkedSegno = -1;
        ended = null;
    }

    /**
     * Makes the page at pagePtr available in the window and validates its header; returns its
     * offset in the window, or -1 when WAL ends there (then see {@link #ended()}).
     */
    int load(long pagePtr) throws IOException {
        long segno = pagePtr / segmentSize;
        long segOff = pagePtr % segmentSize;
        if (segno != windowSegno || segOff < windowStart || segOff + XLOG_BLCKSZ > windowStart + windowLength) {
            if (!source.contains(segno)) {
                if (segno > source.lastSegno()) {
                    return end(EndOfWal.Reason.NO_MORE_SEGMENTS, pagePtr, "segment " + source.segmentName(segno)
                        + " is not present and no later one is");
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
        int info = b.getShort(INFO) & 0xFFFF;
        if ((info & XLP_LONG_HEADER) == 0) {
            throw new WalFormatException("first page of the segment has no long header", name, segStart);
        }
        long pageaddr = b.getLong(PAGEADDR);
        if (pageaddr != segStart && isRecycled(pageaddr, segStart)) {
            end(EndOfWal.Reason.RECYCLED_PAGE, segStart, "segment is a recycled one (its first page is for "
                + Lsn.format(pageaddr) + ")");
            return false;
        }
        checkCluster(b, name, segStart);
        return true;
    }

    /** The long header's system identifier, segment size and block size, against the cluster's. */
    private void checkCluster(ByteBuffer b, String name, long segStart) {
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
        int info = info(p);
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

    /**
     * Whether the page after the one {@code lsn} lies in holds valid WAL of this cluster: its
     * segment is present on the same timeline, and its header has this version's magic, its own
     * address and (if long) this cluster's system identifier. Read apart from the window, so the
     * window is left as it is.
     */
    boolean validPageFollows(long lsn) {
        long nextPage = pageAfter(lsn);
        long segno = nextPage / segmentSize;
        if (!source.contains(segno) || !source.segmentName(segno).substring(0, 8)
            .equals(source.segmentName(lsn / segmentSize).substring(0, 8))) {
            return false;
        }
        byte[] hdr = new byte[LONG_SIZE];
        int n;
        try {
            n = source.read(segno, nextPage % segmentSize, hdr, 0, LONG_SIZE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (n < SHORT_SIZE) {
            return false;
        }
        ByteBuffer b = XLogRecordView.littleEndian(hdr);
        return WalVersion.fromPageMagic(b.getShort(MAGIC) & 0xFFFF) == version
            && b.getLong(PAGEADDR) == nextPage
            && ((b.getShort(INFO) & XLP_LONG_HEADER) == 0 || b.getLong(SYSID) == systemIdentifier);
    }

    private int end(EndOfWal.Reason reason, long lsn, String detail) {
        ended = new EndOfWal(reason, lsn, segmentName(lsn), detail);
        return -1;
    }
}
