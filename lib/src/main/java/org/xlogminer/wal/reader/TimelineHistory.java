package org.xlogminer.wal.reader;

import java.util.Arrays;

import org.xlogminer.wal.Lsn;

/**
 * The history of one timeline: which timeline was current for each LSN on its path, as
 * {@code readTimeLineHistory()} in {@code src/backend/access/transam/timeline.c} builds it from the
 * timeline's {@code .history} file. Entry i is timeline {@code tli(i)} from {@code begin(i)}
 * (inclusive) to {@code end(i)} (exclusive, its switch point: where the next entry's timeline
 * branched off); the last entry is the timeline itself, without an end. The WAL a timeline wrote at
 * or after its switch point (the tail of a primary that went on after a failover) is not on the path.
 *
 * <p>Immutable; thread-safe.
 */
public final class TimelineHistory {

    /** The end of the last entry: no switch point (compared unsigned, above every LSN). */
    public static final long NO_END = -1L;

    private final int[] tlis;
    /** begins[i] = ends[i - 1]; begins[0] = 0. */
    private final long[] begins;
    private final long[] ends;
    /** Where the history was read from (a file name), or null for a timeline without one. */
    private final String source;

    private TimelineHistory(int[] tlis, long[] ends, String source) {
        this.tlis = tlis;
        this.ends = ends;
        this.begins = new long[tlis.length];
        for (int i = 1; i < tlis.length; i++) {
            begins[i] = ends[i - 1];
        }
        this.source = source;
    }

    /** A timeline without ancestors (timeline 1, or one whose history is not known). */
    public static TimelineHistory single(int timeline) {
        return new TimelineHistory(new int[] {timeline}, new long[] {NO_END}, null);
    }

    /**
     * The history of {@code timeline}: its ancestors, oldest first, each with the LSN where it
     * ended, then the timeline itself.
     *
     * @param parents     the ancestors' timeline IDs, ascending
     * @param switchPoints where each ancestor ended, non-decreasing
     * @param source      where it was read from, for messages
     */
    public static TimelineHistory of(int timeline, int[] parents, long[] switchPoints, String source) {
        if (parents.length != switchPoints.length) {
            throw new IllegalArgumentException("one switch point per parent");
        }
        int n = parents.length;
        int[] tlis = Arrays.copyOf(parents, n + 1);
        long[] ends = Arrays.copyOf(switchPoints, n + 1);
        tlis[n] = timeline;
        ends[n] = NO_END;
        for (int i = 0; i < n; i++) {
            if (Integer.compareUnsigned(tlis[i], tlis[i + 1]) >= 0) {
                throw new IllegalArgumentException("timeline IDs must increase: " + tlis[i] + " then " + tlis[i + 1]);
            }
            if (i > 0 && Long.compareUnsigned(ends[i], ends[i - 1]) < 0) {
                throw new IllegalArgumentException("switch points must not decrease: " + Lsn.format(ends[i - 1])
                    + " then " + Lsn.format(ends[i]));
            }
        }
        return new TimelineHistory(tlis, ends, source);
    }

    /** The timeline this is the history of: the last entry's. */
    public int timeline() {
        return tlis[tlis.length - 1];
    }

    /** Number of entries: ancestors and the timeline itself. */
    public int size() {
        return tlis.length;
    }

    public int tli(int i) {
        return tlis[i];
    }

    public long begin(int i) {
        return begins[i];
    }

    /** Where entry i's timeline ended on this path; {@link #NO_END} for the last. */
    public long end(int i) {
        return ends[i];
    }

    /** Where the history was read from (a {@code .history} file), or null when there is none. */
    public String source() {
        return source;
    }

    /** Whether the timeline has ancestors: there are switch points. */
    public boolean hasSwitches() {
        return tlis.length > 1;
    }

    /** The index of the entry current at {@code lsn}. */
    public int indexAt(long lsn) {
        int i = 0;
        while (i < tlis.length - 1 && Long.compareUnsigned(lsn, ends[i]) >= 0) {
            i++;
        }
        return i;
    }

    /** The timeline current at {@code lsn} on this path. */
    public int timelineAt(long lsn) {
        return tlis[indexAt(lsn)];
    }

    /** The first switch point after {@code lsn} (greater than it), or {@link #NO_END}. */
    public long switchAfter(long lsn) {
        return ends[indexAt(lsn)];
    }

    /** Whether a switch point lies inside {@code (from, to)}; {@code to} 0 is no end. */
    public boolean switchesBetween(long from, long to) {
        for (int i = 0; i < tlis.length - 1; i++) {
            if (Long.compareUnsigned(ends[i], from) > 0 && (to == 0 || Long.compareUnsigned(ends[i], to) < 0)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The entries whose WAL lies (in part) in segment {@code segno}: the index of the first and of
     * the last ({-1, -1} when none). A timeline's WAL lies in the segments from the one its
     * begin is in to the one holding the byte before its end (a switch point at a segment boundary
     * leaves the next segment to the new timeline, as {@code XLogInitNewTimeline()} does).
     */
    int[] entriesOfSegment(long segno, int segmentSize) {
        int first = -1;
        int last = -1;
        for (int i = 0; i < tlis.length; i++) {
            long beginSeg = Long.divideUnsigned(begins[i], segmentSize);
            boolean endsBefore = ends[i] != NO_END
                && (ends[i] == begins[i] || Long.compareUnsigned(Long.divideUnsigned(ends[i] - 1, segmentSize), segno) < 0);
            if (Long.compareUnsigned(beginSeg, segno) <= 0 && !endsBefore) {
                if (first < 0) {
                    first = i;
                }
                last = i;
            }
        }
        return new int[] {first, last};
    }

    /**
     * The timelines whose files may hold WAL of segment {@code segno} on this path, newest first:
     * the file of the first one present is read (the newest holds the older ones' WAL up to its
     * switch point too: PostgreSQL copies it at promotion).
     */
    public int[] timelinesOfSegment(long segno, int segmentSize) {
        int[] fl = entriesOfSegment(segno, segmentSize);
        if (fl[0] < 0) {
            return new int[0];
        }
        int[] out = new int[fl[1] - fl[0] + 1];
        for (int i = fl[1], k = 0; i >= fl[0]; i--, k++) {
            out[k] = tlis[i];
        }
        return out;
    }

    /** Where timeline {@code tli} ends on this path ({@link #NO_END} for the last or one not on it). */
    public long endOf(int tli) {
        for (int i = 0; i < tlis.length; i++) {
            if (tlis[i] == tli) {
                return ends[i];
            }
        }
        return NO_END;
    }

    /** Where timeline {@code tli} begins on this path (0 for the first or one not on it). */
    public long beginOf(int tli) {
        for (int i = 0; i < tlis.length; i++) {
            if (tlis[i] == tli) {
                return begins[i];
            }
        }
        return 0;
    }

    /** Whether {@code tli} is on this path. */
    public boolean contains(int tli) {
        for (int t : tlis) {
            if (t == tli) {
                return true;
            }
        }
        return false;
    }

    /** As {@code 1 until 0/3000A8, then 2} (with the file), for messages. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < tlis.length; i++) {
            sb.append(Integer.toUnsignedString(tlis[i]));
            if (ends[i] != NO_END) {
                sb.append(" until ").append(Lsn.format(ends[i])).append(", then ");
            }
        }
        if (source != null) {
            sb.append(" (").append(source).append(')');
        }
        return sb.toString();
    }
}
