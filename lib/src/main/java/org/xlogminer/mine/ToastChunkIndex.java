package org.xlogminer.mine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.function.ToLongFunction;

import org.xlogminer.page.ImageTupleAt;
import org.xlogminer.page.PageTracker;
import org.xlogminer.page.RelationImages;

/**
 * Where the chunks of TOAST values are in the full-page images of one TOAST table's tracked pages,
 * by value id: each image is read once as it comes ({@link PageTracker#drainNewImages}), so that
 * finding the chunks of an old row's value (one written before the WAL read, whose row is deleted
 * or updated in it) reads only its own chunks. Reading every tracked page's image at every such
 * look-up, as before, made a range deleting a few thousand rows with TOASTed values take minutes.
 *
 * <p>Memory is bounded: past {@link #MAX_PLACES} places the index is emptied and goes on from the
 * images that come after (and the queue of images not read yet is bounded the same way); a value
 * not found then may be on a page not in it, and the caller looks at every page as before
 * ({@link #complete()}).
 *
 * <p>Not thread-safe.
 */
final class ToastChunkIndex {

    /** About 64 bytes a place: a thirty-second of the heap's maximum. */
    static final int MAX_PLACES = (int) Math.min(Integer.MAX_VALUE, Runtime.getRuntime().maxMemory() / 32 / 64);

    /** The TOAST table's relfilenode the index is of. */
    final long relNumber;
    private final PageTracker pages;
    private final RelationImages images;
    /** Value id to its places: one {@link ImageTupleAt}, or a list of them. */
    private final HashMap<Long, Object> byValue = new HashMap<>();
    private final int maxPlaces;
    private int places;
    private boolean emptied;

    ToastChunkIndex(PageTracker pages, long tablespace, long database, long relNumber, int maxPlaces) {
        this.relNumber = relNumber;
        this.pages = pages;
        this.images = pages.watch(tablespace, database, relNumber);
        this.maxPlaces = maxPlaces;
    }

    /** Adds the chunks of the images that came since the last call; chunkId is -1 for a tuple that is not a chunk. */
    void update(ToLongFunction<byte[]> chunkId) {
        pages.drainNewImages(images, (at, tuple) -> {
            long id = chunkId.applyAsLong(tuple);
            if (id >= 0) {
                add(id, at);
            }
        });
    }

    @SuppressWarnings("unchecked")
    private void add(long valueId, ImageTupleAt at) {
        if (places >= maxPlaces) {
            byValue.clear();
            places = 0;
            emptied = true;
        }
        places++;
        Object was = byValue.putIfAbsent(valueId, at);
        if (was instanceof ImageTupleAt one) {
            List<ImageTupleAt> list = new ArrayList<>(4);
            list.add(one);
            list.add(at);
            byValue.put(valueId, list);
        } else if (was != null) {
            ((List<ImageTupleAt>) was).add(at);
        }
    }

    /** Where the value's chunks were seen (they may be gone since: read them again to know). */
    @SuppressWarnings("unchecked")
    List<ImageTupleAt> places(long valueId) {
        Object p = byValue.get(valueId);
        return p == null ? List.of() : p instanceof ImageTupleAt one ? List.of(one) : (List<ImageTupleAt>) p;
    }

    /**
     * Whether every image that came since the index was made is in it (it was never emptied, and
     * its queue never dropped images).
     */
    boolean complete() {
        return !emptied && !images.overflowed();
    }
}
