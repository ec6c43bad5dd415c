package org.xlogminer.page;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.xlogminer.decode.HeapLayout;
import org.xlogminer.decode.HeapRecordDecoder;
import org.xlogminer.decode.TupleRef;
import org.xlogminer.wal.reader.SegmentSource;
import org.xlogminer.wal.reader.XLogRecordView;

/**
 * What each tracked heap page holds, as offset number to tuple (the whole on-page tuple, its
 * 23-byte header included), kept current from the WAL: the old row of an UPDATE or DELETE at
 * wal_level=replica, the full new row of an UPDATE that logged only what differs from the old
 * one, and tuples whose block carries an image instead of data (see docs/heap-redo.md).
 *
 * <p>A page is tracked from a full-page image (every first change to a page after a checkpoint's
 * REDO point carries one with full_page_writes=on) or from a record that initialises it; before
 * that its tuples are unknown, never guessed. After that, every change to tuple data is in the WAL
 * and is replayed here: inserts, multi-inserts and updates put tuples at their offset numbers,
 * overwriting; in-place updates replace data. Pruning, vacuuming and freezing need no replay for
 * this purpose: they never move a live tuple to another offset number nor change its data, and an
 * offset number they free is only reused by an insert, which overwrites it here.
 *
 * <p>A page is kept as <em>where</em> its image is (the LSN of the record that carried it) plus
 * the tuples put on it since, by offset number. The image itself stays in the WAL: a tuple the
 * overlay does not have is read from the image of the record being processed, or from the earlier
 * record, read again with a {@link RecordFetcher}. So a tracked page costs a few dozen bytes plus
 * its changed tuples, not 8 kB, and no image is copied unless a tuple of it is asked for. A new
 * tuple an UPDATE logged as a difference from the image's old one is kept as that difference (a
 * patch) and rebuilt when asked for.
 *
 * <p>Memory for changed tuples is bounded by a budget: past it the least recently used pages'
 * tuples move to a temporary spill file and come back when a record needs them. The per-page
 * entry (about 150 bytes, outside the budget) stays in memory.
 *
 * <p>This class orchestrates: pages are found in a {@link PageMap}, a record's blocks are replayed by
 * one {@link HeapRedo} per record type, tuples put since an image are kept by {@link OverlayBudget}
 * (in {@link Overlay}s, spilled to a {@link SpillFile}), tuples of images read by {@link ImageTuples},
 * and new tuples rebuilt by {@link TupleRebuild}. Not thread-safe; close to delete the spill file.
 */
public final class PageTracker implements Closeable {

    /** Which relations' pages to track (tables being mined and their TOAST tables, not indexes). */
    public interface Relations {
        boolean tracked(long tablespace, long database, long relNumber);
    }

    private final Relations relations;
    private final PageMap pages = new PageMap();
    private final ImageTuples images;
    private final OverlayBudget overlays;
    /** Relations whose new images are queued for {@link #drainNewImages} (few: TOAST tables looked up). */
    private final List<RelationImages> watches = new ArrayList<>();
    private long patches;
    /** The last relation asked about, and whether it is tracked: consecutive records mostly share one. */
    private int lastSpc;
    private int lastDb;
    private int lastRel;
    private boolean lastKnown;
    private boolean lastTracked;

    /**
     * @param budgetBytes heap for tuples put on pages since their image, before the least recently
     *                    used go to the spill file
     * @param source      the WAL being read, to read images again (null: a page is known only from
     *                    the record carrying its image onwards, when the record's own image is used)
     */
    public PageTracker(long budgetBytes, Relations relations, Path spillDir, SegmentSource source) {
        // a sixteenth of the budget, from 1 kB to 1 MB (a tiny budget flushes often, as tests want)
        this(budgetBytes, relations, spillDir, source, (int) Math.max(1 << 10, Math.min(1 << 20, budgetBytes / 16)));
    }

