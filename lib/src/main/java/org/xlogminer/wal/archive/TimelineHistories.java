package org.xlogminer.wal.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.reader.TimelineHistory;

/**
 * The history of the timeline to read, from the history files found in the {@code --wal-dir}s
 * ({@link HistoryFile}): the timeline's own file lists all its ancestors. Its copies (an archive's
 * and pg_wal's) must agree. Timeline 1, and a timeline whose history file is not there, have no
 * ancestors: only their own segments are read.
 *
 * <p>Stateless; thread-safe.
 */
final class TimelineHistories {

    private TimelineHistories() {
    }

    /** The highest timeline that a segment file or a history file is of; 0 when there is none. */
    static int newest(List<SegmentFile> segments, List<HistoryFile> histories) {
        int tli = 0;
        for (SegmentFile f : segments) {
            tli = Integer.compareUnsigned(f.timeline(), tli) > 0 ? f.timeline() : tli;
        }
        for (HistoryFile h : histories) {
            tli = Integer.compareUnsigned(h.timeline(), tli) > 0 ? h.timeline() : tli;
        }
        return tli;
    }

    /**
     * The history of {@code timeline} as its history file says, or the timeline alone when there is
     * no such file.
     *
     * @throws WalFormatException when a copy is not a valid history file, or two copies disagree
     */
    static TimelineHistory of(int timeline, List<HistoryFile> histories) throws IOException {
        List<HistoryFile> copies = new ArrayList<>();
        for (HistoryFile h : histories) {
            if (h.timeline() == timeline) {
                copies.add(h);
            }
        }
        if (copies.isEmpty()) {
            return TimelineHistory.single(timeline);
        }
        copies.sort(java.util.Comparator.comparing((HistoryFile h) -> h.compression() != Compression.NONE)
            .thenComparing(h -> h.path().toString()));
        TimelineHistory first = read(copies.get(0));
        for (HistoryFile other : copies.subList(1, copies.size())) {
            TimelineHistory h = read(other);
            if (!sameEntries(first, h)) {
                throw new WalFormatException("two copies of the history of timeline " + Integer.toUnsignedString(timeline)
                    + " differ: " + copies.get(0).path() + " says " + first + ", " + other.path() + " says " + h, null, 0);
            }
        }
        return first;
    }

    /** Reads and parses one history file, decompressing it as its first bytes say. */
    static TimelineHistory read(HistoryFile file) throws IOException {
        byte[] content;
        try (InputStream in = file.compression().decompress(Files.newInputStream(file.path()))) {
            content = in.readNBytes(TimelineHistoryParser.MAX_BYTES + 1);
        } catch (IOException | RuntimeException e) {
            throw new WalFormatException("cannot read the timeline history file " + file.path()
                + (file.compression() == Compression.NONE ? "" : " (" + file.compression().label() + ")") + ": " + e.getMessage(),
                null, 0, e);
        }
        return TimelineHistoryParser.parse(content, file.timeline(), file.path().toString());
    }

    private static boolean sameEntries(TimelineHistory a, TimelineHistory b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.tli(i) != b.tli(i) || a.end(i) != b.end(i)) {
                return false;
            }
        }
        return true;
    }
}
