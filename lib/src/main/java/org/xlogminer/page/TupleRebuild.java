package org.xlogminer.page;

import static org.xlogminer.tuple.HeapTupleHeaderLayout.SIZE;
import static org.xlogminer.tuple.HeapTupleHeaderLayout.T_HOFF;
import static org.xlogminer.tuple.HeapTupleHeaderLayout.T_INFOMASK;
import static org.xlogminer.tuple.HeapTupleHeaderLayout.T_INFOMASK2;

import java.nio.ByteBuffer;

import org.xlogminer.decode.TupleRef;
import org.xlogminer.util.LittleEndian;

/**
 * The whole on-page tuple from what a heap record logged of it, as {@code heap_xlog_insert} and
 * {@code heap_xlog_update} in {@code src/backend/access/heap/heapam_xlog.c} rebuild it; and the
 * patch form in which the tracker keeps a new tuple an UPDATE logged as a difference.
 *
 * <p>A record logs a tuple as an {@code xl_heap_header} (t_infomask2, t_infomask, t_hoff) and the
 * tuple's bytes from offset 23 on (null bitmap, padding up to t_hoff, data). An UPDATE on the same
 * page may leave out the first {@code prefix} and last {@code suffix} bytes of the data, which the
 * new tuple shares with the old one (XLH_UPDATE_PREFIX_FROM_OLD / SUFFIX_FROM_OLD). The new tuple
 * is then, in order ({@link #rebuild}, the one place that says so):
 *
 * <table>
 * <caption>a tuple rebuilt by heap_xlog_update</caption>
 * <tr><th>from</th><th>size</th><th>what</th></tr>
 * <tr><td>0</td><td>18</td><td>t_xmin, t_xmax, t_cid, t_ctid: zero (the record does not log them for the tuple)</td></tr>
 * <tr><td>18</td><td>5</td><td>t_infomask2, t_infomask, t_hoff from xl_heap_header</td></tr>
 * <tr><td>23</td><td>t_hoff - 23</td><td>null bitmap and padding, logged</td></tr>
 * <tr><td>t_hoff</td><td>prefix</td><td>the old tuple's first prefix bytes of data</td></tr>
 * <tr><td>t_hoff + prefix</td><td>..</td><td>the logged data</td></tr>
 * <tr><td>end - suffix</td><td>suffix</td><td>the old tuple's last suffix bytes</td></tr>
 * </table>
 *
 * <p>A patch is the tuple as logged (prefix and suffix 0, so without the old bytes) with what it
 * needs to be rebuilt in header bytes a rebuilt tuple leaves zero:
 *
 * <table>
 * <caption>a patch: header bytes 0-6 (otherwise as above)</caption>
 * <tr><th>offset</th><th>size</th><th>field</th></tr>
 * <tr><td>0</td><td>2</td><td>the old tuple's offset number, little-endian</td></tr>
 * <tr><td>2</td><td>2</td><td>prefix length</td></tr>
 * <tr><td>4</td><td>2</td><td>suffix length</td></tr>
 * <tr><td>6</td><td>1</td><td>{@link #PATCH}: the mark that tells a patch from a tuple</td></tr>
 * </table>
 *
 * <p>Static methods; each allocates only the tuple it returns. Thread-safe.
 */
final class TupleRebuild {

    static final int PATCH_OLD_OFFNUM = 0;
    static final int PATCH_PREFIX = 2;
    static final int PATCH_SUFFIX = 4;
    static final int PATCH_MARK = 6;
    static final byte PATCH = 1;

    private TupleRebuild() {
    }

    /**
     * The whole tuple from a logged xl_heap_header + tuple bytes, with the prefix and suffix (0
     * when none) taken from {@code oldTuple} (null when both are 0).
     */
    static byte[] fromRecord(TupleRef t, int prefix, int suffix, byte[] oldTuple) {
        return fromRecord(t.buffer(), t.offset(), t.length(), t.infomask2(), t.infomask(), t.hoff(), prefix, suffix, oldTuple);
    }

