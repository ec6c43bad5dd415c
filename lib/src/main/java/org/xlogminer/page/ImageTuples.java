package org.xlogminer.page;

import static org.xlogminer.page.PageLayout.BLCKSZ;
import static org.xlogminer.page.PageLayout.PD_LOWER;
import static org.xlogminer.page.PageLayout.SIZE_OF_PAGE_HEADER_DATA;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.ObjIntConsumer;

import org.xlogminer.tuple.HeapTupleHeaderLayout;
import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.reader.BlockImages;
import org.xlogminer.wal.reader.ImageCompression;
import org.xlogminer.wal.reader.RecordFetcher;
import org.xlogminer.wal.reader.SegmentSource;
import org.xlogminer.wal.reader.XLogRecordView;

/**
 * Reads a tuple out of a tracked page's full-page image, wherever the image is now: in the record
 * being processed, in a copy of one of the last few images, or in the WAL, read again with a
 * {@link RecordFetcher} (of an uncompressed image only its line pointer and the tuple; a
 * compressed one is restored whole). Honours the image's hole, and knows a tuple only when its
 * line pointer is LP_NORMAL and the tuple lies wholly on one side of the hole; never guesses.
 * Page bytes are read through {@link PageLayout} and {@link ItemId}.
 *
 * <p>Not thread-safe: holds a page buffer, the copies of recent images and the fetcher.
 */
final class ImageTuples {

    /**
     * Copies of the last few uncompressed images of tracked pages, as logged: the record after an
     * image often needs a tuple of it (heap_update logs a LOCK with the old page's image, then the
     * UPDATE), and a copy here spares reading it again from the WAL.
     */
    private static final int RECENT = 64;

    private final SegmentSource source;
    private RecordFetcher fetcher;
    private final BlockImages images = new BlockImages();
    private final byte[] page = new byte[BLCKSZ];
    private final ByteBuffer pageBuffer = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer[] recent = new ByteBuffer[RECENT];
    private final TrackedPage[] recentPage = new TrackedPage[RECENT];
    private int recentNext;
    /**
     * The last tuple read from an image, while the same record is processed: an UPDATE that logged
     * only what differs asks for its old tuple twice (for the old row, and to rebuild the new one).
     * An image in the record itself changes only the old tuple's header, not its data.
     */
    private long memoLsn;
    private TrackedPage memoPage;
    private int memoOffnum;
    private byte[] memoTuple;
    /** The last record whose bytes the source was told to keep whole. */
    private long keptLsn = -1;
    /** Bytes of kept line-pointer arrays, and the most they may take (then images are read for them). */
    private long linePointerBytes;
    private final long linePointerBudget;

    /**
     * @param source the WAL being read, to read images again (null: a page is known only from the
     *               record carrying its image onwards, when the record's own image is used)
     */
    ImageTuples(SegmentSource source, long linePointerBudget) {
        this.source = source;
        this.linePointerBudget = linePointerBudget;
    }

    /** Called with every record: the first one tells the WAL version to read images again with. */
    void start(XLogRecordView r) {
        if (fetcher == null && source != null) {
            fetcher = new RecordFetcher(source, r.version());
        }
    }

    /** Whether images of earlier records can be read again. */
    boolean canReread() {
        return fetcher != null;
    }

    /** How many times bytes of an image were read again from the WAL. */
    long reads() {
        return fetcher == null ? 0 : fetcher.fetches();
    }

    /** The page starts from the image of block i of the record. */
    void imageOf(TrackedPage p, XLogRecordView r, int i) {
        p.imageLsn = r.lsn();
        p.imageBlock = i;
        p.imageAt = r.imageCompression(i) == ImageCompression.NONE ? r.imageOffset(i) - r.offset() : -1;
        p.holeOffset = (short) r.holeOffset(i);
        p.holeLength = (short) r.holeLength(i);
        p.recentSlot = -1; // a copy kept of an earlier image is not this one's (a compressed one keeps none)
        if (p.imageAt >= 0) {
            keepRecent(p, r, i);
            keepLinePointers(p, r, i);
        }
        keepReadable(p, r, i);
    }

