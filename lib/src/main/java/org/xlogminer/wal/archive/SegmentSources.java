package org.xlogminer.wal.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.reader.DirectorySegmentSource;
import org.xlogminer.wal.reader.SegmentSource;
import org.xlogminer.wal.reader.TimelineHistory;
import org.xlogminer.wal.reader.XLogPageHeaderLayout;

/**
 * Opens the {@code --wal-dir}s given: each is scanned ({@link WalDirectoryScanner}), and the files
 * of all become one {@link SegmentSource}. A single directory of plain, complete segments of one
 * timeline without a history is opened as a {@link DirectorySegmentSource}, as before archives
 * were read; anything else as a {@link MergedSegmentSource}, which follows the timeline's history.
 *
 * <p>Stateless; thread-safe.
 */
public final class SegmentSources {

    private SegmentSources() {
    }

    /**
     * The segments of these directories on the path of the timeline (0: the highest that a segment
     * or a history file is of), as its history file says ({@link TimelineHistories}).
     *
     * @throws WalFormatException when they hold no segment (of the timeline or below), or the first
     *                            segment is not WAL
     */
    public static SegmentSource open(List<Path> directories, int timeline) throws IOException {
        return open(directories, timeline, 0);
    }

    /**
     * {@link #open(List, int)} with {@code buffers} buffers of decompressed segments, when a
     * {@link MergedSegmentSource} (0: as many as {@link InflatedSegments} takes by default).
     */
    static SegmentSource open(List<Path> directories, int timeline, int buffers) throws IOException {
        return open(directories, timeline, buffers, 0);
    }

    /**
     * {@link #open(List, int, int)} with compressed segments held in parts of {@code partSize} bytes
     * (0: as {@link InflatedSegments} does by default, whole up to its largest).
     */
    static SegmentSource open(List<Path> directories, int timeline, int buffers, int partSize) throws IOException {
        List<SegmentFile> files = new ArrayList<>();
        List<HistoryFile> histories = new ArrayList<>();
        for (Path d : directories) {
            WalDirectoryScanner.scan(d, files, histories);
        }
        String where = directories.stream().map(Path::toString).collect(Collectors.joining(", "));
        if (files.isEmpty()) {
            throw new WalFormatException("no WAL segment files in " + where + walTarHint(directories), null, 0);
        }
        int tli = timeline != 0 ? timeline : TimelineHistories.newest(files, histories);
        boolean oneTimeline = files.stream().allMatch(f -> f.timeline() == tli)
            && histories.stream().noneMatch(h -> h.timeline() == tli);
        if (directories.size() == 1 && oneTimeline
            && files.stream().allMatch(f -> f.plain() && !f.partial() && directories.get(0).equals(f.path().getParent()))) {
            return DirectorySegmentSource.open(directories.get(0), timeline);
        }
        TimelineHistory history = TimelineHistories.of(tli, histories);
        SegmentFile first = files.get(0);
        for (SegmentFile f : files) {
            if (f.name().substring(8).compareTo(first.name().substring(8)) < 0) {
                first = f;
            }
        }
        int segmentSize = segmentSize(first);
        SegmentChoice choice = SegmentChoice.of(files, history, segmentSize);
        if (choice == null) {
            throw new WalFormatException("no WAL segment files of timeline " + Integer.toUnsignedString(tli)
                + (history.hasSwitches() ? " or of its ancestors (" + history + ")" : "") + " in " + where
                + (history.source() == null && tli != 1 ? "; its history file " + HistoryFile.nameOf(tli) + " is not there either" : ""),
                null, 0);
        }
        if (history.source() == null && tli != 1 && files.stream().anyMatch(f -> f.timeline() != tli)) {
            // the ancestors' segments are not read: without the history, where they end is not known
            where += " (timeline " + Integer.toUnsignedString(tli) + " without its history file " + HistoryFile.nameOf(tli)
                + ": only its own segments are read)";
        }
        return new MergedSegmentSource(where, segmentSize, choice, buffers, partSize);
    }

    /**
     * For a directory with none: the tar of WAL a tar-format base backup ({@code pg_basebackup -Ft
     * -X stream}) writes beside base.tar, which is not read as it is.
     */
    private static String walTarHint(List<Path> directories) throws IOException {
        for (Path d : directories) {
            try (java.util.stream.Stream<Path> s = Files.list(d)) {
                Path tar = s.filter(p -> p.getFileName().toString().matches("pg_wal\\.tar(\\.[a-z0-9]+)?")).findFirst()
                    .orElse(null);
                if (tar != null) {
                    return "; " + tar + " holds a tar-format base backup's WAL: unpack it into a directory "
                        + "(tar -xf) and give that";
                }
            }
        }
        return "";
    }

    /** The segment size the file's long page header declares (decompressing only its start). */
    private static int segmentSize(SegmentFile file) throws IOException {
        byte[] hdr = new byte[XLogPageHeaderLayout.LONG_SIZE];
        int n = SegmentInflater.readStart(file, hdr);
        return DirectorySegmentSource.segmentSizeOf(hdr, n, file.path().getFileName().toString());
    }
}
