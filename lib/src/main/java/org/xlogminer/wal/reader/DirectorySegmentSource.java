package org.xlogminer.wal.reader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.xlogminer.wal.WalFormatException;

/**
 * Segments in a directory (pg_wal, or an archive of plain segment files), found by name.
 *
 * <p>Timelines: the source keeps, for each segment number, the file of the highest timeline not
 * above the chosen one (by default the highest timeline in the directory), without consulting
 * {@code .history} files: right for a directory of one timeline. The command line opens any other
 * ({@code org.xlogminer.wal.archive.SegmentSources}) as a source that follows the timeline's history,
 * never reading an old timeline's WAL past its switch point.
 *
 * <p>Not thread-safe; one reader (with its {@link RecordFetcher}) at a time, and {@link #close()}
 * only once it is done. The channels of the last few segments read are kept open (a reader moves on
 * through the segments while records read earlier are fetched again) and closed when they fall out
 * of that set or on {@link #close()}.
 *
 * <p>A large read (the reader's window) maps the segment from there on, up to {@link #MAP_BYTES},
 * and it and the large reads after it that fall in that range are copied out of the mapping: one
 * copy, where a read into a Java array is two (the kernel's into a native buffer, then out of it).
 * The range is unmapped as soon as a large read goes elsewhere, so at most one is mapped. Small
 * reads (a tuple of an earlier image) stay positional reads. Where the JDK cannot unmap (no
 * {@code sun.misc.Unsafe.invokeCleaner}) or the file system cannot map (a zip archive's, some
 * network ones), every read is a positional read.
 */
public final class DirectorySegmentSource implements SegmentSource {

    /** Where the segments are, for messages. */
    private final String description;
    private final int segmentSize;
    private final int timeline;
    private final TreeMap<Long, Path> segments;

    /** Open channels, least recently used first. */
    private final java.util.LinkedHashMap<Long, FileChannel> open = new java.util.LinkedHashMap<>(16, 0.75f, true);
    /**
     * Channels kept open: enough for the segments of a few GB of WAL (a long range reads old
     * tuples back from all over it, and at 64 a 1.6 GB range spent 0.4 s opening and closing
     * files). The JVM raises the soft limit on open files to the hard one; where that is still
     * too low, a failed open closes the cached channels and tries again.
     */
    private static final int OPEN_CHANNELS = 512;

    /** A read at least this long is one of the reader's windows: it maps the segment from there on. */
    static final int MAP_FROM_LENGTH = 64 * 1024;
    /** The most of a segment mapped at once (a segment's 16 MB by default; up to 1 GB with --wal-segsize). */
    static final int MAP_BYTES = 16 * 1024 * 1024;

    /** The mapped range: of segment {@code mappedSegno}, from {@code mappedStart}; null when none. */
    private MappedByteBuffer mapped;
    private long mappedSegno = -1;
    private long mappedStart;
    /** False where the JDK cannot unmap, or once the file system could not map. */
    private boolean mappable = DirectBuffers.canFree();

    private DirectorySegmentSource(String description, int segmentSize, int timeline, TreeMap<Long, Path> segments) {
        this.description = description;
        this.segmentSize = segmentSize;
        this.timeline = timeline;
        this.segments = segments;
    }

    /** Opens the directory choosing the highest timeline present. */
    public static DirectorySegmentSource open(Path directory) throws IOException {
        return open(directory, 0);
    }