    /**
     * Tells the source which bytes of the WAL the page's image may be read from again: of an
     * uncompressed image its tuples (from where the hole ends, or from pd_upper), and its line
     * pointers unless kept here; of a compressed one, which is read whole, its record (once).
     */
    private void keepReadable(TrackedPage p, XLogRecordView r, int i) {
        if (fetcher == null) {
            return;
        }
        if (p.imageAt < 0) {
            if (keptLsn != r.lsn()) {
                source.keep(r.lsn(), r.endLsn());
                keptLsn = r.lsn();
            }
            return;
        }
        int from = PD_LOWER;
        if (p.linePointers != null) {
            int holeLen = r.holeLength(i);
            from = holeLen > 0 ? r.holeOffset(i)
                : Math.min(Math.max(PageLayout.pdUpper(r.buffer(), r.imageOffset(i)), PD_LOWER), r.imageLength(i));
        }
        source.keep(fetcher.position(r.lsn(), p.imageAt + from),
            fetcher.position(r.lsn(), p.imageAt + r.imageLength(i) - 1) + 1);
    }

    /** The page starts empty (the record initialises it): it has no image. */
    void initialised(TrackedPage p) {
        p.imageLsn = 0;
        p.recentSlot = -1;
    }

    /** Forgets what is kept of the page's image besides where it is. */
    void drop(TrackedPage p) {
        if (p.linePointers != null) {
            linePointerBytes -= p.linePointers.length + 16;
            p.linePointers = null;
        }
    }

    /** {@link #tuple}, read once per record, page and offset number. */
    byte[] tupleOnce(XLogRecordView r, TrackedPage p, int offnum) {
        if (memoLsn == r.lsn() && memoPage == p && memoOffnum == offnum) {
            return memoTuple;
        }
        byte[] t = tuple(r, p, offnum);
        memoLsn = r.lsn();
        memoPage = p;
        memoOffnum = offnum;
        memoTuple = t;
        return t;
    }

    /** The tuple at offnum of the page's image, or null; r is the record being processed, or null. */
    byte[] tuple(XLogRecordView r, TrackedPage p, int offnum) {
        if (p.imageLsn == 0) {
            return null;
        }
        if (r != null && p.imageLsn == r.lsn()) {
            return tuple(r, p.imageBlock, offnum);
        }
        if (p.recentSlot >= 0) {
            return uncompressed(recent[p.recentSlot], 0, p.holeOffset & 0xFFFF, p.holeLength & 0xFFFF, offnum);
        }
        if (fetcher == null) {
            return null;
        }
        return p.imageAt < 0 ? tuple(fetcher.fetch(p.imageLsn), p.imageBlock, offnum) : stored(p, offnum);
    }

    /**
     * Hands the consumer every tuple of the page's image whose offset number the overlay has no
     * entry for, with that offset number (restoring the image from the WAL); nothing when the image
     * cannot be read again.
     */
    void forEachNotIn(TrackedPage p, Overlay o, ObjIntConsumer<byte[]> consumer) {
        if (p.imageLsn == 0 || fetcher == null) {
            return;
        }
        images.restore(fetcher.fetch(p.imageLsn), p.imageBlock, page);
        int lps = PageLayout.maxOffsetNumber(PageLayout.pdLower(pageBuffer, 0));
        for (int off = 1; off <= lps; off++) {
            if (o == null || o.get(off) == null) {
                byte[] t = restored(off);
                if (t != null) {
                    consumer.accept(t, off);
                }
            }
        }
    }

    private void keepLinePointers(TrackedPage p, XLogRecordView r, int i) {
        int img = r.imageOffset(i);
        int lower = PageLayout.pdLower(r.buffer(), img);
        int n = lower - SIZE_OF_PAGE_HEADER_DATA;
        if (n <= 0 || lower > BLCKSZ || r.holeLength(i) > 0 && lower > r.holeOffset(i)
            || linePointerBytes + n + 16 > linePointerBudget) {
            return;
        }
        byte[] lp = new byte[n];
        r.buffer().get(img + SIZE_OF_PAGE_HEADER_DATA, lp);
        p.linePointers = lp;
        linePointerBytes += n + 16;
    }

    private void keepRecent(TrackedPage p, XLogRecordView r, int i) {
        int slot = recentNext;
        recentNext = (slot + 1) % RECENT;
        TrackedPage was = recentPage[slot];
        if (was != null && was.recentSlot == slot) {
            was.recentSlot = -1;
        }
        if (recent[slot] == null) {
            recent[slot] = ByteBuffer.allocate(BLCKSZ).order(ByteOrder.LITTLE_ENDIAN);
        }
        r.buffer().get(r.imageOffset(i), recent[slot].array(), 0, r.imageLength(i));
        recentPage[slot] = p;
        p.recentSlot = slot;
    }

