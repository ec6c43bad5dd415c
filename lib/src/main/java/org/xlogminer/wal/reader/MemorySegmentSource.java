package org.xlogminer.wal.reader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.xlogminer.wal.WalFormatException;

/**
 * Whole segments held in memory, one {@code byte[]} per segment number, loaded once from a
 * directory. Its purpose is measuring: a reader fed from memory spends its time framing and
 * checking WAL, not waiting for a disk or the page cache, and one loaded source can feed any
 * number of readers one after the other.
 *
 * <p>{@link #load(Path)} finds the segments exactly as {@link DirectorySegmentSource#open(Path)}
 * does (same names, same timeline choice, same segment size), then reads each chosen file whole.
 * {@link #read} and {@link #fileSize} answer as the directory source would: a short file stays
 * short, and a read past its end returns fewer bytes.
 *
 * <p>Thread-safe once loaded: the segments are never written after {@link #load}, so readers on
 * several threads may share one source. {@link #close()} does nothing, so the segments stay
 * readable after a {@link WalReader} that was given this source is closed.
 */
public final class MemorySegmentSource implements SegmentSource {

    private final String description;
    private final int segmentSize;
    private final int timeline;
    /** Segment numbers present, ascending; the other arrays are indexed alike. */
    private final long[] segnos;
    private final String[] names;
    private final byte[][] contents;
    /** The file's size on disk: longer than its contents only for a file larger than a segment. */
    private final long[] fileSizes;

    private MemorySegmentSource(String description, int segmentSize, int timeline, long[] segnos, String[] names,
                                byte[][] contents, long[] fileSizes) {
        this.description = description;
        this.segmentSize = segmentSize;
        this.timeline = timeline;
        this.segnos = segnos;
        this.names = names;
        this.contents = contents;
        this.fileSizes = fileSizes;
    }

    /** Loads the segments of the highest timeline present in the directory. */
    public static MemorySegmentSource load(Path directory) throws IOException {
        return load(directory, 0);
    }

    /**
     * Loads the segments {@link DirectorySegmentSource#open(Path, int)} would choose for this
     * timeline (0: the highest one present).
     *
     * @throws WalFormatException when the directory holds no segment, or its first one is not WAL
     */
    public static MemorySegmentSource load(Path directory, int timeline) throws IOException {
        try (DirectorySegmentSource dir = DirectorySegmentSource.open(directory, timeline)) {
            long[] present = presentSegnos(directory, dir);
            int n = present.length;
            String[] names = new String[n];
            byte[][] contents = new byte[n][];
            long[] sizes = new long[n];
            for (int i = 0; i < n; i++) {
                long segno = present[i];
                names[i] = dir.segmentName(segno);
                sizes[i] = dir.fileSize(segno);
                // A file longer than a segment is not WAL; keep a segment's worth so that the
                // reader sees its real size and rejects it as it would from the directory.
                int keep = (int) Math.min(sizes[i], dir.segmentSize());
                byte[] bytes = new byte[keep];
                int got = dir.read(segno, 0, bytes, 0, keep);
                contents[i] = got == keep ? bytes : Arrays.copyOf(bytes, got);
            }
            return new MemorySegmentSource("memory copy of " + directory, dir.segmentSize(), dir.timeline(),
                present, names, contents, sizes);
        }
    }

    /**
     * Consecutive segments given as bytes, from {@code firstSegno} on, e.g. a segment made from an
     * untrusted input. A segment shorter than {@code segmentSize} is read as a short file.
     */
    public static MemorySegmentSource of(String description, int segmentSize, int timeline, long firstSegno,
                                         byte[]... segments) {
        int n = segments.length;
        long[] segnos = new long[n];
        String[] names = new String[n];
        long[] sizes = new long[n];
        for (int i = 0; i < n; i++) {
            segnos[i] = firstSegno + i;
            names[i] = SegmentName.format(timeline, segnos[i], segmentSize);
            sizes[i] = segments[i].length;
        }
        return new MemorySegmentSource(description, segmentSize, timeline, segnos, names, segments.clone(), sizes);
    }

    /** The segment numbers the directory source holds, found from the names in the directory. */
    private static long[] presentSegnos(Path directory, DirectorySegmentSource dir) throws IOException {
        TreeSet<Long> found = new TreeSet<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.map(p -> p.getFileName().toString())
                .filter(SegmentName::isSegmentName)
                .mapToLong(n -> SegmentName.segno(n, dir.segmentSize()))
                .filter(dir::contains)
                .forEach(found::add);
        }
        return found.stream().mapToLong(Long::longValue).toArray();
    }

    /** Total bytes held (sum of the segments' lengths). */
    public long totalBytes() {
        long sum = 0;
        for (byte[] c : contents) {
            sum += c.length;
        }
        return sum;
    }

    @Override
    public int segmentSize() {
        return segmentSize;
    }

    @Override
    public int timeline() {
        return timeline;
    }

    @Override
    public long firstSegno() {
        return segnos.length == 0 ? -1 : segnos[0];
    }

    @Override
    public long lastSegno() {
        return segnos.length == 0 ? -1 : segnos[segnos.length - 1];
    }

    @Override
    public boolean contains(long segno) {
        return Arrays.binarySearch(segnos, segno) >= 0;
    }

    @Override
    public String segmentName(long segno) {
        int i = Arrays.binarySearch(segnos, segno);
        return i >= 0 ? names[i] : SegmentName.format(timeline, segno, segmentSize);
    }

    @Override
    public int read(long segno, long offset, byte[] dst, int dstOffset, int length) {
        byte[] c = contents[index(segno)];
        if (offset >= c.length) {
            return 0;
        }
        int n = (int) Math.min(length, c.length - offset);
        System.arraycopy(c, (int) offset, dst, dstOffset, n);
        return n;
    }

    @Override
    public long fileSize(long segno) {
        return fileSizes[index(segno)];
    }

    private int index(long segno) {
        int i = Arrays.binarySearch(segnos, segno);
        if (i < 0) {
            throw new IllegalStateException("segment " + segmentName(segno) + " is not in " + description);
        }
        return i;
    }

    @Override
    public String describe() {
        return description;
    }

    /** Does nothing: the segments stay in memory for the next reader. */
    @Override
    public void close() {
    }
}