    /** With a spill buffer of the given size (tests: one larger or smaller than the overlays). */
    PageTracker(long budgetBytes, Relations relations, Path spillDir, SegmentSource source, int spillBufferBytes) {
        this.relations = relations;
        this.images = new ImageTuples(source, budgetBytes / 2);
        this.overlays = new OverlayBudget(budgetBytes, pages, new SpillFile(spillDir, spillBufferBytes));
    }

    /**
     * Brings the pages of a record up to date: images first (the page after the record), then, for
     * blocks without an image, the record's own change. Call for every record in WAL order; the
     * decoder must be wrapped on the record when it is a heap record ({@code heapWrapped}).
     */
    public void apply(XLogRecordView r, HeapRecordDecoder heap, boolean heapWrapped) {
        images.start(r);
        for (int i = 0; i < r.blockCount(); i++) {
            if (r.forkNumber(i) == 0 && r.hasImage(i) && r.applyImage(i) && isTracked(r, i)) {
                TrackedPage p = reset(r, i);
                images.imageOf(p, r, i);
                for (int w = 0; w < watches.size(); w++) {
                    if (watches.get(w).of(p)) {
                        watches.get(w).queue(p);
                    }
                }
            }
        }
        if (heapWrapped) {
            HeapRedo.of(heap.op()).redo(this, r, heap);
        }
    }

    /** The whole on-page tuple at (block of index i, offnum), or null when not known. */
    public byte[] tuple(XLogRecordView r, int blockIndex, int offnum) {
        TrackedPage p = page(r, blockIndex);
        if (p == null || offnum <= 0) {
            return null;
        }
        byte[] put = putAt(p, offnum);
        return put != null ? whole(r, p, put) : images.tupleOnce(r, p, offnum);
    }

    /**
     * The whole tuple from a logged xl_heap_header + tuple bytes: a 23-byte header (only t_infomask2,
     * t_infomask and t_hoff are meaningful here), then the bytes; with a prefix/suffix taken from
     * the old tuple as heap_xlog_update rebuilds it (see {@link TupleRebuild}).
     */
    public static byte[] tuple(TupleRef t, int prefix, int suffix, byte[] oldTuple) {
        return TupleRebuild.fromRecord(t, prefix, suffix, oldTuple);
    }

    /**
     * Hands every known tuple of every tracked page of a relation to the consumer (reading the
     * pages' images again): for the rare look-up that has no offset number to go by.
     */
    public void forEachTuple(long tablespace, long database, long relNumber, Consumer<byte[]> consumer) {
        for (TrackedPage p : pages.entries()) {
            if (Integer.toUnsignedLong(p.relNumber) != relNumber
                || Integer.toUnsignedLong(p.tablespace) != tablespace || Integer.toUnsignedLong(p.database) != database) {
                continue;
            }
            Overlay o = overlays.overlay(p);
            images.forEachNotIn(p, o, (t, off) -> consumer.accept(t));
            for (int s = 0, slots = o == null ? 0 : o.slots(); s < slots; s++) {
                byte[] w = o.tupleInSlot(s) == null ? null : whole(null, p, o.tupleInSlot(s));
                if (w != null) {
                    consumer.accept(w);
                }
            }
        }
    }

    /**
     * Watches the images of a relation's pages for {@link #drainNewImages}: those of the pages
     * tracked now (oldest first), then each image that comes. One watch per relation is enough.
     */
    public RelationImages watch(long tablespace, long database, long relNumber) {
        RelationImages w = new RelationImages((int) tablespace, (int) database, (int) relNumber);
        List<TrackedPage> now = new ArrayList<>();
        for (TrackedPage p : pages.entries()) {
            if (w.of(p) && p.imageLsn != 0) {
                now.add(p);
            }
        }
        now.sort(Comparator.comparingLong(p -> p.imageLsn)); // the WAL is read again in order
        now.forEach(w::queue);
        watches.add(w);
        return w;
    }