    /** The tuple at offnum of the image of block i of the record, or null. */
    private byte[] tuple(XLogRecordView r, int i, int offnum) {
        if (r.imageCompression(i) != ImageCompression.NONE) {
            images.restore(r, i, page);
            return restored(offnum);
        }
        return uncompressed(r.buffer(), r.imageOffset(i), r.holeOffset(i), r.holeLength(i), offnum);
    }

    /**
     * The LP_NORMAL tuple at offnum of an uncompressed image (page bytes without the hole) at
     * {@code b[img..]}, or null. A tuple across the hole (not a valid page) is not known either.
     */
    private static byte[] uncompressed(ByteBuffer b, int img, int holeOff, int holeLen, int offnum) {
        int lpEnd = PageLayout.itemIdEnd(offnum);
        if (lpEnd > (holeLen == 0 ? BLCKSZ : holeOff) || lpEnd > PageLayout.pdLower(b, img)) {
            return null; // past pd_lower: no such line pointer
        }
        int itemId = b.getInt(img + PageLayout.itemIdOffset(offnum));
        int at = tupleAt(itemId, holeOff, holeLen);
        if (at < 0) {
            return null;
        }
        byte[] t = new byte[ItemId.lpLen(itemId)];
        b.get(img + at, t);
        return t;
    }

    /**
     * Where the tuple of the line pointer starts in an image without its hole, or -1 when it is
     * not a normal tuple with storage, or lies across the hole (which no valid page has: such a
     * tuple is not known rather than guessed).
     */
    private static int tupleAt(int itemId, int holeOff, int holeLen) {
        int lpOff = ItemId.lpOff(itemId);
        int len = ItemId.lpLen(itemId);
        if (ItemId.lpFlags(itemId) != ItemId.LP_NORMAL || len < HeapTupleHeaderLayout.SIZE || lpOff + len > BLCKSZ) {
            return -1;
        }
        if (holeLen == 0 || lpOff + len <= holeOff) {
            return lpOff;
        }
        return lpOff >= holeOff + holeLen ? lpOff - holeLen : -1;
    }

    /**
     * The tuple at offnum of an uncompressed image in the WAL, read without the rest of its record:
     * the line pointers up to offnum (unless kept), then the tuple.
     */
    private byte[] stored(TrackedPage p, int offnum) {
        int holeOff = p.holeOffset & 0xFFFF;
        int holeLen = p.holeLength & 0xFFFF;
        int lpEnd = PageLayout.itemIdEnd(offnum);
        if (holeLen > 0 && lpEnd > holeOff || lpEnd > BLCKSZ) {
            return null; // past pd_lower (where the hole starts): no such line pointer
        }
        int itemId;
        if (p.linePointers != null) {
            if (lpEnd - SIZE_OF_PAGE_HEADER_DATA > p.linePointers.length) {
                return null; // past pd_lower
            }
            itemId = ItemId.read(p.linePointers, PageLayout.itemIdOffset(offnum) - SIZE_OF_PAGE_HEADER_DATA);
        } else {
            fetcher.read(p.imageLsn, p.imageAt + PD_LOWER, page, PD_LOWER, lpEnd - PD_LOWER);
            if (lpEnd > PageLayout.pdLower(pageBuffer, 0)) {
                return null;
            }
            itemId = pageBuffer.getInt(PageLayout.itemIdOffset(offnum));
        }
        int at = tupleAt(itemId, holeOff, holeLen);
        if (at < 0) {
            return null;
        }
        int len = ItemId.lpLen(itemId);
        byte[] t = new byte[len];
        fetcher.read(p.imageLsn, p.imageAt + at, t, 0, len);
        int hoff = t[HeapTupleHeaderLayout.T_HOFF] & 0xFF;
        if (hoff < HeapTupleHeaderLayout.SIZE || hoff > len) {
            throw new WalFormatException("the full-page image read earlier changed (a tuple header"
                + " reads t_hoff=" + hoff + "): was the segment recycled or overwritten while mining?", null, p.imageLsn);
        }
        return t;
    }

    /** The LP_NORMAL item at offnum of the page restored into {@link #page}, or null. */
    private byte[] restored(int offnum) {
        if (offnum < 1 || offnum > PageLayout.maxOffsetNumber(PageLayout.pdLower(pageBuffer, 0))) {
            return null;
        }
        int itemId = pageBuffer.getInt(PageLayout.itemIdOffset(offnum));
        int at = tupleAt(itemId, 0, 0);
        if (at < 0) {
            return null;
        }
        byte[] t = new byte[ItemId.lpLen(itemId)];
        pageBuffer.get(at, t);
        return t;
    }
}
