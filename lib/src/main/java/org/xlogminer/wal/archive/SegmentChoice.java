package org.xlogminer.wal.archive;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * Which file to read for each segment number, among the files of all {@code --wal-dir}s: the
 * timeline rule of {@link org.xlogminer.wal.reader.DirectorySegmentSource} (for each segment
 * number, the highest timeline not above the chosen one), and among copies of the same segment
 * the complete one before a {@code .partial}, the uncompressed one before a compressed one. The
 * copies not chosen are kept, to be compared with the chosen one ({@link SegmentCopies}).
 *
 * <p>Immutable.
 *
 * @param timeline the timeline chosen (the highest present when none was asked for)
 * @param segnos   the segment numbers, ascending
 * @param chosen   the file read for each, indexed as {@code segnos}
 * @param others   the other copies of each (empty for most)
 */
record SegmentChoice(int timeline, long[] segnos, SegmentFile[] chosen, SegmentFile[][] others) {

    private static final SegmentFile[] NONE = new SegmentFile[0];

    /** The preferred copy first: complete, uncompressed, without a checksum to verify, then by path. */
    static final Comparator<SegmentFile> PREFERENCE = Comparator.comparing(SegmentFile::partial)
        .thenComparing(f -> f.compression() != Compression.NONE)
        .thenComparing(f -> f.sha1() != null)
        .thenComparing(f -> f.path().toString());

    /**
     * Chooses among the files (all of one segment size).
     *
     * @param timeline 0 for the highest timeline present
     * @return null when no file is of the timeline or below it
     */
    static SegmentChoice of(List<SegmentFile> files, int timeline, int segmentSize) {
        int tli = timeline;
        if (tli == 0) {
            for (SegmentFile f : files) {
                tli = Integer.compareUnsigned(f.timeline(), tli) > 0 ? f.timeline() : tli;
            }
        }
        TreeMap<Long, List<SegmentFile>> bySegno = new TreeMap<>();
        for (SegmentFile f : files) {
            if (Integer.compareUnsigned(f.timeline(), tli) > 0) {
                continue;
            }
            List<SegmentFile> copies = bySegno.computeIfAbsent(f.segno(segmentSize), k -> new ArrayList<>());
            int have = copies.isEmpty() ? 0 : copies.get(0).timeline();
            if (!copies.isEmpty() && Integer.compareUnsigned(f.timeline(), have) < 0) {
                continue;
            }
            if (!copies.isEmpty() && f.timeline() != have) {
                copies.clear(); // a higher timeline's file replaces the lower one's
            }
            copies.add(f);
        }
        if (bySegno.isEmpty()) {
            return null;
        }
        int n = bySegno.size();
        long[] segnos = new long[n];
        SegmentFile[] chosen = new SegmentFile[n];
        SegmentFile[][] others = new SegmentFile[n][];
        int i = 0;
        for (var e : bySegno.entrySet()) {
            List<SegmentFile> copies = e.getValue();
            copies.sort(PREFERENCE);
            segnos[i] = e.getKey();
            chosen[i] = copies.get(0);
            others[i] = copies.size() == 1 ? NONE : copies.subList(1, copies.size()).toArray(NONE);
            i++;
        }
        return new SegmentChoice(tli, segnos, chosen, others);
    }
}