    /**
     * {@link #fromRecord(TupleRef, int, int, byte[])} from the fields of the xl_heap_header and
     * the {@code length} tuple bytes at {@code offset} of {@code b}.
     */
    static byte[] fromRecord(ByteBuffer b, int offset, int length, int infomask2, int infomask, int hoff,
                             int prefix, int suffix, byte[] oldTuple) {
        byte[] out = new byte[SIZE + length + prefix + suffix];
        out[T_INFOMASK2] = (byte) infomask2;
        out[T_INFOMASK2 + 1] = (byte) (infomask2 >>> 8);
        out[T_INFOMASK] = (byte) infomask;
        out[T_INFOMASK + 1] = (byte) (infomask >>> 8);
        out[T_HOFF] = (byte) hoff;
        if (prefix == 0) {
            b.get(offset, out, SIZE, length); // bitmap, padding and data at once
        } else {
            int bitmapLen = hoff - SIZE;
            b.get(offset, out, SIZE, bitmapLen);
            b.get(offset + bitmapLen, out, hoff + prefix, length - bitmapLen);
        }
        if (prefix + suffix > 0) {
            rebuild(out, hoff, prefix, suffix, oldTuple);
        }
        return out;
    }

    /** The new tuple of an UPDATE kept as a patch of the old one at {@code oldOffnum}. */
    static byte[] patch(TupleRef t, int prefix, int suffix, int oldOffnum) {
        return asPatch(fromRecord(t, 0, 0, null), prefix, suffix, oldOffnum);
    }

    /** Marks a tuple as logged (prefix and suffix left out) as a patch; returns it. */
    static byte[] asPatch(byte[] b, int prefix, int suffix, int oldOffnum) {
        LittleEndian.SHORT.set(b, PATCH_OLD_OFFNUM, (short) oldOffnum);
        LittleEndian.SHORT.set(b, PATCH_PREFIX, (short) prefix);
        LittleEndian.SHORT.set(b, PATCH_SUFFIX, (short) suffix);
        b[PATCH_MARK] = PATCH;
        return b;
    }

    static boolean isPatch(byte[] t) {
        return t[PATCH_MARK] == PATCH;
    }

    static int patchOldOffnum(byte[] patch) {
        return (short) LittleEndian.SHORT.get(patch, PATCH_OLD_OFFNUM) & 0xFFFF;
    }

    /** The whole new tuple of a patch, given the old tuple; null when the old one is not known. */
    static byte[] unpatch(byte[] patch, byte[] old) {
        if (old == null) {
            return null;
        }
        int prefix = (short) LittleEndian.SHORT.get(patch, PATCH_PREFIX) & 0xFFFF;
        int suffix = (short) LittleEndian.SHORT.get(patch, PATCH_SUFFIX) & 0xFFFF;
        int hoff = patch[T_HOFF] & 0xFF;
        if (prefix + suffix > old.length - (old[T_HOFF] & 0xFF) || hoff > patch.length) {
            return null; // not the old tuple the patch was made against
        }
        byte[] out = new byte[patch.length + prefix + suffix];
        // t_infomask2, t_infomask, t_hoff, bitmap and padding; then the logged data after the prefix
        System.arraycopy(patch, T_INFOMASK2, out, T_INFOMASK2, hoff - T_INFOMASK2);
        System.arraycopy(patch, hoff, out, hoff + prefix, patch.length - hoff);
        rebuild(out, hoff, prefix, suffix, old);
        return out;
    }

    /**
     * Puts the bytes the new tuple shares with the old one around its logged data, which is
     * already at {@code hoff + prefix} of {@code out}: the old data's first {@code prefix} bytes
     * at t_hoff, its last {@code suffix} bytes at the end.
     */
    private static void rebuild(byte[] out, int hoff, int prefix, int suffix, byte[] old) {
        System.arraycopy(old, old[T_HOFF] & 0xFF, out, hoff, prefix);
        System.arraycopy(old, old.length - suffix, out, out.length - suffix, suffix);
    }
}
