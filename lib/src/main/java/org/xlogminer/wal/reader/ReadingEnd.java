package org.xlogminer.wal.reader;

import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.WalFormatException;

/**
 * Where and why a {@link WalReader}'s reading ended, and how far a growing source had received
 * when reading (re)started. An end that looks like the end of written WAL (zeros, a recycled page,
 * a prev-link that does not point back) before what was received is confirmed: a valid page right
 * after it means damaged WAL, an error. An end a growing source may move past (not yet received,
 * or what such a source looks like at its edge) is forgotten by {@link #resume()}.
 *
 * <p>Not thread-safe: the reader's.
 */
final class ReadingEnd {

    private final SegmentSource source;
    private final PageWindow pages;
    private EndOfWal end;
    /**
     * {@link SegmentSource#receivedEnd()} as asked before any page was read (at the start and on
     * {@link #resume()}): the pages read since hold at least the bytes up to it, so a record that
     * ends by then is whole in them. -1 (all) for a source that does not grow.
     */
    private long received;

    ReadingEnd(SegmentSource source, PageWindow pages) {
        this.source = source;
        this.pages = pages;
        this.received = source.receivedEnd();
    }

    /** Why reading ended; null while it has not. */
    EndOfWal end() {
        return end;
    }

    /** How far the source had received when reading (re)started (unsigned; -1: all). */
    long received() {
        return received;
    }

    /**
     * After reading ended because a growing source had not yet received the next record
     * ({@link EndOfWal.Reason#NOT_YET_RECEIVED}, or the zeros, missing segment or cut record a
     * source that has not received further looks like): forgets the end and the pages read, and
     * asks again how far the source has received. Returns whether reading ended that way (false:
     * it did not end, or for another reason, which stays).
     */
    boolean resume() {
        if (end == null) {
            return false;
        }
        switch (end.reason()) {
            case NOT_YET_RECEIVED, ZERO_LENGTH, ZERO_PAGE, NO_MORE_SEGMENTS, INCOMPLETE_RECORD -> { }
            default -> {
                return false;
            }
        }
        end = null;
        pages.forget();
        received = source.receivedEnd();
        return true;
    }

    /** WAL ended at a page ({@link PageWindow#ended()}); false. */
    boolean pagesEnded() {
        return end(pages.ended());
    }

    /** Reading ends at {@code lsn} for {@code reason}; false. */
    boolean end(EndOfWal.Reason reason, long lsn, String detail) {
        return end(new EndOfWal(reason, lsn, pages.segmentName(lsn), detail));
    }

    private boolean end(EndOfWal e) {
        end = e;
        switch (e.reason()) {
            case ZERO_LENGTH, ZERO_PAGE, PREV_LINK_MISMATCH, RECYCLED_PAGE -> {
                // a growing source reads as zeros past what it has received: not an end to confirm
                if (Long.compareUnsigned(e.lsn(), received) < 0) {
                    confirmEnd(e.lsn(), e.detail());
                }
            }
            default -> { }
        }
        return false;
    }

    /**
     * WAL that really ends there has nothing valid after it: the following page was never written
     * (zeros) or is left over from an earlier use of the file. A valid page of this cluster right
     * after the end means the WAL is damaged at the end point; stopping there would silently drop
     * everything that follows, so it is an error.
     */
    private void confirmEnd(long lsn, String detail) {
        if (pages.validPageFollows(lsn)) {
            end = null;
            throw new WalFormatException("WAL seems to end at " + Lsn.format(lsn) + " (" + detail
                + "), but the page at " + Lsn.format(PageWindow.pageAfter(lsn)) + " after it holds valid WAL: the WAL is damaged there",
                pages.segmentName(lsn), lsn);
        }
    }
}
