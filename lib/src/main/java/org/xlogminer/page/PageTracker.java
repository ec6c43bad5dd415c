package org.xlogminer.page;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.function.Consumer;

import org.xlogminer.decode.HeapLayout;
import org.xlogminer.decode.HeapRecordDecoder;
import org.xlogminer.decode.TupleRef;
import org.xlogminer.tuple.HeapTupleHeaderLayout;
import org.xlogminer.util.LittleEndian;
import org.xlogminer.util.OpenAddressing;
import org.xlogminer.wal.reader.BlockImages;
import org.xlogminer.wal.reader.ImageCompression;
import org.xlogminer.wal.reader.RecordFetcher;
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
 * entry (about 150 bytes, outside the budget) stays in memory. Not thread-safe; close to delete the file.
 */
public final class PageTracker implements java.io.Closeable {

    /** Which relations' pages to track (tables being mined and their TOAST tables, not indexes). */
    public interface Relations {
        boolean tracked(long tablespace, long database, long relNumber);
    }

    /** Heap bytes a kept tuple costs beyond its data: array header and its slot. */
    private static final int TUPLE_OVERHEAD = 24;

    /**
     * Tracked pages by relation and block (main fork only), found by the pages' own key fields, so
     * that a look-up allocates no key object (there are a few per record).
     */
    static final class PageMap extends OpenAddressing<Page> {
        PageMap() {
            super(1 << 12);
        }

        static int hash(int tablespace, int database, int relNumber, long block) {
            long h = block * 0x9E3779B97F4A7C15L + relNumber * 0xC2B2AE3D27D4EB4FL + (database * 31L + tablespace);
            h ^= h >>> 32;
            h *= 0xFF51AFD7ED558CCDL;
            return (int) (h ^ h >>> 29);
        }

        @Override
        protected int hash(Page p) {
            return hash(p.tablespace, p.database, p.relNumber, p.block);
        }

        Page get(int tablespace, int database, int relNumber, long block) {
            for (int i = firstSlot(hash(tablespace, database, relNumber, block)); ; i = nextSlot(i)) {
                Page p = at(i);
                if (p == null || p.block == block && p.relNumber == relNumber && p.database == database
                    && p.tablespace == tablespace) {
                    return p;
                }
            }
        }
    }

    /** A tracked page: where its image is, and the tuples put on it since. */
    static final class Page {
        final int tablespace;
        final int database;
        final int relNumber;
        final long block;
        /** LSN of the record whose image the page starts from; 0 when it started empty (initialised). */
        long imageLsn;
        int imageBlock;
        /** Where the image's bytes start in its record, and its hole; -1 when it is compressed. */
        int imageAt;
        short holeOffset;
        short holeLength;
        /** Tuples put since the image; null when none (or spilled). */
        Overlay overlay;
        int overlayBytes;
        /** The image's line pointers (page bytes 24 to pd_lower), when kept: one read less per tuple. */
        byte[] linePointers;
        /** The slot of {@link #recent} holding a copy of the image, or -1. */
        int recentSlot = -1;
        /** Where the overlay is in the spill file, or -1. */
        long spillAt = -1;
        int spillLength;
        /** Neighbours in the list of pages with an overlay in memory, least recently used first. */
        Page prev;
        Page next;

        Page(int tablespace, int database, int relNumber, long block) {
            this.tablespace = tablespace;
            this.database = database;
            this.relNumber = relNumber;
            this.block = block;
        }
    }

    /**
     * Offset number to tuple, for the tuples a page gets between two images. While they are few:
     * two arrays side by side, searched in order. From {@link #DIRECT} on (the pages of a small,
     * busy table, where every update puts one more version, and an insert-only table's pages):
     * one array indexed by offset number, so that a look-up costs the same whatever the count
     * (before, a pgbench run searched 142 entries per look-up on average).
     */
    static final class Overlay {
        /**
         * Entries from which the overlay is indexed by offset number. The index is 1.2 kB, so not
         * before a search would cost more than a few cache lines: at 8, the pages of a large table
         * updated a few times each (pgbench's accounts over a longer run) took a third of the
         * budget in indexes, and spilled.
         */
        static final int DIRECT = 32;
        /**
         * The highest offset number an index holds: MaxHeapTuplesPerPage of an 8 kB page. A larger
         * one (no valid page has it) sends the overlay back to searching.
         */
        static final int MAX_DIRECT = 291;

        /** The entries' offset numbers, searched; null when indexed. */
        short[] offnums = new short[4];
        /** Tuples: beside {@link #offnums}, or by offset number when that is null. */
        byte[][] tuples = new byte[4][];
        int n;