    /**
     * Opens the directory for the given timeline (0: the highest one present). The segment size
     * is read from the long page header of the lowest-numbered segment.
     *
     * @throws WalFormatException when the directory holds no segment, or its first one is not WAL
     */
    public static DirectorySegmentSource open(Path directory, int timeline) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.filter(Files::isRegularFile)
                .map(p -> p.getFileName().toString())
                .filter(SegmentName::isSegmentName)
                .forEach(names::add);
        }
        if (names.isEmpty()) {
            throw new WalFormatException("no WAL segment files in " + directory, null, 0);
        }
        int tli = timeline;
        if (tli == 0) {
            tli = names.stream().mapToInt(SegmentName::timeline).max().getAsInt();
        }
        final int chosen = tli;
        names.removeIf(n -> Integer.compareUnsigned(SegmentName.timeline(n), chosen) > 0);
        if (names.isEmpty()) {
            throw new WalFormatException("no WAL segment files of timeline " + chosen + " or below in " + directory, null, 0);
        }
        // Lowest name sorts first within a timeline; the segment size comes from its long header.
        names.sort(String::compareTo);
        String probe = names.stream().min((a, b) -> a.substring(8).compareTo(b.substring(8))).get();
        int segSize = readSegmentSize(directory.resolve(probe));
        TreeMap<Long, Path> byNumber = new TreeMap<>();
        Map<Long, Integer> tliOf = new TreeMap<>();
        for (String n : names) {
            long segno = SegmentName.segno(n, segSize);
            int t = SegmentName.timeline(n);
            Integer have = tliOf.get(segno);
            if (have == null || Integer.compareUnsigned(t, have) > 0) {
                tliOf.put(segno, t);
                byNumber.put(segno, directory.resolve(n));
            }
        }
        return new DirectorySegmentSource(directory.toString(), segSize, chosen, byNumber);
    }

    /**
     * A source over plain segment files found elsewhere (several directories, chosen by the
     * caller), by segment number.
     *
     * @param description where the files are, for messages
     */
    public static DirectorySegmentSource ofFiles(String description, int segmentSize, int timeline,
                                                 java.util.SortedMap<Long, Path> files) {
        return new DirectorySegmentSource(description, segmentSize, timeline, new TreeMap<>(files));
    }

    private static int readSegmentSize(Path file) throws IOException {
        ByteBuffer hdr = ByteBuffer.allocate(XLogPageHeaderLayout.LONG_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (hdr.hasRemaining()) {
                if (ch.read(hdr) < 0) {
                    break;
                }
            }
        }
        return segmentSizeOf(hdr.array(), hdr.position(), file.getFileName().toString());
    }

    /**
     * The segment size that a segment's long page header declares, from its first {@code n} bytes.
     *
     * @param name the file, for messages
     * @throws WalFormatException when the bytes are not the start of a WAL segment of PostgreSQL 13+
     */
    public static int segmentSizeOf(byte[] longHeader, int n, String name) {
        ByteBuffer hdr = ByteBuffer.wrap(longHeader).order(ByteOrder.LITTLE_ENDIAN);
        if (n < XLogPageHeaderLayout.LONG_SIZE) {
            throw new WalFormatException("file is too short to be a WAL segment (" + n + " bytes)", name, 0);
        }
        int magic = hdr.getShort(XLogPageHeaderLayout.MAGIC) & 0xFFFF;
        int info = hdr.getShort(XLogPageHeaderLayout.INFO) & 0xFFFF;
        if (org.xlogminer.wal.WalVersion.fromPageMagic(magic) == null) {
            throw new WalFormatException(String.format("not a WAL segment of PostgreSQL 13 to 18: page magic 0x%04X", magic), name, 0);
        }
        if ((info & XLogPageHeaderLayout.XLP_LONG_HEADER) == 0) {
            throw new WalFormatException("first page of the segment has no long header", name, 0);
        }
        long segSize = Integer.toUnsignedLong(hdr.getInt(XLogPageHeaderLayout.SEG_SIZE));
        if (!SegmentName.isValidSegmentSize(segSize)) {
            throw new WalFormatException("invalid WAL segment size " + segSize + " in the long page header", name, 0);
        }
        return (int) segSize;
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
        return segments.isEmpty() ? -1 : segments.firstKey();
    }

    @Override
    public long lastSegno() {
        return segments.isEmpty() ? -1 : segments.lastKey();
    }

    @Override
    public boolean contains(long segno) {
        return segments.containsKey(segno);
    }

    @Override
    public String segmentName(long segno) {
        Path p = segments.get(segno);
        return p != null ? p.getFileName().toString() : SegmentName.format(timeline, segno, segmentSize);
    }

    @Override
    public int read(long segno, long offset, byte[] dst, int dstOffset, int length) throws IOException {
        if (length >= MAP_FROM_LENGTH && mappable && readMapped(segno, offset, dst, dstOffset, length)) {
            return length;
        }
        FileChannel ch = channel(segno);
        ByteBuffer bb = ByteBuffer.wrap(dst, dstOffset, length);
        long pos = offset;
        while (bb.hasRemaining()) {
            int n = ch.read(bb, pos);
            if (n < 0) {
                break;
            }
            pos += n;
        }
        return (int) (pos - offset);
    }

    @Override
    public long fileSize(long segno) throws IOException {
        return channel(segno).size();
    }

    @Override
    public Path file(long segno) {
        return segments.get(segno);
    }

    /**
     * Copies the bytes out of the mapping (mapping them first), if the file still holds them all;
     * false when it does not, and the read goes by position and says how much there is.
     */
    private boolean readMapped(long segno, long offset, byte[] dst, int dstOffset, int length) throws IOException {
        if (!isMapped(segno, offset, length)) {
            map(segno, offset);
            if (!isMapped(segno, offset, length)) {
                return false; // past the end of a short file
            }
        }
        // A mapped page the file no longer has faults (SIGBUS), which the JVM turns into an
        // InternalError, possibly only after the copy. So a file that became shorter since it was
        // mapped is caught here, before the copy, and read by position like any short file.
        if (channel(segno).size() < offset + length) {
            unmap();
            return false;
        }
        try {
            mapped.get((int) (offset - mappedStart), dst, dstOffset, length);
            return true;
        } catch (InternalError e) {
            unmap();
            throw new IOException("segment " + segmentName(segno) + " became shorter while it was read"
                + " (truncated under the reader)", e);
        }
    }

    private boolean isMapped(long segno, long offset, int length) {
        return segno == mappedSegno && offset >= mappedStart && offset + length <= mappedStart + mapped.capacity();
    }

    /** Maps segment {@code segno} from {@code offset} on, as far as the file goes, up to MAP_BYTES. */
    private void map(long segno, long offset) throws IOException {
        unmap();
        FileChannel ch = channel(segno);
        long size = ch.size();
        if (offset >= size) {
            return; // past the end of a short file: the read says how much there is
        }
        try {
            mapped = ch.map(FileChannel.MapMode.READ_ONLY, offset, Math.min(MAP_BYTES, size - offset));
        } catch (UnsupportedOperationException | IOException e) {
            // a file system that cannot map (a zip archive's, some network ones): read by position
            mappable = false;
            return;
        }
        mappedSegno = segno;
        mappedStart = offset;
    }

    private void unmap() {
        MappedByteBuffer m = mapped;
        if (m == null) {
            return;
        }
        mapped = null;
        mappedSegno = -1;
        DirectBuffers.free(m);
    }

    private FileChannel channel(long segno) throws IOException {
        FileChannel ch = open.get(segno);
        if (ch == null) {
            Path p = segments.get(segno);
            if (p == null) {
                throw new IllegalStateException("segment " + segmentName(segno) + " is not in " + description);
            }
            try {
                ch = FileChannel.open(p, StandardOpenOption.READ);
            } catch (java.nio.file.FileSystemException e) {
                if (open.isEmpty() || !String.valueOf(e.getMessage()).contains("Too many open files")) {
                    throw e;
                }
                closeChannels(); // out of file descriptors: give back the cached ones
                ch = FileChannel.open(p, StandardOpenOption.READ);
            }
            open.put(segno, ch);
            if (open.size() > OPEN_CHANNELS) {
                java.util.Iterator<FileChannel> it = open.values().iterator();
                FileChannel eldest = it.next();
                it.remove();
                eldest.close();
            }
        }
        return ch;
    }

    private void closeChannels() {
        IOException failure = null;
        for (FileChannel ch : open.values()) {
            try {
                ch.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        open.clear();
        if (failure != null) {
            throw new UncheckedIOException(failure);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        unmap();
        closeChannels();
    }
}
