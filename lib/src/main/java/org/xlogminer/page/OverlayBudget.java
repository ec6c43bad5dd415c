package org.xlogminer.page;

/**
 * Memory for the tuples put on tracked pages since their images, bounded by a budget: puts tuples
 * into pages' overlays, keeps the pages with an overlay in memory in a list from least to most
 * recently used, and past the budget moves the least recently used overlays to the
 * {@link SpillFile}, bringing one back when a record needs it. Not thread-safe.
 */
final class OverlayBudget {

    /** Heap bytes a kept tuple costs beyond its data: array header and its slot. */
    static final int TUPLE_OVERHEAD = 24;

    private final long budget;
    private final PageMap pages;
    private final SpillFile spill;
    /** Least and most recently used pages with an overlay in memory. */
    private TrackedPage lru;
    private TrackedPage mru;
    private long bytes;
    private long evicted;

    /** @param pages every tracked page, for compacting the spill file */
    OverlayBudget(long budgetBytes, PageMap pages, SpillFile spill) {
        this.budget = budgetBytes;
        this.pages = pages;
        this.spill = spill;
    }

    /** Puts the tuple (or patch) at offnum of the page, over what was there; none at offnum 0 or less. */
    void put(TrackedPage p, int offnum, byte[] tuple) {
        if (offnum <= 0) {
            return;
        }
        Overlay o = overlay(p);
        if (o == null) {
            o = new Overlay();
            p.overlay = o;
            p.overlayBytes = o.arrayBytes();
            bytes += p.overlayBytes;
            linkMru(p);
        }
        int arrays = o.arrayBytes();
        byte[] old = o.put(offnum, tuple);
        int delta = o.arrayBytes() - arrays + tuple.length + TUPLE_OVERHEAD - (old == null ? 0 : old.length + TUPLE_OVERHEAD);
        p.overlayBytes += delta;
        bytes += delta;
        touch(p);
        if (bytes > budget) {
            evict(p);
        }
    }

    /** The page's overlay, brought back from the spill file if it went there; null when none. */
    Overlay overlay(TrackedPage p) {
        if (p.overlay == null && p.spillAt >= 0) {
            Overlay o = spill.read(p);
            p.overlay = o;
            int size = o.arrayBytes() + o.tupleBytes(TUPLE_OVERHEAD);
            p.overlayBytes = size;
            bytes += size;
            linkMru(p);
            if (bytes > budget) {
                evict(p);
            }
        } else if (p.overlay != null) {
            touch(p);
        }
        return p.overlay;
    }

    /** Forgets the page's overlay, in memory or in the spill file. */
    void drop(TrackedPage p) {
        if (p.overlay != null) {
            unlink(p);
            bytes -= p.overlayBytes;
            p.overlay = null;
        }
        p.overlayBytes = 0;
        spill.release(p);
    }

    /** How many times a page's overlay went to the spill file. */
    long evicted() {
        return evicted;
    }

    SpillFile spill() {
        return spill;
    }

    /** Spills the least recently used overlays until memory is within the budget, never {@code keep}'s. */
    private void evict(TrackedPage keep) {
        while (bytes > budget && lru != null) {
            TrackedPage v = lru == keep ? keep.next : lru;
            if (v == null) {
                break;
            }
            spill.write(v);
            unlink(v);
            bytes -= v.overlayBytes;
            v.overlay = null;
            evicted++;
        }
        if (spill.worthCompacting(budget)) {
            spill.compact(pages.entries());
        }
    }

    private void linkMru(TrackedPage p) {
        p.prev = mru;
        p.next = null;
        if (mru != null) {
            mru.next = p;
        } else {
            lru = p;
        }
        mru = p;
    }

    private void unlink(TrackedPage p) {
        if (p.prev != null) {
            p.prev.next = p.next;
        } else if (lru == p) {
            lru = p.next;
        }
        if (p.next != null) {
            p.next.prev = p.prev;
        } else if (mru == p) {
            mru = p.prev;
        }
        p.prev = null;
        p.next = null;
    }

    private void touch(TrackedPage p) {
        if (mru != p) {
            unlink(p);
            linkMru(p);
        }
    }
}
