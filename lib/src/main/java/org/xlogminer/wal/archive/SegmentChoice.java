package org.xlogminer.wal.archive;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.xlogminer.wal.reader.TimelineHistory;

/**
 * Which file to read for each segment number, among the files of all {@code --wal-dir}s. The
 * timeline comes from the history of the timeline read ({@link TimelineHistory}): of the
 * timelines whose WAL lies in a segment on that path, the newest whose file is present (the newest
 * one's copy holds its ancestor's WAL up to the switch point as well: PostgreSQL copies it there at
 * promotion). A segment that only timelines off the path have (the diverged tail of an old
 * primary) is not chosen at all. Among copies of the same file the complete one comes before a
 * {@code .partial}, the uncompressed one before a compressed one. The copies not chosen are kept,
 * to be compared with the chosen one ({@link SegmentCopies}).
 *
 * <p>Immutable.
 *
 * @param history  the history of the timeline read
 * @param segnos   the segment numbers, ascending
 * @param chosen   the file read for each, indexed as {@code segnos}
 * @param others   the other copies of each (empty for most)
 */
record SegmentChoice(TimelineHistory history, long[] segnos, SegmentFile[] chosen, SegmentFile[][] others) {

    private static final SegmentFile[] NONE = new SegmentFile[0];

    /** The preferred copy first: complete, uncompressed, without a checksum to verify, then by path. */
    static final Comparator<SegmentFile> PREFERENCE = Comparator.comparing(SegmentFile::partial)
        .thenComparing(f -> f.compression() != Compression.NONE)
        .thenComparing(f -> f.sha1() != null)
        .thenComparing(f -> f.path().toString());

    /**
     * Chooses among the files (all of one segment size).
     *
     * @return null when no file is on the history's path
     */
    static SegmentChoice of(List<SegmentFile> files, TimelineHistory history, int segmentSize) {
        TreeMap<Long, Map<Integer, List<SegmentFile>>> bySegno = new TreeMap<>();
        for (SegmentFile f : files) {
            if (history.contains(f.timeline())) {
                bySegno.computeIfAbsent(f.segno(segmentSize), k -> new HashMap<>())
                    .computeIfAbsent(f.timeline(), k -> new ArrayList<>()).add(f);
            }
        }
        List<Long> segnoList = new ArrayList<>();
        List<List<SegmentFile>> copiesList = new ArrayList<>();
        for (var e : bySegno.entrySet()) {
            for (int tli : history.timelinesOfSegment(e.getKey(), segmentSize)) {
                List<SegmentFile> copies = e.getValue().get(tli);
                if (copies != null) {
                    segnoList.add(e.getKey());
                    copiesList.add(copies);
                    break;
                }
            }
        }
        if (segnoList.isEmpty()) {
            return null;
        }
        int n = segnoList.size();
        long[] segnos = new long[n];
        SegmentFile[] chosen = new SegmentFile[n];
        SegmentFile[][] others = new SegmentFile[n][];
        for (int i = 0; i < n; i++) {
            List<SegmentFile> copies = copiesList.get(i);
            copies.sort(PREFERENCE);
            segnos[i] = segnoList.get(i);
            chosen[i] = copies.get(0);
            others[i] = copies.size() == 1 ? NONE : copies.subList(1, copies.size()).toArray(NONE);
        }
        return new SegmentChoice(history, segnos, chosen, others);
    }

    /** The timeline read. */
    int timeline() {
        return history.timeline();
    }

    /**
     * How many bytes of segment i are on the path: all of it, or, when its file is of a timeline that
     * ended inside the segment, the bytes before the switch point.
     */
    int readable(int i, int segmentSize) {
        long end = history.endOf(chosen[i].timeline());
        long segStart = segnos[i] * segmentSize;
        if (end != TimelineHistory.NO_END && Long.compareUnsigned(end, segStart + segmentSize) < 0) {
            return (int) Math.max(0, end - segStart);
        }
        return segmentSize;
    }
}
