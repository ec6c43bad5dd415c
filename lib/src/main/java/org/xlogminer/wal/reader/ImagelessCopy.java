package org.xlogminer.wal.reader;

import static org.xlogminer.wal.reader.XLogRecordLayout.*;

import org.xlogminer.util.LittleEndian;

/**
 * Writes a record back without its full-page images, for {@link XLogRecordView#copyWithoutImages()}:
 * the header as it was, the block headers without their image headers (written by
 * {@link BlockReferences}), the origin, top-level xid and main-data fragments, then the block data
 * and main data, in the order of {@link XLogRecordLayout}. A record without images is copied as it
 * is.
 *
 * <p>Stateless, so as thread-safe as the view it is given (which is not); allocates nothing.
 */
final class ImagelessCopy {

    private ImagelessCopy() {
    }

    /** The length of the copy of the record {@code v} views, whose block references are {@code blocks}. */
    static int size(XLogRecordView v, BlockReferences blocks) {
        if (!blocks.anyImage()) {
            return v.totalLength();
        }
        int main = v.mainDataLength();
        int size = SIZE + blocks.sizeWithoutImages();
        size += v.hasOrigin() ? 3 : 0;
        size += hasToplevelXid(v) ? 5 : 0;
        size += main == 0 ? 0 : (main < 256 ? 2 : 5) + main;
        return size;
    }

    /** Writes the copy into {@code out} from {@code at} on; {@link #size} bytes must fit there. */
    static void write(XLogRecordView v, BlockReferences blocks, byte[] out, int at) {
        if (!blocks.anyImage()) {
            v.buffer().get(v.offset(), out, at, v.totalLength());
            return;
        }
        v.buffer().get(v.offset(), out, at, SIZE);
        int p = blocks.writeHeadersWithoutImages(out, at + SIZE);
        if (v.hasOrigin()) {
            out[p] = (byte) XLR_BLOCK_ID_ORIGIN;
            LittleEndian.SHORT.set(out, p + 1, (short) v.origin());
            p += 3;
        }
        if (hasToplevelXid(v)) {
            out[p] = (byte) XLR_BLOCK_ID_TOPLEVEL_XID;
            LittleEndian.INT.set(out, p + 1, v.toplevelXid());
            p += 5;
        }
        int main = v.mainDataLength();
        if (main > 0) {
            if (main < 256) {
                out[p] = (byte) XLR_BLOCK_ID_DATA_SHORT;
                out[p + 1] = (byte) main;
                p += 2;
            } else {
                out[p] = (byte) XLR_BLOCK_ID_DATA_LONG;
                LittleEndian.INT.set(out, p + 1, main);
                p += 5;
            }
        }
        p = blocks.writeData(v.buffer(), out, p);
        if (main > 0) {
            v.buffer().get(v.mainDataOffset(), out, p, main);
            p += main;
        }
        LittleEndian.INT.set(out, at + TOT_LEN, p - at); // the copy's own length, as size() counts it
    }

    private static boolean hasToplevelXid(XLogRecordView v) {
        return v.toplevelXid() != 0 && v.version().hasToplevelXidFragment();
    }
}
