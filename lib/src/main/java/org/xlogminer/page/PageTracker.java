package org.xlogminer.page;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.xlogminer.decode.HeapLayout;
import org.xlogminer.decode.HeapRecordDecoder;
import org.xlogminer.decode.TupleRef;
import org.xlogminer.wal.reader.BlockImages;
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
 * <p>Memory is bounded by a budget: past it the least recently used pages move to a temporary
 * spill file (an index of a few dozen bytes per page stays in memory) and come back when a record
 * needs them, so memory does not grow with the WAL read. Not thread-safe; close to delete the file.
 */
public final class PageTracker implements java.io.Closeable {

    /** The key of a page: relation and block (main fork only). */
    private record PageKey(int tablespace, int database, int relNumber, long block) {
    }

    /** Which relations' pages to track (tables being mined and their TOAST tables, not indexes). */
    public interface Relations {
        boolean tracked(long tablespace, long database, long relNumber);
    }

    /** Heap bytes a kept tuple costs beyond its data: array header, map node, boxed key, table slot. */
    private static final int TUPLE_OVERHEAD = 96;

    private final long budget;
    private final Relations relations;
    private final LinkedHashMap<PageKey, Map<Integer, byte[]>> pages = new LinkedHashMap<>(1024, 0.75f, true);
    private final BlockImages images = new BlockImages();
    private final byte[] page = new byte[8192];
    private final ByteBuffer pageBuffer = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
    private final java.nio.file.Path spillDir;
    /** Where each spilled page's latest copy is in the spill file: {offset, length}. */
    private final Map<PageKey, long[]> spilled = new HashMap<>();
    private java.io.RandomAccessFile spill;
    private java.nio.file.Path spillFile;
    private long bytes;
    private long evicted;

    public PageTracker(long budgetBytes, Relations relations) {
        this(budgetBytes, relations, java.nio.file.Path.of(System.getProperty("java.io.tmpdir")));
    }

    public PageTracker(long budgetBytes, Relations relations, java.nio.file.Path spillDir) {
        this.budget = budgetBytes;
        this.relations = relations;
        this.spillDir = spillDir;
    }

    /**
     * Brings the pages of a record up to date: images first (the page after the record), then, for
     * blocks without an image, the record's own change. Call for every record in WAL order; the
     * decoder must be wrapped on the record when it is a heap record ({@code heapWrapped}).
     */
    public void apply(XLogRecordView r, HeapRecordDecoder heap, boolean heapWrapped) {
        for (int i = 0; i < r.blockCount(); i++) {
            if (r.forkNumber(i) == 0 && r.hasImage(i) && r.applyImage(i) && isTracked(r, i)) {
                images.restore(r, i, page);
                track(key(r, i), tuplesOf(pageBuffer));
            }
        }
        if (!heapWrapped) {
            return;
        }
        int nb = heap.newBlockIndex();
        switch (heap.op()) {
            case INSERT -> {
                Map<Integer, byte[]> p = target(r, nb);
                if (p != null && heap.newTuple().present()) {
                    put(p, heap.newOffnum(), tuple(heap.newTuple(), 0, 0, null));
                }
            }
            case MULTI_INSERT -> {
                Map<Integer, byte[]> p = target(r, nb);
                if (p != null) {
                    while (heap.nextTuple()) {
                        put(p, heap.newOffnum(), tuple(heap.newTuple(), 0, 0, null));
                    }
                }
            }
            case UPDATE, HOT_UPDATE -> {
                Map<Integer, byte[]> p = target(r, nb);
                if (p != null && heap.newTuple().present()) {
                    byte[] old = null;
                    if (heap.prefixLength() + heap.suffixLength() > 0) {
                        Map<Integer, byte[]> op = resident(key(r, heap.oldBlockIndex()));
                        old = op == null ? null : op.get(heap.oldOffnum());
                        if (old == null) {
                            forget(r, nb); // cannot rebuild the new tuple: the page is no longer known
                            return;
                        }
                    }
                    put(p, heap.newOffnum(), tuple(heap.newTuple(), heap.prefixLength(), heap.suffixLength(), old));
                }
            }
            default -> { }
        }
    }

    /** The whole on-page tuple at (block of index i, offnum), or null when not known. */
    public byte[] tuple(XLogRecordView r, int blockIndex, int offnum) {
        Map<Integer, byte[]> p = resident(key(r, blockIndex));
        return p == null ? null : p.get(offnum);
    }

    /** Hands every known tuple of every tracked page of a relation to the consumer. */
    public void forEachTuple(long tablespace, long database, long relNumber, java.util.function.Consumer<byte[]> consumer) {
        for (Map.Entry<PageKey, Map<Integer, byte[]>> e : pages.entrySet()) {
            if (of(e.getKey(), tablespace, database, relNumber)) {
                e.getValue().values().forEach(consumer);
            }
        }
        for (Map.Entry<PageKey, long[]> e : spilled.entrySet()) {
            if (of(e.getKey(), tablespace, database, relNumber) && !pages.containsKey(e.getKey())) {
                read(e.getValue()).values().forEach(consumer);
            }
        }
    }

    private static boolean of(PageKey k, long tablespace, long database, long relNumber) {
        return Integer.toUnsignedLong(k.relNumber()) == relNumber && Integer.toUnsignedLong(k.tablespace()) == tablespace
            && Integer.toUnsignedLong(k.database()) == database;
    }

    /** Pages tracked now (in memory and spilled), and how many times one went to the spill file. */
    public int trackedPages() {
        int n = pages.size();
        for (PageKey k : spilled.keySet()) {
            if (!pages.containsKey(k)) {
                n++;
            }
        }
        return n;
    }

