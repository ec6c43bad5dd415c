package org.xlogminer.wal.archive;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.xlogminer.wal.reader.DirectorySegmentSource;
import org.xlogminer.wal.reader.SegmentName;
import org.xlogminer.wal.reader.SegmentSource;
import org.xlogminer.wal.reader.TimelineHistory;

/**
 * The segments of one or more {@code --wal-dir}s as one source, each segment read from the file
 * {@link SegmentChoice} chose for it: a plain file through a {@link DirectorySegmentSource} (which
 * maps the reader's windows), any other (compressed, or with a pgBackRest checksum) through
 * {@link InflatedSegments}, which decompresses the two segments after the one being read ahead
 * of the reader, and keeps packed what the miner {@linkplain #keep marks} for reading again.
 * Before a segment with other copies is first read, the copies are compared
 * ({@link SegmentCopies}). The timeline of each segment follows the history of the timeline read
 * ({@link SegmentChoice}).
 *
 * <p>Not thread-safe, like the sources it composes: one reader (with its RecordFetcher) at a
 * time. {@link #close()} closes the files and stops the read-ahead thread.
 */
public final class MergedSegmentSource implements SegmentSource {

    /**
     * The most memory for the ranges of compressed segments kept packed for reading again: three
     * quarters of the heap's maximum, off the heap ({@link PackedSegments}; the JVM's default limit
     * of direct memory is the heap's maximum). The tuples of full-page images in 1.2 GB of pgbench
     * WAL (0.9 GB) pack into 88 MB; when whole segments were packed they took 298 MB, and this
     * budget, with the heap itself about as full as when mining plain segments, kept a run's peak
     * RSS under 1 GB.
     */
    static final long PACK_BUDGET = Runtime.getRuntime().maxMemory() / 4 * 3;

    private final String description;
    private final int segmentSize;
    private final SegmentChoice choice;
    /** Over the chosen plain files; null when there are none. */
    private final DirectorySegmentSource plain;
    /** For the other chosen files; null when there are none. */
    private final InflatedSegments inflated;
    private final SegmentCopies copies;
    /** Whether the copies of segment i were compared (or it has none). */
    private final boolean[] checked;
    /**
     * What a buffer of decompressed WAL holds ({@link InflatedSegments#partSize()}): a segment, or a
     * part of a large one; and how many parts a segment has (1: held whole).
     */
    private final int partSize;
    private final int parts;
    /** Where the files of segments held in parts were found to end (before their full size). */
    private final Map<Long, Long> ends = new HashMap<>();
    /**
     * The segment (or part) of the reader's last window ({@link SegmentSource#WINDOW_READ}):
     * reading another starts the read-ahead of those after it.
     */
    private long windowPart = -1;
    private long lastSegno = -1;
    private int lastIndex = -1;

    /**
     * With {@code buffers} buffers of decompressed segments, or of parts of {@code partSize} bytes
     * (0, 0: the defaults of {@link InflatedSegments}).
     */
    MergedSegmentSource(String description, int segmentSize, SegmentChoice choice, int buffers, int partSize) {
        this.description = description;
        this.segmentSize = segmentSize;
        this.choice = choice;
        this.copies = new SegmentCopies(segmentSize);
        this.checked = new boolean[choice.segnos().length];
        TreeMap<Long, Path> plainFiles = new TreeMap<>();
        boolean other = false;
        for (int i = 0; i < checked.length; i++) {
            checked[i] = choice.others()[i].length == 0;
            SegmentFile f = choice.chosen()[i];
            if (f.plain()) {
                plainFiles.put(choice.segnos()[i], f.path());
            } else {
                other = true;
            }
        }
        this.plain = plainFiles.isEmpty() ? null
            : DirectorySegmentSource.ofFiles(description, segmentSize, choice.timeline(), plainFiles);
        this.inflated = !other ? null : partSize > 0 ? new InflatedSegments(segmentSize, partSize, PACK_BUDGET, buffers)
            : new InflatedSegments(segmentSize, PACK_BUDGET, buffers);
        this.partSize = inflated == null ? segmentSize : inflated.partSize();
        this.parts = segmentSize / this.partSize;
    }

    @Override
    public int segmentSize() {
        return segmentSize;
    }

    @Override
    public int timeline() {
        return choice.timeline();
    }

    @Override
    public TimelineHistory history() {
        return choice.history();
    }

    @Override
    public int fileTimeline(long segno) {
        int i = Arrays.binarySearch(choice.segnos(), segno);
        return i >= 0 ? choice.chosen()[i].timeline() : choice.timeline();
    }

    @Override
    public long firstSegno() {
        return choice.segnos()[0];
    }

    @Override
    public long lastSegno() {
        return choice.segnos()[choice.segnos().length - 1];
    }

    @Override
    public boolean contains(long segno) {
        return Arrays.binarySearch(choice.segnos(), segno) >= 0;
    }

    /** The name of the file read for the segment (with its suffixes), or the segment's name. */
    @Override
    public String segmentName(long segno) {
        int i = Arrays.binarySearch(choice.segnos(), segno);
        return i >= 0 ? choice.chosen()[i].path().getFileName().toString()
            : SegmentName.format(choice.timeline(), segno, segmentSize);
    }

