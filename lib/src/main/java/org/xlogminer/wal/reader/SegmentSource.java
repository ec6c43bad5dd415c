package org.xlogminer.wal.reader;

import java.io.Closeable;
import java.io.IOException;

/**
 * Where the reader gets segment bytes from: a pg_wal directory, an archive directory, a stream.
 * Implementations decide the timeline; the reader asks by segment number.
 *
 * <p>Reads are by position, and not only forward: the {@link org.xlogminer.mine.Miner} reads
 * full-page images of earlier segments again ({@link RecordFetcher}) for old rows at
 * wal_level=replica, so a source must keep every segment from the reading start on readable
 * until mining ends. A segment gone meanwhile is reported as an error naming it, never guessed
 * around.
 */
public interface SegmentSource extends Closeable {

    /**
     * Reads at least this long are a {@link WalReader}'s windows, its way forward through the WAL
     * (of up to 2 MB); shorter ones are records read again ({@link RecordFetcher}) and page
     * headers. For a source that reads ahead of the reader.
     */
    int WINDOW_READ = 64 * 1024;

    /** Size of every segment, as the first segment's long page header declares it. */
    int segmentSize();

    /** Timeline the segments were chosen for. */
    int timeline();

    /** The lowest and highest segment numbers present, or -1 when there are none. */
    long firstSegno();

    long lastSegno();

    /** Whether the segment with this number is present. */
    boolean contains(long segno);

    /** The file name of the segment with this number (present or not), for messages. */
    String segmentName(long segno);

    /**
     * Reads up to {@code length} bytes of segment {@code segno} starting at {@code offset} into
     * {@code dst}; returns how many bytes there were (fewer at the end of a short file).
     */
    int read(long segno, long offset, byte[] dst, int dstOffset, int length) throws IOException;

    /** The size of the segment's file as it is (a truncated file is shorter than segmentSize). */
    long fileSize(long segno) throws IOException;

    /** Where the segments come from, for messages. */
    String describe();

    /**
     * The history of {@link #timeline()}: which timeline each LSN is read from. By default the
     * timeline alone, without ancestors.
     */
    default TimelineHistory history() {
        return TimelineHistory.single(timeline());
    }

    /**
     * The timeline of the file read for segment {@code segno}: below the timeline current at an
     * LSN of the segment when only an ancestor's copy is present, which holds the WAL of the path
     * only up to the ancestor's switch point.
     */
    default int fileTimeline(long segno) {
        return timeline();
    }

    /**
     * For a source that grows while it is read (a replication stream): the LSN up to which its
     * bytes have arrived; a record ending after it is not read yet (the reader ends with
     * {@link EndOfWal.Reason#NOT_YET_RECEIVED} and can {@linkplain WalReader#resume() resume}). The
     * bytes after it read as zeros. Default -1, as an unsigned LSN the highest: all is there.
     */
    default long receivedEnd() {
        return -1L;
    }

    /**
     * Reads up to {@code length} bytes from the start of segment {@code segno}, as cheaply as the
     * source can: for a compressed segment only its beginning is inflated. For sampling a segment's
     * first records (a search by time); the copies of the segment are not compared here. By
     * default {@link #read}.
     */
    default int readHead(long segno, byte[] dst, int length) throws IOException {
        return read(segno, 0, dst, 0, length);
    }

    /**
     * Says that the WAL in [fromLsn, toLsn) may be read again later: the tuples of a full-page
     * image that the miner may need ({@link RecordFetcher}), or the record holding a compressed one.
     * A source that keeps earlier segments readable at a cost (a compressed archive's, which keeps
     * ranges of decompressed segments packed in memory) keeps these bytes cheaply readable, and
     * may keep nothing else. Called by the reading thread in WAL order (no range starts before the
     * one before it). By default nothing: every byte stays readable as it is.
     */
    default void keep(long fromLsn, long toLsn) {
    }

    /** The file read for segment {@code segno}, or null when it is not a file (for an index's checks). */
    default java.nio.file.Path file(long segno) {
        return null;
    }
}
