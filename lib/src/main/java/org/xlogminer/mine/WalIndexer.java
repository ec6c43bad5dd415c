package org.xlogminer.mine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import org.xlogminer.decode.XactRecordDecoder;
import org.xlogminer.wal.reader.SegmentSource;
import org.xlogminer.wal.reader.WalReader;
import org.xlogminer.wal.reader.XLogRecordView;

/**
 * Makes the index entries ({@link SegmentIndexEntry}) of a source's segments: an entry of an
 * earlier index whose file's stamp is unchanged is kept as it is; the other segments are read, one
 * reader per run of consecutive segments, so that indexing a growing archive again reads only the
 * new segments (and any replaced).
 *
 * <p>Single-threaded.
 */
public final class WalIndexer {

    /**
     * The entries made.
     *
     * @param entries every present segment's, in order
     * @param kept    how many came from the earlier index
     * @param read    how many segments were read
     */
    public record Result(List<SegmentIndexEntry> entries, int kept, int read) {
    }

    private WalIndexer() {
    }

    /**
     * The entries of every segment of the source, reusing those of {@code earlier} (may be empty)
     * whose files are unchanged.
     *
     * @throws IllegalArgumentException when a segment of the source is not read from a file
     * @throws org.xlogminer.wal.WalException when a segment read is not valid WAL
     */
    public static Result index(SegmentSource source, TreeMap<Long, SegmentIndexEntry> earlier) throws IOException {
        TreeMap<Long, SegmentIndexEntry> out = new TreeMap<>();
        List<Long> toRead = new ArrayList<>();
        TreeMap<Long, SegmentIndexEntry.Stamp> stamps = new TreeMap<>();
        for (long g = source.firstSegno(); g >= 0 && g <= source.lastSegno(); g++) {
            if (!source.contains(g)) {
                continue;
            }
            Path f = source.file(g);
            if (f == null) {
                throw new IllegalArgumentException("segment " + source.segmentName(g) + " of " + source.describe()
                    + " is not a file: only files are indexed");
            }
            SegmentIndexEntry.Stamp s = SegmentIndexEntry.Stamp.of(f);
            SegmentIndexEntry old = earlier.get(g);
            if (old != null && old.stamp().equals(s)) {
                out.put(g, old);
            } else {
                toRead.add(g);
                stamps.put(g, s);
            }
        }
        int kept = out.size();
        int i = 0;
        while (i < toRead.size()) {
            int j = i;
            while (j + 1 < toRead.size() && toRead.get(j + 1) == toRead.get(j) + 1) {
                j++;
            }
            readRun(source, toRead.get(i), toRead.get(j), stamps, out);
            i = j + 1;
        }
        return new Result(new ArrayList<>(out.values()), kept, toRead.size());
    }

    /** Reads the records that start in segments first..last, an entry for each. */
    private static void readRun(SegmentSource source, long first, long last, TreeMap<Long, SegmentIndexEntry.Stamp> stamps,
                                TreeMap<Long, SegmentIndexEntry> out) throws IOException {
        long size = source.segmentSize();
        Acc acc = new Acc(first);
        XactRecordDecoder xact = new XactRecordDecoder();
        // not closed: closing a reader closes its source, which the caller owns
        WalReader reader = WalReader.builder(source).startLsn(first * size).endLsn((last + 1) * size).build();
        XLogRecordView r;
        while ((r = reader.next()) != null) {
            long segno = Long.divideUnsigned(r.lsn(), size);
            while (segno != acc.segno) {
                out.put(acc.segno, acc.entry(stamps.get(acc.segno)));
                acc = new Acc(acc.segno + 1);
            }
            acc.record(r, xact);
        }
        while (acc.segno <= last) {
            out.put(acc.segno, acc.entry(stamps.get(acc.segno)));
            acc = new Acc(acc.segno + 1);
        }
    }

    /** One segment's entry as its records are read. */
    private static final class Acc {
        final long segno;
        long firstLsn, lastLsn, first, last, min = Long.MAX_VALUE, max = Long.MIN_VALUE, commits;
        final List<SegmentIndexEntry.IndexedCheckpoint> checkpoints = new ArrayList<>();

        Acc(long segno) {
            this.segno = segno;
        }

        void record(XLogRecordView r, XactRecordDecoder xact) {
            if (firstLsn == 0) {
                firstLsn = r.lsn();
            }
            lastLsn = r.lsn();
            if (xact.wrap(r) && (xact.kind() == XactRecordDecoder.Kind.COMMIT || xact.kind() == XactRecordDecoder.Kind.ABORT
                || xact.kind() == XactRecordDecoder.Kind.COMMIT_PREPARED || xact.kind() == XactRecordDecoder.Kind.ABORT_PREPARED)) {
                long t = xact.xactTimeMicros();
                if (commits++ == 0) {
                    first = t;
                }
                last = t;
                min = Math.min(min, t);
                max = Math.max(max, t);
            } else {
                Checkpoints.Checkpoint c = Checkpoints.of(r);
                if (c != null) {
                    checkpoints.add(new SegmentIndexEntry.IndexedCheckpoint(c.lsn(), c.redo(), Checkpoints.timeOf(r),
                        Integer.toUnsignedLong(c.nextXid())));
                }
            }
        }

        SegmentIndexEntry entry(SegmentIndexEntry.Stamp s) {
            return new SegmentIndexEntry(segno, s.file(), s.size(), s.mtimeMillis(), s.crc(), firstLsn, lastLsn, first,
                last, commits == 0 ? 0 : min, commits == 0 ? 0 : max, commits, List.copyOf(checkpoints));
        }
    }
}
