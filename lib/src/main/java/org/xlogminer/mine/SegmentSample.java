package org.xlogminer.mine;

import java.io.IOException;

import org.xlogminer.decode.XactRecordDecoder;
import org.xlogminer.wal.WalException;
import org.xlogminer.wal.reader.SegmentSource;
import org.xlogminer.wal.reader.WalReader;
import org.xlogminer.wal.reader.XLogRecordView;

/**
 * The times of the first records of one segment: its first {@link #HEAD_BYTES} are read
 * ({@link SegmentSource#readHead}, which inflates only the beginning of a compressed segment) and
 * the records that start in them looked at. A commit or abort record carries its xact_time; a
 * checkpoint record the time its checkpoint began (whole seconds), which every record after the
 * checkpoint record was inserted after. A record reading starts at the first record boundary of
 * the segment (the first page's xlp_rem_len passes over the end of a record from the previous
 * segment).
 *
 * @param segno      the segment sampled
 * @param maxXact    the latest commit/abort time, microseconds since 2000-01-01 (valid if maxLsn != 0)
 * @param maxLsn     the LSN of that record, or 0 when the head holds no commit or abort
 * @param minTime    the earliest commit/abort or checkpoint time, microseconds since 2000-01-01
 * @param minLsn     the LSN of that record, or 0 when there is none
 */
record SegmentSample(long segno, long maxXact, long maxLsn, long minTime, long minLsn) {

    /** Bytes sampled per segment: 32 pages. */
    static final int HEAD_BYTES = 256 << 10;

    /** Seconds from 1970-01-01 to 2000-01-01. */
    private static final long POSTGRES_EPOCH_SECONDS = XactRecordDecoder.POSTGRES_EPOCH_MICROS / 1_000_000L;

    boolean hasXact() {
        return maxLsn != 0;
    }

    boolean hasMin() {
        return minLsn != 0;
    }

    /** Samples the head of the segment (present in the source). */
    static SegmentSample of(SegmentSource source, long segno) throws IOException {
        int size = source.segmentSize();
        byte[] head = new byte[Math.min(HEAD_BYTES, size)];
        int n = source.readHead(segno, head, head.length);
        long maxXact = Long.MIN_VALUE;
        long maxLsn = 0;
        long minTime = Long.MAX_VALUE;
        long minLsn = 0;
        XactRecordDecoder xact = new XactRecordDecoder();
        WalReader reader = WalReader.builder(new HeadSource(source, segno, head, n))
            .startLsn(segno * size).endLsn(segno * size + n).build();
        try {
            XLogRecordView r;
            while ((r = reader.next()) != null) {
                long t;
                if (xact.wrap(r) && (xact.kind() == XactRecordDecoder.Kind.COMMIT
                    || xact.kind() == XactRecordDecoder.Kind.ABORT
                    || xact.kind() == XactRecordDecoder.Kind.COMMIT_PREPARED
                    || xact.kind() == XactRecordDecoder.Kind.ABORT_PREPARED)) {
                    t = xact.xactTimeMicros();
                    if (maxLsn == 0 || t > maxXact) {
                        maxXact = t;
                        maxLsn = r.lsn();
                    }
                } else if (Checkpoints.of(r) != null) {
                    t = (Checkpoints.timeOf(r) - POSTGRES_EPOCH_SECONDS) * 1_000_000L;
                } else {
                    continue;
                }
                if (minLsn == 0 || t < minTime) {
                    minTime = t;
                    minLsn = r.lsn();
                }
            }
        } catch (WalException e) {
            // the head ends inside a record, or the segment is not readable: what was read counts
        }
        return new SegmentSample(segno, maxXact, maxLsn, minTime, minLsn);
    }

    /** One segment's head as a source: reads past it find nothing (the reader then stops). */
    private record HeadSource(SegmentSource of, long segno, byte[] head, int length)
        implements SegmentSource {

        @Override
        public int segmentSize() {
            return of.segmentSize();
        }

        @Override
        public int timeline() {
            return of.fileTimeline(segno);
        }

        @Override
        public long firstSegno() {
            return segno;
        }

        @Override
        public long lastSegno() {
            return segno;
        }

        @Override
        public boolean contains(long s) {
            return s == segno;
        }

        @Override
        public String segmentName(long s) {
            return of.segmentName(s);
        }

        @Override
        public int read(long s, long offset, byte[] dst, int dstOffset, int len) {
            int n = (int) Math.max(0, Math.min(len, length - offset));
            if (n > 0) {
                System.arraycopy(head, (int) offset, dst, dstOffset, n);
            }
            return n;
        }

        @Override
        public long fileSize(long s) {
            return of.segmentSize();
        }

        @Override
        public String describe() {
            return of.describe();
        }

        @Override
        public void close() {
            // the head is in memory; the source it came from stays open
        }
    }
}