    /**
     * Hands each tuple of the watched relation's images that came since the last call (an image
     * replaced meanwhile by a later one is skipped: the later one is queued), with where it is, but
     * those at offset numbers where a tuple was put since the image; the tuples put since are not
     * handed out (a TOAST table's are inserts, which carry them).
     */
    public void drainNewImages(RelationImages w, BiConsumer<ImageTupleAt, byte[]> consumer) {
        for (RelationImages.Queued q = w.poll(); q != null; q = w.poll()) {
            TrackedPage p = q.page();
            long imageLsn = q.imageLsn();
            if (hasImage(p, imageLsn)) { // else imaged again since (queued again), or no longer tracked
                images.forEachNotIn(p, overlays.overlay(p), (t, off) -> consumer.accept(new ImageTupleAt(p, off, imageLsn), t));
            }
        }
    }

    /** Whether the page is still tracked and still starts from the image of that LSN. */
    private boolean hasImage(TrackedPage p, long imageLsn) {
        return p.imageLsn == imageLsn && pages.get(p.tablespace, p.database, p.relNumber, p.block) == p;
    }

    /**
     * The tuple handed out at that place by {@link #drainNewImages}, read again, or null when the
     * page no longer has that image, or a tuple was put at that offset number since.
     */
    public byte[] imageTuple(ImageTupleAt at) {
        TrackedPage p = at.page;
        if (!hasImage(p, at.imageLsn)) {
            return null;
        }
        Overlay o = overlays.overlay(p);
        if (o != null && o.get(at.offnum) != null) {
            return null;
        }
        return images.tuple(null, p, at.offnum);
    }

    /** Pages tracked now. */
    public int trackedPages() {
        return pages.size();
    }

    /** How many times a page's changed tuples went to the spill file. */
    public long spilledPages() {
        return overlays.evicted();
    }

    /** How many times bytes of an image were read again from the WAL. */
    public long imageReads() {
        return images.reads();
    }

    /** How many new tuples were kept as patches. For tests. */
    long patches() {
        return patches;
    }

    /** How many times the spill file was compacted. */
    int spillCompactions() {
        return overlays.spill().compactions();
    }

    /** The spill file's length, its buffer included: where the next spilled overlay goes. */
    long spillFileBytes() {
        return overlays.spill().fileBytes();
    }

    /** Bytes of overlays ever written to the spill file. */
    long spillAppendedBytes() {
        return overlays.spill().appendedBytes();
    }

    /**
     * The whole tuple at offnum of a tracked block, as {@link #tuple} gives it, or null: for tests,
     * which compare the pages with the server's after the WAL was read.
     */
    byte[] tupleAt(int tablespace, int database, int relNumber, long block, int offnum) {
        TrackedPage p = pages.get(tablespace, database, relNumber, block);
        if (p == null || offnum <= 0) {
            return null;
        }
        byte[] put = putAt(p, offnum);
        return put != null ? whole(null, p, put) : images.tuple(null, p, offnum);
    }

    /** Whether the tuple at offnum of a tracked block is kept as a patch. For tests. */
    boolean patchedAt(int tablespace, int database, int relNumber, long block, int offnum) {
        TrackedPage p = pages.get(tablespace, database, relNumber, block);
        byte[] put = p == null ? null : putAt(p, offnum);
        return put != null && TupleRebuild.isPatch(put);
    }

    // ---- for the HeapRedo handlers -------------------------------------------------------------

    /** A page the record initialises (INIT_PAGE / WILL_INIT) starts empty; others must be tracked. */
    TrackedPage target(XLogRecordView r, int i) {
        if (r.willInit(i) || (r.info() & HeapLayout.XLOG_HEAP_INIT_PAGE) != 0) {
            if (!isTracked(r, i)) {
                return null;
            }
            TrackedPage p = reset(r, i);
            images.initialised(p);
            return p;
        }
        if (r.hasImage(i)) {
            return null; // already the page after the change
        }
        return page(r, i);
    }

