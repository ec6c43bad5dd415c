package org.xlogminer.mine;

import java.io.IOException;
import java.time.Instant;

import org.xlogminer.decode.XactRecordDecoder;
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.reader.SegmentSource;

/**
 * Finds where a window of commit times lies in the WAL by a binary search over the segments of a
 * source, sampling the first records of each segment probed ({@link SegmentSample}): a few pages
 * per probe, about log2(segments) probes, instead of reading everything before the window.
 *
 * <p>Commit times are not monotonic in LSN order: a commit's time is taken before its record is
 * inserted, so a backend held up between the two (waiting for WAL buffer space, descheduled)
 * inserts a record whose time is earlier than that of records before it. The search assumes this
 * skew is at most {@link #SKEW}; under it, a commit or abort record at LSN {@code l} with time
 * {@code t} tells that every commit before {@code l} has a time below {@code t + SKEW}, and every
 * one after it a time of at least {@code t - SKEW}. So:
 * <ul>
 * <li>the start is the LSN of a sampled commit or abort whose time is below {@code from - SKEW}:
 *     every commit before it is before {@code from}, so mining from that LSN (as {@code --from-lsn}
 *     does: from the REDO point of the last checkpoint before it) releases every transaction
 *     committed at or after {@code from}. Where no sample says so, the start is the first segment.
 * <li>the end is the LSN of a sampled commit, abort or checkpoint whose time is at least
 *     {@code to + SKEW} (a checkpoint's time was taken before its record was inserted, so records
 *     after it are later): every commit at or after it is at or after {@code to}, and every
 *     transaction committed before {@code to} has ended before it. Where no sample says so, the
 *     WAL is read to its end.
 * </ul>
 * A probe whose head holds no sample (a segment of one bulk load) looks at the next segments'
 * heads, a few at most, then counts as saying nothing, which moves the search to the safe side.
 * The search never lands after the true first commit of the window (with the skew bounded); it
 * may land earlier than needed where times go back and forth, which costs reading, not results.
 * A clock set back by more than the skew breaks the assumption, and with it the guarantee.
 *
 * <p>Stateless; thread-safe as far as the source is.
 */
public final class TimeSeek {

    /** The largest skew assumed between a commit's time and the order of commit records. */
    public static final long SKEW_MICROS = 5_000_000L;

    /** Probes of a segment with nothing to sample go on to at most this many following ones. */
    static final int FORWARD_PROBES = 4;

    /**
     * Where a search landed.
     *
     * @param lsn     the LSN found (0: none, read from the first segment, or to the end)
     * @param sampled the segment heads read
     * @param segments the segments of the source
     * @param why     what the sample at {@code lsn} said, for the message on stderr
     * @param checkpoint the last checkpoint before {@code lsn} when it is known (from an index), else null
     */
    public record Found(long lsn, int sampled, int segments, String why, Checkpoints.Checkpoint checkpoint) {

        Found(long lsn, int sampled, int segments, String why) {
            this(lsn, sampled, segments, why, null);
        }
    }

    private final SegmentSource source;
    private final long[] segnos;
    private final SegmentSample[] cache;
    private int sampled;

    public TimeSeek(SegmentSource source) {
        this.source = source;
        long first = source.firstSegno();
        long last = source.lastSegno();
        int n = 0;
        long[] s = new long[(int) Math.max(0, Math.min(Integer.MAX_VALUE - 8, last - first + 1))];
        for (long g = first; g >= 0 && g <= last; g++) {
            if (source.contains(g)) {
                s[n++] = g;
            }
        }
        this.segnos = java.util.Arrays.copyOf(s, n);
        this.cache = new SegmentSample[n];
    }

    /** Where to mine from (as {@code --from-lsn}) to see every transaction committed at or after {@code from}. */
    public Found start(Instant from) throws IOException {
        long bound = micros(from) - SKEW_MICROS;
        int lo = -1; // the last index whose sample is safely before the window
        int hi = segnos.length; // indices from here on are taken as not safely before
        SegmentSample best = null;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            int j = probe(mid, hi, true);
            if (j >= 0 && cache[j].maxXact() < bound) {
                lo = j;
                best = cache[j];
            } else {
                hi = mid;
            }
        }
        if (best == null) {
            return new Found(0, sampled, segnos.length, "no commit sampled " + SKEW_MICROS / 1_000_000
                + " s or more before it: from the first segment");
        }
        return new Found(best.maxLsn(), sampled, segnos.length, "the commit at " + Lsn.format(best.maxLsn()) + " is of "
            + instant(best.maxXact()) + ", " + SKEW_MICROS / 1_000_000 + " s or more before it");
    }

    /** Where to stop reading (as {@code --to-lsn}) once every transaction committed before {@code to} has ended; 0: the end. */
    public Found end(Instant to) throws IOException {
        long bound = micros(to) + SKEW_MICROS;
        int lo = -1; // indices up to here are taken as not safely after the window
        int hi = segnos.length; // the first index whose sample is safely after
        SegmentSample best = null;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            int j = probe(mid, hi, false);
            if (j >= 0 && cache[j].minTime() >= bound) {
                hi = j;
                best = cache[j];
            } else {
                lo = j >= 0 ? j : Math.min(hi - 1, mid + FORWARD_PROBES);
            }
        }
        if (best == null) {
            return new Found(0, sampled, segnos.length, "no record sampled " + SKEW_MICROS / 1_000_000
                + " s or more after it: to the end of the WAL");
        }
        return new Found(best.minLsn(), sampled, segnos.length, "the record at " + Lsn.format(best.minLsn()) + " is of "
            + instant(best.minTime()) + ", " + SKEW_MICROS / 1_000_000 + " s or more after it");
    }

    /**
     * The index of the first segment from i on (below limit, at most {@link #FORWARD_PROBES} past
     * i) whose head has a commit time ({@code xact}) or any time, or -1.
     */
    private int probe(int i, int limit, boolean xact) throws IOException {
        for (int j = i; j < limit && j <= i + FORWARD_PROBES; j++) {
            SegmentSample s = sample(j);
            if (xact ? s.hasXact() : s.hasMin()) {
                return j;
            }
        }
        return -1;
    }

    private SegmentSample sample(int i) throws IOException {
        if (cache[i] == null) {
            cache[i] = SegmentSample.of(source, segnos[i]);
            sampled++;
        }
        return cache[i];
    }

    static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000)
            - XactRecordDecoder.POSTGRES_EPOCH_MICROS;
    }

    static Instant instant(long micros) {
        long m = micros + XactRecordDecoder.POSTGRES_EPOCH_MICROS;
        return Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L), Math.floorMod(m, 1_000_000L) * 1000L);
    }
}
