package org.xlogminer.wal.reader;

import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.WalMissingSegmentException;

/**
 * The timeline a {@link WalReader} reads on: the history of the source's timeline
 * ({@link SegmentSource#history()}) says which timeline is current at each LSN, and where the next
 * switch point lies, so that the reader asks once per record, with one unsigned compare, whether it
 * crossed one. Entering a timeline checks that the segment file the source holds there is of it.
 *
 * <p>Not thread-safe: the reader's.
 */
final class ReadTimeline {

    private final SegmentSource source;
    private final int segmentSize;
    /** The path of timelines read. */
    private final TimelineHistory history;
    /** The timeline of the records read now, and where the next one begins (unsigned; NO_END: never). */
    private int timeline;
    private long nextSwitch = TimelineHistory.NO_END;

    ReadTimeline(SegmentSource source) {
        this.source = source;
        this.segmentSize = source.segmentSize();
        this.history = source.history();
        this.timeline = history.timeline();
    }

    /** The timeline entered last; before any, the source's. */
    int timeline() {
        return timeline;
    }

    TimelineHistory history() {
        return history;
    }

    /** Where the next timeline begins (unsigned; {@link TimelineHistory#NO_END}: never). */
    long nextSwitch() {
        return nextSwitch;
    }

    /**
     * Reads on from {@code lsn} on the timeline its history says is current there. The file of the
     * segment must be of that timeline (or a later one on the path): an ancestor's copy holds its
     * own WAL after the switch point (a diverged tail), never the path's.
     */
    void enter(long lsn) {
        timeline = history.timelineAt(lsn);
        nextSwitch = history.switchAfter(lsn);
        long segno = Long.divideUnsigned(lsn, segmentSize);
        if (source.contains(segno) && Integer.compareUnsigned(source.fileTimeline(segno), timeline) < 0) {
            String wanted = SegmentName.format(timeline, segno, segmentSize);
            throw new WalMissingSegmentException("the WAL from " + Lsn.format(lsn) + " on is on timeline "
                + Integer.toUnsignedString(timeline) + " (" + history + "), and its segment " + wanted
                + " is not in " + source.describe() + "; " + source.segmentName(segno) + " holds timeline "
                + Integer.toUnsignedString(source.fileTimeline(segno)) + "'s WAL, which is not on that path after "
                + Lsn.format(history.endOf(source.fileTimeline(segno))), wanted, lsn);
        }
    }
}
