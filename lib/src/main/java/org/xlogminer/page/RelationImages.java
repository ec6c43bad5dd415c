package org.xlogminer.page;

import java.util.ArrayDeque;

/**
 * The pages of one relation whose full-page images came since their tuples were last handed out
 * ({@link PageTracker#watch}, {@link PageTracker#drainNewImages}): so that a look-up without an
 * offset number (a TOAST value's chunks, by value id) reads each image once, not every tracked
 * page's image at every look-up.
 *
 * <p>Not thread-safe: part of the {@link PageTracker} that made it.
 */
public final class RelationImages {

    final int tablespace;
    final int database;
    final int relNumber;
    /**
     * Queued pages at most (each holds its page, about 200 bytes, until drained): past it (images
     * of the relation came by the ten thousand and no look-up drained them) the queue is emptied
     * and {@link #overflowed()} says so.
     */
    static final int MAX_QUEUED = 1 << 16;

    /** A page and the image LSN it had when queued (a page imaged again is queued again). */
    record Queued(TrackedPage page, long imageLsn) {
    }

    private final ArrayDeque<Queued> queued = new ArrayDeque<>();
    private boolean overflowed;

    RelationImages(int tablespace, int database, int relNumber) {
        this.tablespace = tablespace;
        this.database = database;
        this.relNumber = relNumber;
    }

    boolean of(TrackedPage p) {
        return p.relNumber == relNumber && p.database == database && p.tablespace == tablespace;
    }

    void queue(TrackedPage p) {
        if (queued.size() >= MAX_QUEUED) {
            queued.clear();
            overflowed = true;
        }
        queued.add(new Queued(p, p.imageLsn));
    }

    /** The page queued first, or null. */
    Queued poll() {
        return queued.poll();
    }

    /** Whether images were dropped from the queue unread (too many between two drains). */
    public boolean overflowed() {
        return overflowed;
    }
}