        byte[] get(int offnum) {
            if (offnums == null) {
                return offnum >= 0 && offnum < tuples.length ? tuples[offnum] : null;
            }
            short o = (short) offnum;
            for (int i = 0; i < n; i++) {
                if (offnums[i] == o) {
                    return tuples[i];
                }
            }
            return null;
        }

        /** Puts the tuple; returns the one it replaced, or null. */
        byte[] put(int offnum, byte[] tuple) {
            if (offnums == null) {
                if (offnum >= 0 && offnum <= MAX_DIRECT) {
                    byte[] old = tuples[offnum];
                    tuples[offnum] = tuple;
                    if (old == null) {
                        n++;
                    }
                    return old;
                }
                searched();
            }
            short o = (short) offnum;
            for (int i = 0; i < n; i++) {
                if (offnums[i] == o) {
                    byte[] old = tuples[i];
                    tuples[i] = tuple;
                    return old;
                }
            }
            if (n == offnums.length) {
                offnums = java.util.Arrays.copyOf(offnums, n * 2);
                tuples = java.util.Arrays.copyOf(tuples, n * 2);
            }
            offnums[n] = o;
            tuples[n++] = tuple;
            if (n >= DIRECT) {
                indexed();
            }
            return null;
        }

        /** To the array by offset number, when every offset number fits it. */
        private void indexed() {
            for (int i = 0; i < n; i++) {
                if ((offnums[i] & 0xFFFF) > MAX_DIRECT) {
                    return;
                }
            }
            byte[][] byOffnum = new byte[MAX_DIRECT + 1][];
            for (int i = 0; i < n; i++) {
                byOffnum[offnums[i] & 0xFFFF] = tuples[i];
            }
            offnums = null;
            tuples = byOffnum;
        }

        /** Back to the searched arrays (an offset number past the index). */
        private void searched() {
            short[] offs = new short[Math.max(4, Integer.highestOneBit(n) * 2)];
            byte[][] tups = new byte[offs.length][];
            int k = 0;
            for (int off = 0; off < tuples.length; off++) {
                if (tuples[off] != null) {
                    offs[k] = (short) off;
                    tups[k++] = tuples[off];
                }
            }
            offnums = offs;
            tuples = tups;
        }

        /** Hands each entry to the consumer: its tuple and offset number. */
        void forEach(java.util.function.ObjIntConsumer<byte[]> consumer) {
            if (offnums == null) {
                for (int off = 0; off < tuples.length; off++) {
                    if (tuples[off] != null) {
                        consumer.accept(tuples[off], off);
                    }
                }
            } else {
                for (int i = 0; i < n; i++) {
                    consumer.accept(tuples[i], offnums[i] & 0xFFFF);
                }
            }
        }

        /** The tuples' bytes, each counted with {@code perTuple} more (its header, its slot, ...). */
        int tupleBytes(int perTuple) {
            int sum = 0;
            if (offnums == null) {
                for (byte[] t : tuples) {
                    if (t != null) {
                        sum += t.length + perTuple;
                    }
                }
            } else {
                for (int i = 0; i < n; i++) {
                    sum += tuples[i].length + perTuple;
                }
            }
            return sum;
        }

        /** Heap bytes: the arrays and their headers, the tuples counted by the caller. */
        int arrayBytes() {
            return offnums == null ? 16 + 4 * tuples.length + 16 : 48 + 6 * offnums.length;
        }
    }

