package org.xlogminer.wal.reader;

import static org.xlogminer.wal.reader.XLogPageHeaderLayout.LONG_SIZE;
import static org.xlogminer.wal.reader.XLogPageHeaderLayout.SHORT_SIZE;
import static org.xlogminer.wal.reader.XLogPageHeaderLayout.XLOG_BLCKSZ;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.WalVersion;

/**
 * Reads one record again, at an LSN where a {@link WalReader} found it before: the WAL itself
 * serves as the store of full-page images already read, so that nobody needs to keep 8 kB per page
 * in memory. The record's bytes are gathered across page headers (and segments), its CRC-32C is
 * checked again, and it is handed back as a view valid until the next fetch.
 *
 * <p>Not thread-safe. Reads through the segment source, which must still hold the segment.
 */
public final class RecordFetcher {

    private final SegmentSource source;
    private final long segmentSize;
    private final WalVersion version;
    private final CRC32C crc = new CRC32C();
    private final XLogRecordView view = new XLogRecordView();
    private byte[] buf = new byte[2 * XLOG_BLCKSZ];
    private long fetches;
    private long lastSegno = -1;

    public RecordFetcher(SegmentSource source, WalVersion version) {
        this.source = source;
        this.segmentSize = source.segmentSize();
        this.version = version;
    }

    /**
     * The record that starts at {@code lsn}.
     *
     * @throws WalFormatException when its bytes are no longer what was read (a recycled segment)
     */
    public XLogRecordView fetch(long lsn) {
        fetches++;
        gather(lsn, 0, buf, 0, XLogRecordLayout.SIZE);
        int total = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).getInt(XLogRecordLayout.TOT_LEN);
        if (total < XLogRecordLayout.SIZE || total > 1 << 30) {
            throw changed(lsn, "its length field reads " + total);
        }
        if (buf.length < total) {
            buf = new byte[Math.max(total, buf.length * 2)];
        }
        gather(lsn, XLogRecordLayout.SIZE, buf, XLogRecordLayout.SIZE, total - XLogRecordLayout.SIZE);
        crc.reset();
        crc.update(buf, XLogRecordLayout.SIZE, total - XLogRecordLayout.SIZE);
        crc.update(buf, 0, XLogRecordLayout.CRC);
        if ((int) crc.getValue() != ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).getInt(XLogRecordLayout.CRC)) {
            throw changed(lsn, "its CRC no longer matches");
        }
        return view.wrapCopy(buf, lsn, lsn + total, version);
    }

    /** How many records were read again. */
    public long fetches() {
        return fetches;
    }

    /**
     * Copies {@code n} bytes of the record that starts at {@code lsn}, from byte {@code at} of the
     * record on, without reading the rest: for a tuple of a full-page image. Nothing checks that
     * the record is still the one read before (its CRC covers the whole record): callers check
     * what they read for sense.
     */
    public void read(long lsn, int at, byte[] dst, int off, int n) {
        fetches++;
        gather(lsn, at, dst, off, n);
    }

    /**
     * The LSN of byte {@code at} of the record that starts at {@code lsn}: past the page headers
     * in between (byte 0 is the record's first, at lsn).
     */
    public long position(long lsn, int at) {
        long pos = lsn;
        long skip = at;
        while (true) {
            long inPage = pos % XLOG_BLCKSZ;
            if (inPage == 0) {
                pos += pos % segmentSize == 0 ? LONG_SIZE : SHORT_SIZE;
                inPage = pos % XLOG_BLCKSZ;
            }
            if (skip == 0) {
                return pos;
            }
            long step = Math.min(skip, XLOG_BLCKSZ - inPage);
            pos += step;
            skip -= step;
        }
    }

    /**
     * Copies {@code n} bytes of record data starting at byte {@code at} of the record that starts
     * at {@code lsn}, skipping page headers.
     */
    private void gather(long lsn, int at, byte[] dst, int off, int n) {
        long pos = position(lsn, at);
        try {
            while (n > 0) {
                long inPage = pos % XLOG_BLCKSZ;
                if (inPage == 0) {
                    pos += pos % segmentSize == 0 ? LONG_SIZE : SHORT_SIZE;
                    inPage = pos % XLOG_BLCKSZ;
                }
                int chunk = (int) Math.min(n, XLOG_BLCKSZ - inPage);
                long segno = pos / segmentSize;
                if (segno != lastSegno) {
                    if (!source.contains(segno)) {
                        throw changed(lsn, "segment " + source.segmentName(segno) + " is gone");
                    }
                    lastSegno = segno;
                }
                int got = source.read(segno, pos % segmentSize, dst, off, chunk);
                if (got != chunk) {
                    throw changed(lsn, "segment " + source.segmentName(segno) + " is shorter now");
                }
                pos += chunk;
                off += chunk;
                n -= chunk;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the record at " + Lsn.format(lsn) + " again", e);
        }
    }

    private WalFormatException changed(long lsn, String why) {
        return new WalFormatException("the record read earlier changed (" + why
            + "): was the segment recycled or overwritten while mining?", source.segmentName(lsn / segmentSize), lsn);
    }
}