    @Override
    public int read(long segno, long offset, byte[] dst, int dstOffset, int length) throws IOException {
        int i = index(segno);
        SegmentFile f = choice.chosen()[i];
        long part = parts == 1 ? segno : segno * parts + offset / partSize;
        if (length >= WINDOW_READ && part != windowPart) {
            windowPart = part;
            readAhead(part + 1);
        }
        if (f.plain()) {
            return plain.read(segno, offset, dst, dstOffset, length);
        }
        return parts == 1 ? inflated.read(segno, f, offset, dst, dstOffset, length)
            : readParts(segno, f, offset, dst, dstOffset, length);
    }

    /** {@link #read} of a segment held in parts: part by part, noting where the file ends. */
    private int readParts(long segno, SegmentFile f, long offset, byte[] dst, int dstOffset, int length) {
        int done = 0;
        while (done < length) {
            long at = offset + done;
            int within = (int) (at % partSize);
            int want = (int) Math.min(length - done, partSize - within);
            int n = inflated.read(segno * parts + at / partSize, f, within, dst, dstOffset + done, want);
            done += n;
            if (n < want) {
                ends.merge(segno, at + n, Math::min);
                break;
            }
        }
        return done;
    }

    /**
     * A compressed segment's beginning is inflated from its file by a stream of its own, without
     * the read-ahead and without comparing copies (the mining's reads do that); bounded, for a
     * file of a timeline that ended inside the segment, by its switch point.
     */
    @Override
    public int readHead(long segno, byte[] dst, int length) throws IOException {
        int i = Arrays.binarySearch(choice.segnos(), segno);
        if (i < 0) {
            throw new IllegalStateException("segment " + segmentName(segno) + " is not in " + description);
        }
        SegmentFile f = choice.chosen()[i];
        int n = Math.min(length, choice.readable(i, segmentSize));
        if (f.plain()) {
            return plain.read(segno, 0, dst, 0, n);
        }
        byte[] head = n == dst.length ? dst : new byte[n];
        int got = SegmentInflater.readStart(f, head);
        if (head != dst) {
            System.arraycopy(head, 0, dst, 0, got);
        }
        return got;
    }

    /**
     * Marks the bytes in a compressed segment's buffer to be kept packed ({@link InflatedSegments});
     * a range starting in a segment also says that the marks of the segments before are complete
     * (ranges come in WAL order).
     * Plain files need nothing: they are read again from the file.
     */
    @Override
    public void keep(long fromLsn, long toLsn) {
        if (inflated == null || Long.compareUnsigned(toLsn, fromLsn) <= 0) {
            return;
        }
        long first = Long.divideUnsigned(fromLsn, partSize);
        inflated.passed(first);
        for (long part = first, last = Long.divideUnsigned(toLsn - 1, partSize); part <= last; part++) {
            int i = Arrays.binarySearch(choice.segnos(), part / parts);
            if (i >= 0 && !choice.chosen()[i].plain()) {
                long base = part * partSize;
                inflated.keep(part, Math.max(fromLsn, base) - base, Math.min(toLsn - base, partSize));
            }
        }
    }

    @Override
    public Path file(long segno) {
        int i = Arrays.binarySearch(choice.segnos(), segno);
        return i >= 0 ? choice.chosen()[i].path() : null;
    }

    @Override
    public long fileSize(long segno) throws IOException {
        int i = index(segno);
        SegmentFile f = choice.chosen()[i];
        if (f.plain()) {
            return plain.fileSize(segno);
        }
        // a segment held in parts is taken to be whole until a read finds its end
        return parts == 1 ? inflated.size(segno, f) : ends.getOrDefault(segno, (long) segmentSize);
    }

    /**
     * Starts decompressing segment (or part) {@code first} and the next ones ahead of the reader,
     * as long as they follow on, are compressed, and their copies were compared.
     */
    private void readAhead(long first) {
        List<InflatedSegments.Ahead> ahead = new ArrayList<>(InflatedSegments.AHEAD);
        for (long part = first; part < first + InflatedSegments.AHEAD; part++) {
            int j = Arrays.binarySearch(choice.segnos(), part / parts);
            if (j < 0 || choice.chosen()[j].plain() || !checked[j]) {
                break;
            }
            ahead.add(new InflatedSegments.Ahead(part, choice.chosen()[j]));
        }
        if (!ahead.isEmpty()) {
            inflated.prefetch(ahead);
        }
    }

    /** The segment's index, its copies compared on first use. */
    private int index(long segno) throws IOException {
        if (segno == lastSegno) {
            return lastIndex;
        }
        int i = Arrays.binarySearch(choice.segnos(), segno);
        if (i < 0) {
            throw new IllegalStateException("segment " + segmentName(segno) + " is not in " + description);
        }
        if (!checked[i]) {
            copies.check(segno, choice.chosen()[i], choice.others()[i], choice.readable(i, segmentSize));
            checked[i] = true;
        }
        lastSegno = segno;
        lastIndex = i;
        return i;
    }

    /** The decompressed segments, or null when every chosen file is plain (for tests). */
    InflatedSegments inflated() {
        return inflated;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        if (inflated != null) {
            inflated.close();
        }
        if (plain != null) {
            plain.close();
        }
    }
}