    private final long budget;
    private final Relations relations;
    private final SegmentSource source;
    private final PageMap pages = new PageMap();
    private final BlockImages images = new BlockImages();
    private final byte[] page = new byte[8192];
    private final ByteBuffer pageBuffer = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
    private final Path spillDir;
    private RecordFetcher fetcher;
    /**
     * Copies of the last few uncompressed images of tracked pages, as logged: the record after an
     * image often needs a tuple of it (heap_update logs a LOCK with the old page's image, then the
     * UPDATE), and a copy here spares reading it again from the WAL.
     */
    private static final int RECENT = 64;
    private final ByteBuffer[] recent = new ByteBuffer[RECENT];
    private final Page[] recentPage = new Page[RECENT];
    private int recentNext;
    /**
     * The last tuple read from an image, while the same record is processed: an UPDATE that logged
     * only what differs asks for its old tuple twice (for the old row, and to rebuild the new one).
     * An image in the record itself changes only the old tuple's header, not its data.
     */
    private long memoLsn;
    private Page memoPage;
    private int memoOffnum;
    private byte[] memoTuple;
    /**
     * The spill file, written at its end: evicted overlays gather in {@link #spillBuffer} and go
     * to the file a buffer at a time (one write for many overlays, not a seek and a write each);
     * an overlay read back while still in the buffer comes from there.
     */
    private FileChannel spill;
    private Path spillFile;
    /** Where in the file the buffer's first byte goes: the file's length so far. */
    private long spillFlushed;
    private final ByteBuffer spillBuffer;
    /** Bytes of the file and its buffer that pages still point at; the rest were read back or dropped. */
    private long spillLive;
    private int compactions;
    private long spillAppended;
    /** Least and most recently used pages with an overlay in memory. */
    private Page lru;
    private Page mru;
    private long bytes;
    private long evicted;
    /** The last relation asked about, and whether it is tracked: consecutive records mostly share one. */
    private int lastSpc;
    private int lastDb;
    private int lastRel;
    private boolean lastKnown;
    private boolean lastTracked;
    /** Bytes of kept line-pointer arrays, and the most they may take (then images are read for them). */
    private long linePointerBytes;
    private final long linePointerBudget;

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
        this.budget = budgetBytes;
        this.spillBuffer = ByteBuffer.allocate(spillBufferBytes);
        this.linePointerBudget = budgetBytes / 2;
        this.relations = relations;
        this.spillDir = spillDir;
        this.source = source;
    }

    /**
     * Brings the pages of a record up to date: images first (the page after the record), then, for
     * blocks without an image, the record's own change. Call for every record in WAL order; the
     * decoder must be wrapped on the record when it is a heap record ({@code heapWrapped}).
     */
    public void apply(XLogRecordView r, HeapRecordDecoder heap, boolean heapWrapped) {
        if (fetcher == null && source != null) {
            fetcher = new RecordFetcher(source, r.version());
        }
        for (int i = 0; i < r.blockCount(); i++) {
            if (r.forkNumber(i) == 0 && r.hasImage(i) && r.applyImage(i) && isTracked(r, i)) {
                Page p = reset(r, i);
                p.imageLsn = r.lsn();
                p.imageBlock = i;
                p.imageAt = r.imageCompression(i) == ImageCompression.NONE ? r.imageOffset(i) - r.offset() : -1;
                p.holeOffset = (short) r.holeOffset(i);
                p.holeLength = (short) r.holeLength(i);
                if (p.imageAt >= 0) {
                    keepRecent(p, r, i);
                    keepLinePointers(p, r, i);
                }
            }
        }
        if (!heapWrapped) {
            return;
        }
        int nb = heap.newBlockIndex();
        switch (heap.op()) {
            case INSERT -> {
                Page p = target(r, nb);
                if (p != null && heap.newTuple().present()) {
                    put(p, heap.newOffnum(), tuple(heap.newTuple(), 0, 0, null));
                }
            }
            case MULTI_INSERT -> {
                Page p = target(r, nb);
                if (p != null) {
                    while (heap.nextTuple()) {
                        put(p, heap.newOffnum(), tuple(heap.newTuple(), 0, 0, null));
                    }
                }
            }
            case UPDATE, HOT_UPDATE -> {
                Page p = target(r, nb);
                if (p != null && heap.newTuple().present()) {
                    byte[] old = null;
                    int prefix = heap.prefixLength();
                    int suffix = heap.suffixLength();
                    if (prefix + suffix > 0) {
                        old = tuple(r, heap.oldBlockIndex(), heap.oldOffnum());
                        if (old == null) {
                            forget(p); // cannot rebuild the new tuple: the page is no longer known
                            return;
                        }
                        if (heap.oldBlockIndex() == nb && canPatch(p, heap.oldOffnum(), prefix, suffix)) {
                            put(p, heap.newOffnum(), patch(heap.newTuple(), prefix, suffix, heap.oldOffnum()));
                            patches++;
                            return;
                        }
                    }
                    put(p, heap.newOffnum(), tuple(heap.newTuple(), prefix, suffix, old));
                }
            }
            default -> { }
        }
    }

    /** The whole on-page tuple at (block of index i, offnum), or null when not known. */
    public byte[] tuple(XLogRecordView r, int blockIndex, int offnum) {
        Page p = page(r, blockIndex);
        if (p == null || offnum <= 0) {
            return null;
        }
        byte[] put = putAt(p, offnum);
        return put != null ? whole(r, p, put) : imageTupleOnce(r, p, offnum);
    }

    /** {@link #imageTuple(XLogRecordView, Page, int)}, read once per record, page and offset number. */
    private byte[] imageTupleOnce(XLogRecordView r, Page p, int offnum) {
        if (memoLsn == r.lsn() && memoPage == p && memoOffnum == offnum) {
            return memoTuple;
        }
        byte[] t = imageTuple(r, p, offnum);
        memoLsn = r.lsn();
        memoPage = p;
        memoOffnum = offnum;
        memoTuple = t;
        return t;
    }

    // ---- patches: new tuples kept as what the UPDATE record logged, not rebuilt ----------------

    /*
     * An UPDATE on the same page at wal_level=replica logs only the bytes of the new tuple that
     * differ from the old one, with the lengths of the prefix and suffix they share. Rebuilt, the
     * new tuple repeats those bytes (pgbench's 84-byte filler in every version of an account), and
     * most new versions are never asked for again. So when the old tuple is the image's, still in
     * the WAL, the overlay keeps the new tuple as logged (a patch) and rebuilds it from the image's
     * old tuple when asked: half the bytes per version, so that a longer run's pages stay within
     * the budget instead of going to the spill file.
     *
     * A patch is a tuple as tuple(t, 0, 0, null) lays it out, header and logged bytes, with the
     * old offset number and the prefix and suffix lengths in header bytes a rebuilt tuple leaves
     * zero (t_xmin and t_xmax, which the WAL does not log for it) and PATCH at PATCH_MARK.
     */
    private static final int PATCH_MARK = 6;
    private static final byte PATCH = 1;
    private long patches;

    /** How many new tuples were kept as patches. For tests. */
    long patches() {
        return patches;
    }

    /**
     * The whole tuple at offnum of a tracked block, as {@link #tuple} gives it, or null: for tests,
     * which compare the pages with the server's after the WAL was read.
     */
    byte[] tupleAt(int tablespace, int database, int relNumber, long block, int offnum) {
        Page p = pages.get(tablespace, database, relNumber, block);
        if (p == null || offnum <= 0) {
            return null;
        }
        byte[] put = putAt(p, offnum);
        return put != null ? whole(null, p, put) : imageTuple(null, p, offnum);
    }

    /** Whether the tuple at offnum of a tracked block is kept as a patch. For tests. */
    boolean patchedAt(int tablespace, int database, int relNumber, long block, int offnum) {
        Page p = pages.get(tablespace, database, relNumber, block);
        byte[] put = p == null ? null : putAt(p, offnum);
        return put != null && isPatch(put);
    }

    /** The tuple or patch put at offnum since the page's image, or null. */
    private byte[] putAt(Page p, int offnum) {
        Overlay o = overlay(p);
        return o == null ? null : o.get(offnum);
    }

    /**
     * Whether the new tuple of an UPDATE on the page can be kept as a patch of the old one at
     * oldOffnum: the old one is the image's (not put since; the image stays until the page is
     * reset, and the overlay with it), the image is stored uncompressed in the WAL (a re-read is a
     * few bytes), and the lengths fit the header.
     */
    private boolean canPatch(Page p, int oldOffnum, int prefix, int suffix) {
        if (fetcher == null || p.imageLsn == 0 || p.imageAt < 0 || prefix > 0xFFFF || suffix > 0xFFFF
            || oldOffnum <= 0 || oldOffnum > 0xFFFF) {
            return false;
        }
        return putAt(p, oldOffnum) == null;
    }

    /**
     * An overlay's entry as a whole tuple: itself, or a patch rebuilt from the image's old tuple;
     * null when that is not known. {@code r} is the record being processed, or null.
     */
    private byte[] whole(XLogRecordView r, Page p, byte[] put) {
        if (!isPatch(put)) {
            return put;
        }
        int oldOffnum = patchOldOffnum(put);
        return unpatch(put, r != null ? imageTupleOnce(r, p, oldOffnum) : imageTuple(null, p, oldOffnum));
    }

    static byte[] patch(TupleRef t, int prefix, int suffix, int oldOffnum) {
        byte[] b = tuple(t, 0, 0, null);
        LittleEndian.SHORT.set(b, 0, (short) oldOffnum);
        LittleEndian.SHORT.set(b, 2, (short) prefix);
        LittleEndian.SHORT.set(b, 4, (short) suffix);
        b[PATCH_MARK] = PATCH;
        return b;
    }

    static boolean isPatch(byte[] t) {
        return t[PATCH_MARK] == PATCH;
    }

    static int patchOldOffnum(byte[] patch) {
        return (short) LittleEndian.SHORT.get(patch, 0) & 0xFFFF;
    }

    /** The whole new tuple of a patch, given the old tuple; null when the old one is not known. */
    static byte[] unpatch(byte[] patch, byte[] old) {
        if (old == null) {
            return null;
        }
        int prefix = (short) LittleEndian.SHORT.get(patch, 2) & 0xFFFF;
        int suffix = (short) LittleEndian.SHORT.get(patch, 4) & 0xFFFF;
        int hoff = patch[22] & 0xFF;
        int oldHoff = old[22] & 0xFF;
        if (prefix + suffix > old.length - oldHoff || hoff > patch.length) {
            return null; // not the old tuple the patch was made against
        }
        byte[] out = new byte[patch.length + prefix + suffix];
        int from = HeapTupleHeaderLayout.T_INFOMASK2; // t_infomask2, t_infomask, t_hoff, bitmap and padding
        System.arraycopy(patch, from, out, from, hoff - from);
        System.arraycopy(old, oldHoff, out, hoff, prefix);
        System.arraycopy(patch, hoff, out, hoff + prefix, patch.length - hoff);
        System.arraycopy(old, old.length - suffix, out, out.length - suffix, suffix);
        return out;
    }

    /** The tuple at offnum of the page's image, wherever the image is now; r is the record being processed, or null. */
    private byte[] imageTuple(XLogRecordView r, Page p, int offnum) {
        if (p.imageLsn == 0) {
            return null;
        }
        if (r != null && p.imageLsn == r.lsn()) {
            return imageTuple(r, p.imageBlock, offnum);
        }
        if (p.recentSlot >= 0) {
            return uncompressedImageTuple(recent[p.recentSlot], 0, p.holeOffset & 0xFFFF, p.holeLength & 0xFFFF, offnum);
        }
        if (fetcher == null) {
            return null;
        }
        return p.imageAt < 0 ? imageTuple(fetcher.fetch(p.imageLsn), p.imageBlock, offnum) : storedImageTuple(p, offnum);
    }

    private void keepLinePointers(Page p, XLogRecordView r, int i) {
        int img = r.imageOffset(i);
        int lower = r.buffer().getShort(img + 12) & 0xFFFF;
        int holeOff = r.holeOffset(i);
        int n = lower - 24;
        if (n <= 0 || lower > 8192 || r.holeLength(i) > 0 && lower > holeOff
            || linePointerBytes + n + 16 > linePointerBudget) {
            return;
        }
        byte[] lp = new byte[n];
        r.buffer().get(img + 24, lp);
        p.linePointers = lp;
        linePointerBytes += n + 16;
    }

    private void keepRecent(Page p, XLogRecordView r, int i) {
        int slot = recentNext;
        recentNext = (slot + 1) % RECENT;
        Page was = recentPage[slot];
        if (was != null && was.recentSlot == slot) {
            was.recentSlot = -1;
        }
        if (recent[slot] == null) {
            recent[slot] = ByteBuffer.allocate(8192).order(ByteOrder.LITTLE_ENDIAN);
        }
        r.buffer().get(r.imageOffset(i), recent[slot].array(), 0, r.imageLength(i));
        recentPage[slot] = p;
        p.recentSlot = slot;
    }

    /**
     * Hands every known tuple of every tracked page of a relation to the consumer (reading the
     * pages' images again): for the rare look-up that has no offset number to go by.
     */
    public void forEachTuple(long tablespace, long database, long relNumber, Consumer<byte[]> consumer) {
        for (Page p : pages.entries()) {
            if (Integer.toUnsignedLong(p.relNumber) != relNumber
                || Integer.toUnsignedLong(p.tablespace) != tablespace || Integer.toUnsignedLong(p.database) != database) {
                continue;
            }
            Overlay o = overlay(p);
            if (p.imageLsn != 0 && fetcher != null) {
                images.restore(fetcher.fetch(p.imageLsn), p.imageBlock, page);
                int lps = lineCount(pageBuffer);
                for (int off = 1; off <= lps; off++) {
                    if (o == null || o.get(off) == null) {
                        byte[] t = itemOf(pageBuffer, off);
                        if (t != null) {
                            consumer.accept(t);
                        }
                    }
                }
            }
            if (o != null) {
                o.forEach((t, off) -> {
                    byte[] w = whole(null, p, t);
                    if (w != null) {
                        consumer.accept(w);
                    }
                });
            }
        }
    }

    /** Pages tracked now. */
    public int trackedPages() {
        return pages.size();
    }

    /** How many times the spill file was compacted. */
    int spillCompactions() {
        return compactions;
    }

    /** The spill file's length, its buffer included: where the next spilled overlay goes. */
    long spillFileBytes() {
        return spillFlushed + spillBuffer.position();
    }

    /** Bytes of overlays ever written to the spill file. */
    long spillAppendedBytes() {
        return spillAppended;
    }

    /** How many times a page's changed tuples went to the spill file. */
    public long spilledPages() {
        return evicted;
    }

    /** How many times bytes of an image were read again from the WAL. */
    public long imageReads() {
        return fetcher == null ? 0 : fetcher.fetches();
    }

    /** The tuple at offnum of the image of block i of the record, or null. */
    private byte[] imageTuple(XLogRecordView r, int i, int offnum) {
        if (r.imageCompression(i) != ImageCompression.NONE) {
            images.restore(r, i, page);
            return itemOf(pageBuffer, offnum);
        }
        return uncompressedImageTuple(r.buffer(), r.imageOffset(i), r.holeOffset(i), r.holeLength(i), offnum);
    }

    /**
     * The LP_NORMAL tuple at offnum of an uncompressed image (page bytes without the hole) at
     * {@code b[img..]}, or null. A tuple across the hole (not a valid page) is not known either.
     */
    private static byte[] uncompressedImageTuple(ByteBuffer b, int img, int holeOff, int holeLen, int offnum) {
        int lpEnd = 24 + 4 * offnum;
        if (lpEnd > (holeLen == 0 ? 8192 : holeOff) || lpEnd > (b.getShort(img + 12) & 0xFFFF)) {
            return null; // past pd_lower: no such line pointer
        }
        int w = b.getInt(img + lpEnd - 4);
        int at = tupleInImage(w, holeOff, holeLen);
        if (at < 0) {
            return null;
        }
        byte[] t = new byte[w >>> 17];
        b.get(img + at, t);
        return t;
    }

    /**
     * Where the tuple of line pointer {@code lp} (its length is {@code lp >>> 17}) starts in an
     * image without its hole, or -1 when it is not a normal tuple with storage, or lies across the
     * hole (which no valid page has: such a tuple is not known rather than guessed).
     */
    private static int tupleInImage(int lp, int holeOff, int holeLen) {
        int lpOff = lp & 0x7FFF;
        int flags = (lp >>> 15) & 3;
        int len = lp >>> 17;
        if (flags != 1 || len < HeapLayout.SIZEOF_HEAP_TUPLE_HEADER || lpOff + len > 8192) {
            return -1;
        }
        if (holeLen == 0 || lpOff + len <= holeOff) {
            return lpOff;
        }
        return lpOff >= holeOff + holeLen ? lpOff - holeLen : -1;
    }

    /**
     * The tuple at offnum of an uncompressed image in the WAL, read without the rest of its record:
     * the line pointers up to offnum, then the tuple.
     */
    private byte[] storedImageTuple(Page p, int offnum) {
        int holeOff = p.holeOffset & 0xFFFF;
        int holeLen = p.holeLength & 0xFFFF;
        int lpEnd = 24 + 4 * offnum;
        if (holeLen > 0 && lpEnd > holeOff || lpEnd > 8192) {
            return null; // past pd_lower (where the hole starts): no such line pointer
        }
        int w;
        if (p.linePointers != null) {
            if (lpEnd - 24 > p.linePointers.length) {
                return null; // past pd_lower
            }
            byte[] lp = p.linePointers;
            int at = lpEnd - 28;
            w = (lp[at] & 0xFF) | (lp[at + 1] & 0xFF) << 8 | (lp[at + 2] & 0xFF) << 16 | (lp[at + 3] & 0xFF) << 24;
        } else {
            fetcher.read(p.imageLsn, p.imageAt + 12, page, 12, lpEnd - 12);
            int lower = pageBuffer.getShort(12) & 0xFFFF;
            if (lpEnd > lower) {
                return null;
            }
            w = pageBuffer.getInt(lpEnd - 4);
        }
        int at = tupleInImage(w, holeOff, holeLen);
        if (at < 0) {
            return null;
        }
        int len = w >>> 17;
        byte[] t = new byte[len];
        fetcher.read(p.imageLsn, p.imageAt + at, t, 0, len);
        int hoff = t[22] & 0xFF;
        if (hoff < HeapLayout.SIZEOF_HEAP_TUPLE_HEADER || hoff > len) {
            throw new org.xlogminer.wal.WalFormatException("the full-page image read earlier changed (a tuple header"
                + " reads t_hoff=" + hoff + "): was the segment recycled or overwritten while mining?", null, p.imageLsn);
        }
        return t;
    }

    private static int lineCount(ByteBuffer p) {
        int lower = p.getShort(12) & 0xFFFF;
        return Math.max(0, Math.min(lower, 8192) - 24) / 4;
    }

    /** The LP_NORMAL item at offnum of a restored page, or null. */
    private static byte[] itemOf(ByteBuffer p, int offnum) {
        if (offnum < 1 || offnum > lineCount(p)) {
            return null;
        }
        int w = p.getInt(24 + 4 * (offnum - 1));
        int at = tupleInImage(w, 0, 0);
        if (at < 0) {
            return null;
        }
        byte[] t = new byte[w >>> 17];
        p.get(at, t);
        return t;
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

    /** A page the record initialises (INIT_PAGE / WILL_INIT) starts empty; others must be tracked. */
    private Page target(XLogRecordView r, int i) {
        if (r.willInit(i) || (r.info() & HeapLayout.XLOG_HEAP_INIT_PAGE) != 0) {
            if (!isTracked(r, i)) {
                return null;
            }
            Page p = reset(r, i);
            p.imageLsn = 0;
            p.recentSlot = -1;
            return p;
        }
        if (r.hasImage(i)) {
            return null; // already the page after the change
        }
        return page(r, i);
    }

    /** The page, tracked from now on with no tuples put on it. */
    private Page reset(XLogRecordView r, int i) {
        Page p = page(r, i);
        if (p == null) {
            p = new Page(r.tablespace(i), r.database(i), r.relNumber(i), r.blockNumber(i));
            pages.add(p);
        } else {
            dropOverlay(p);
            dropLinePointers(p);
        }
        return p;
    }

    private void forget(Page p) {
        dropOverlay(p);
        dropLinePointers(p);
        pages.remove(p);
    }

    private void dropLinePointers(Page p) {
        if (p.linePointers != null) {
            linePointerBytes -= p.linePointers.length + 16;
            p.linePointers = null;
        }
    }

    private void dropOverlay(Page p) {
        if (p.overlay != null) {
            unlink(p);
            bytes -= p.overlayBytes;
            p.overlay = null;
        }
        p.overlayBytes = 0;
        if (p.spillAt >= 0) {
            spillLive -= p.spillLength;
            p.spillAt = -1;
        }
    }

    private void put(Page p, int offnum, byte[] tuple) {
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

    /** The page's overlay, brought back from the spill file if it went there. */
    private Overlay overlay(Page p) {
        if (p.overlay == null && p.spillAt >= 0) {
            Overlay o = read(p.spillAt, p.spillLength);
            p.overlay = o;
            p.spillAt = -1;
            spillLive -= p.spillLength;
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

    /** Spills the least recently used overlays until memory is within the budget, never {@code keep}'s. */
    private void evict(Page keep) {
        while (bytes > budget && lru != null) {
            Page v = lru == keep ? keep.next : lru;
            if (v == null) {
                break;
            }
            write(v);
            unlink(v);
            bytes -= v.overlayBytes;
            v.overlay = null;
            evicted++;
        }
        if (spillFileBytes() - spillLive > Math.max(spillLive, budget)) {
            compactSpill();
        }
    }

    private void linkMru(Page p) {
        p.prev = mru;
        p.next = null;
        if (mru != null) {
            mru.next = p;
        } else {
            lru = p;
        }
        mru = p;
    }

    private void unlink(Page p) {
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

    private void touch(Page p) {
        if (mru != p) {
            unlink(p);
            linkMru(p);
        }
    }

    private Overlay read(long at, int length) {
        try {
            ByteBuffer in;
            if (at >= spillFlushed) {
                in = spillBuffer.duplicate().position((int) (at - spillFlushed)).limit((int) (at - spillFlushed) + length);
            } else {
                in = ByteBuffer.allocate(length);
                readSpill(in, at);
                in.flip();
            }
            Overlay o = new Overlay();
            int n = in.getInt();
            for (int i = 0; i < n; i++) {
                int off = in.getShort() & 0xFFFF;
                byte[] t = new byte[in.getInt()];
                in.get(t);
                o.put(off, t);
            }
            return o;
        } catch (IOException e) {
            throw new UncheckedIOException("reading tracked pages back from " + spillFile, e);
        }
    }

    private void write(Page p) {
        try {
            if (spill == null) {
                Files.createDirectories(spillDir);
                spillFile = Files.createTempFile(spillDir, "xlogminer-pages-", ".spill");
                spillFile.toFile().deleteOnExit();
                spill = FileChannel.open(spillFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            Overlay o = p.overlay;
            int size = 4 + o.tupleBytes(6); // the count, then each tuple's offset number and length
            ByteBuffer out = spillBuffer;
            if (size > out.remaining()) {
                flushSpill();
            }
            if (size > out.remaining()) {
                out = ByteBuffer.allocate(size); // larger than the buffer: written on its own
            }
            p.spillAt = spillFlushed + (out == spillBuffer ? out.position() : 0);
            p.spillLength = size;
            spillLive += size;
            spillAppended += size;
            out.putInt(o.n);
            ByteBuffer to = out;
            o.forEach((t, off) -> to.putShort((short) off).putInt(t.length).put(t));
            if (out != spillBuffer) {
                writeFully(out.flip(), spillFlushed);
                spillFlushed += size;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("spilling tracked pages to " + spillDir, e);
        }
    }

    /**
     * Moves the overlays pages still point at to the front of the spill file, in file order, and
     * cuts the file there. Every eviction appends, and an overlay read back leaves its old copy
     * behind, so without this the file grows with every eviction of a long run, not with what is
     * spilled. Called when the dead bytes exceed both the live ones and the budget, so that the
     * copying is paid for by at least as many bytes appended since the last time.
     */
    private void compactSpill() {
        try {
            flushSpill();
            java.util.List<Page> live = new java.util.ArrayList<>();
            for (Page p : pages.entries()) {
                if (p.spillAt >= 0) {
                    live.add(p);
                }
            }
            live.sort((a, b) -> Long.compare(a.spillAt, b.spillAt));
            // Every page's bytes move down or stay: what is written (up to where the bytes read so
            // far ended) never reaches a page not read yet.
            long to = 0; // where the buffer's first byte goes
            for (Page p : live) {
                int len = p.spillLength;
                if (len > spillBuffer.remaining()) {
                    to += drainSpillBuffer(to);
                }
                if (len > spillBuffer.remaining()) { // larger than the buffer: straight across
                    ByteBuffer big = ByteBuffer.allocate(len);
                    readSpill(big, p.spillAt);
                    writeFully(big.flip(), to);
                    p.spillAt = to;
                    to += len;
                } else {
                    int at = spillBuffer.position();
                    readSpill(spillBuffer.slice(at, len), p.spillAt);
                    spillBuffer.position(at + len);
                    p.spillAt = to + at;
                }
            }
            to += drainSpillBuffer(to);
            spill.truncate(to);
            spillFlushed = to;
            compactions++;
        } catch (IOException e) {
            throw new UncheckedIOException("compacting the spill file " + spillFile, e);
        }
    }

    private void readSpill(ByteBuffer dst, long at) throws IOException {
        while (dst.hasRemaining()) {
            if (spill.read(dst, at + dst.position()) < 0) {
                throw new IOException("the spill file ends before " + (at + dst.limit()));
            }
        }
    }

    /** Writes the buffer at {@code at} and empties it; how many bytes it held. */
    private int drainSpillBuffer(long at) throws IOException {
        ByteBuffer b = spillBuffer.flip();
        int n = b.remaining();
        writeFully(b, at);
        spillBuffer.clear();
        return n;
    }

    /** Moves the buffered overlays to the end of the file. */
    private void flushSpill() throws IOException {
        spillFlushed += drainSpillBuffer(spillFlushed);
    }

    private void writeFully(ByteBuffer b, long at) throws IOException {
        long pos = at;
        while (b.hasRemaining()) {
            pos += spill.write(b, pos);
        }
    }

    @Override
    public void close() {
        try {
            if (spill != null) {
                spill.close();
                Files.deleteIfExists(spillFile);
                spill = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The whole tuple from a logged xl_heap_header + tuple bytes: a 23-byte header (only t_infomask2,
     * t_infomask and t_hoff are meaningful here), then the bytes; with a prefix/suffix taken from
     * the old tuple as heap_xlog_update rebuilds it.
     */
    public static byte[] tuple(TupleRef t, int prefix, int suffix, byte[] oldTuple) {
        ByteBuffer b = t.buffer();
        int hoff = t.hoff();
        int bitmapLen = hoff - HeapLayout.SIZEOF_HEAP_TUPLE_HEADER;
        int len = HeapLayout.SIZEOF_HEAP_TUPLE_HEADER + t.length() + prefix + suffix;
        byte[] out = new byte[len];
        out[18] = (byte) t.infomask2();
        out[19] = (byte) (t.infomask2() >>> 8);
        out[20] = (byte) t.infomask();
        out[21] = (byte) (t.infomask() >>> 8);
        out[22] = (byte) hoff;
        if (prefix == 0) {
            b.get(t.offset(), out, HeapLayout.SIZEOF_HEAP_TUPLE_HEADER, t.length());
        } else {
            // bitmap and padding from the record, then the prefix from the old tuple's data, then the rest
            b.get(t.offset(), out, HeapLayout.SIZEOF_HEAP_TUPLE_HEADER, bitmapLen);
            int oldHoff = oldTuple[22] & 0xFF;
            System.arraycopy(oldTuple, oldHoff, out, hoff, prefix);
            b.get(t.offset() + bitmapLen, out, hoff + prefix, t.length() - bitmapLen);
        }
        if (suffix > 0) {
            System.arraycopy(oldTuple, oldTuple.length - suffix, out, len - suffix, suffix);
        }
        return out;
    }

    private Page page(XLogRecordView r, int i) {
        return pages.get(r.tablespace(i), r.database(i), r.relNumber(i), r.blockNumber(i));
    }
}