    public long spilledPages() {
        return evicted;
    }

    /** The page's tuples, brought back from the spill file if it went there; null if not tracked. */
    private Map<Integer, byte[]> resident(PageKey k) {
        Map<Integer, byte[]> p = pages.get(k);
        if (p == null) {
            long[] at = spilled.get(k);
            if (at != null) {
                p = read(at);
                track(k, p);
            }
        }
        return p;
    }

    private Map<Integer, byte[]> read(long[] at) {
        try {
            byte[] b = new byte[(int) at[1]];
            spill.seek(at[0]);
            spill.readFully(b);
            ByteBuffer in = ByteBuffer.wrap(b);
            int n = in.getInt();
            Map<Integer, byte[]> p = new HashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                int off = in.getInt();
                byte[] t = new byte[in.getInt()];
                in.get(t);
                p.put(off, t);
            }
            return p;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("reading tracked pages back from " + spillFile, e);
        }
    }

    private void write(PageKey k, Map<Integer, byte[]> p) {
        try {
            if (spill == null) {
                java.nio.file.Files.createDirectories(spillDir);
                spillFile = java.nio.file.Files.createTempFile(spillDir, "xlogminer-pages-", ".spill");
                spillFile.toFile().deleteOnExit();
                spill = new java.io.RandomAccessFile(spillFile.toFile(), "rw");
            }
            int size = 4;
            for (byte[] t : p.values()) {
                size += 8 + t.length;
            }
            ByteBuffer out = ByteBuffer.allocate(size);
            out.putInt(p.size());
            for (Map.Entry<Integer, byte[]> e : p.entrySet()) {
                out.putInt(e.getKey()).putInt(e.getValue().length).put(e.getValue());
            }
            long at = spill.length();
            spill.seek(at);
            spill.write(out.array());
            spilled.put(k, new long[] {at, size});
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("spilling tracked pages to " + spillDir, e);
        }
    }

    @Override
    public void close() {
        try {
            if (spill != null) {
                spill.close();
                java.nio.file.Files.deleteIfExists(spillFile);
                spill = null;
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private boolean isTracked(XLogRecordView r, int i) {
        return relations.tracked(Integer.toUnsignedLong(r.tablespace(i)), Integer.toUnsignedLong(r.database(i)),
            Integer.toUnsignedLong(r.relNumber(i)));
    }

    /** A page the record initialises (INIT_PAGE / WILL_INIT) starts empty; others must be tracked. */
    private Map<Integer, byte[]> target(XLogRecordView r, int i) {
        if (!isTracked(r, i)) {
            return null;
        }
        PageKey k = key(r, i);
        if (r.willInit(i) || (r.info() & HeapLayout.XLOG_HEAP_INIT_PAGE) != 0) {
            Map<Integer, byte[]> fresh = new HashMap<>();
            track(k, fresh);
            return fresh;
        }
        if (r.hasImage(i)) {
            return null; // already the page after the change
        }
        return resident(k);
    }

    private void forget(XLogRecordView r, int i) {
        spilled.remove(key(r, i));
        Map<Integer, byte[]> p = pages.remove(key(r, i));
        if (p != null) {
            for (byte[] t : p.values()) {
                bytes -= t.length + TUPLE_OVERHEAD;
            }
        }
    }

    private void track(PageKey k, Map<Integer, byte[]> tuples) {
        spilled.remove(k); // a newer version than the spilled one, if any
        Map<Integer, byte[]> old = pages.put(k, tuples);
        if (old != null) {
            for (byte[] t : old.values()) {
                bytes -= t.length + TUPLE_OVERHEAD;
            }
        }
        for (byte[] t : tuples.values()) {
            bytes += t.length + TUPLE_OVERHEAD;
        }
        while (bytes > budget && pages.size() > 1) {
            Iterator<Map.Entry<PageKey, Map<Integer, byte[]>>> it = pages.entrySet().iterator();
            Map.Entry<PageKey, Map<Integer, byte[]>> lru = it.next();
            if (lru.getKey().equals(k)) {
                break; // never the page being worked on
            }
            write(lru.getKey(), lru.getValue());
            for (byte[] t : lru.getValue().values()) {
                bytes -= t.length + TUPLE_OVERHEAD;
            }
            it.remove();
            evicted++;
        }
    }

    private void put(Map<Integer, byte[]> p, int offnum, byte[] tuple) {
        byte[] old = p.put(offnum, tuple);
        bytes += tuple.length + TUPLE_OVERHEAD - (old == null ? 0 : old.length + TUPLE_OVERHEAD);
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
        ByteBuffer o = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        o.putShort(18, (short) t.infomask2());
        o.putShort(20, (short) t.infomask());
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

    /** Tuples of a page image, by offset number: LP_NORMAL items with storage. */
    static Map<Integer, byte[]> tuplesOf(ByteBuffer p) {
        Map<Integer, byte[]> out = new HashMap<>();
        int lower = p.getShort(12) & 0xFFFF;
        int n = (lower - 24) / 4;
        for (int off = 1; off <= n; off++) {
            int w = p.getInt(24 + 4 * (off - 1));
            int lpOff = w & 0x7FFF;
            int flags = (w >>> 15) & 3;
            int len = w >>> 17;
            if (flags == 1 && len >= HeapLayout.SIZEOF_HEAP_TUPLE_HEADER && lpOff + len <= 8192) {
                byte[] t = new byte[len];
                p.get(lpOff, t);
                out.put(off, t);
            }
        }
        return out;
    }

    private static PageKey key(XLogRecordView r, int i) {
        return new PageKey(r.tablespace(i), r.database(i), r.relNumber(i), r.blockNumber(i));
    }
}