    void put(TrackedPage p, int offnum, byte[] tuple) {
        overlays.put(p, offnum, tuple);
    }

    /*
     * An UPDATE on the same page at wal_level=replica logs only the bytes of the new tuple that
     * differ from the old one, with the lengths of the prefix and suffix they share. Rebuilt, the
     * new tuple repeats those bytes (pgbench's 84-byte filler in every version of an account), and
     * most new versions are never asked for again. So when the old tuple is the image's, still in
     * the WAL, the overlay keeps the new tuple as logged (a patch, see TupleRebuild) and rebuilds
     * it from the image's old tuple when asked: half the bytes per version, so that a longer run's
     * pages stay within the budget instead of going to the spill file.
     */

    /** Puts a patch made by {@link TupleRebuild#patch}. */
    void putPatch(TrackedPage p, int offnum, byte[] patch) {
        overlays.put(p, offnum, patch);
        patches++;
    }

    /**
     * Whether the new tuple of an UPDATE on the page can be kept as a patch of the old one at
     * oldOffnum: the old one is the image's (not put since; the image stays until the page is
     * reset, and the overlay with it), the image is stored uncompressed in the WAL (a re-read is a
     * few bytes), and the lengths fit the header.
     */
    boolean canPatch(TrackedPage p, int oldOffnum, int prefix, int suffix) {
        if (!images.canReread() || p.imageLsn == 0 || p.imageAt < 0 || prefix > 0xFFFF || suffix > 0xFFFF
            || oldOffnum <= 0 || oldOffnum > 0xFFFF) {
            return false;
        }
        return putAt(p, oldOffnum) == null;
    }

    /** Stops tracking the page. */
    void forget(TrackedPage p) {
        overlays.drop(p);
        images.drop(p);
        pages.remove(p);
    }

    // ---- internals -----------------------------------------------------------------------------

    /** The tuple or patch put at offnum since the page's image, or null. */
    private byte[] putAt(TrackedPage p, int offnum) {
        Overlay o = overlays.overlay(p);
        return o == null ? null : o.get(offnum);
    }

    /**
     * An overlay's entry as a whole tuple: itself, or a patch rebuilt from the image's old tuple;
     * null when that is not known. {@code r} is the record being processed, or null.
     */
    private byte[] whole(XLogRecordView r, TrackedPage p, byte[] put) {
        if (!TupleRebuild.isPatch(put)) {
            return put;
        }
        int oldOffnum = TupleRebuild.patchOldOffnum(put);
        return TupleRebuild.unpatch(put, r != null ? images.tupleOnce(r, p, oldOffnum) : images.tuple(null, p, oldOffnum));
    }

    private boolean isTracked(XLogRecordView r, int i) {
        int spc = r.tablespace(i);
        int db = r.database(i);
        int rel = r.relNumber(i);
        if (rel != lastRel || db != lastDb || spc != lastSpc || !lastKnown) {
            lastTracked = relations.tracked(Integer.toUnsignedLong(spc), Integer.toUnsignedLong(db),
                Integer.toUnsignedLong(rel));
            lastSpc = spc;
            lastDb = db;
            lastRel = rel;
            lastKnown = true;
        }
        return lastTracked;
    }

    /** The page, tracked from now on with no tuples put on it. */
    private TrackedPage reset(XLogRecordView r, int i) {
        TrackedPage p = page(r, i);
        if (p == null) {
            p = new TrackedPage(r.tablespace(i), r.database(i), r.relNumber(i), r.blockNumber(i));
            pages.add(p);
        } else {
            overlays.drop(p);
            images.drop(p);
        }
        return p;
    }

    private TrackedPage page(XLogRecordView r, int i) {
        return pages.get(r.tablespace(i), r.database(i), r.relNumber(i), r.blockNumber(i));
    }

    @Override
    public void close() {
        overlays.spill().close();
    }
}
