package org.xlogminer.wal.reader;

import static org.xlogminer.wal.reader.FragmentCursor.Fragment.BLOCK_HEADER;
import static org.xlogminer.wal.reader.FragmentCursor.Fragment.BLOCK_NUMBER;
import static org.xlogminer.wal.reader.FragmentCursor.Fragment.HOLE_LENGTH;
import static org.xlogminer.wal.reader.FragmentCursor.Fragment.IMAGE_HEADER;
import static org.xlogminer.wal.reader.FragmentCursor.Fragment.RELATION;
import static org.xlogminer.wal.reader.FragmentCursor.tooShortFor;
import static org.xlogminer.wal.reader.XLogRecordLayout.*;

import java.nio.ByteBuffer;

import org.xlogminer.util.LittleEndian;

/**
 * The block references of one record, in block-id order: reads each block header
 * ({@code XLogRecordBlockHeader}, its {@code XLogRecordBlockImageHeader} and compressed-hole
 * length, the {@code RelFileLocator} unless {@code BKPBLOCK_SAME_REL}, the block number; see
 * {@link XLogRecordLayout}) with the checks of {@code DecodeXLogRecord()} in {@code xlogreader.c},
 * places the block images and data among the payloads, and writes the headers back without their
 * images for {@link XLogRecordView#copyWithoutImages()}. Index {@code i} is a position
 * {@code 0 <= i < count}, not a block id (ids may have gaps).
 *
 * <p>Owned by one {@link XLogRecordView}, whose accessors read these arrays; reused for every
 * record, allocates nothing. Not thread-safe.
 */
final class BlockReferences {

    private static final int MAX_BLOCKS = XLR_MAX_BLOCK_ID + 1;
    private static final int BLCKSZ = XLogPageHeaderLayout.XLOG_BLCKSZ;

    int count;
    final int[] blockId = new int[MAX_BLOCKS];
    final int[] forkFlags = new int[MAX_BLOCKS];
    final int[] dataLength = new int[MAX_BLOCKS];
    final int[] dataOffset = new int[MAX_BLOCKS];
    final int[] imageLength = new int[MAX_BLOCKS];
    final int[] imageOffset = new int[MAX_BLOCKS];
    final int[] holeOffset = new int[MAX_BLOCKS];
    final int[] holeLength = new int[MAX_BLOCKS];
    final int[] bimgInfo = new int[MAX_BLOCKS];
    final int[] tablespace = new int[MAX_BLOCKS];
    final int[] database = new int[MAX_BLOCKS];
    final int[] relNumber = new int[MAX_BLOCKS];
    final int[] blockNumber = new int[MAX_BLOCKS];

    // State of the headers read so far in this record.
    private int maxBlockId;
    private boolean haveRel;
    private int spc;
    private int db;
    private int rel;
    private int payloadLength;

    /** Forgets the previous record's blocks. */
    void clear() {
        count = 0;
        maxBlockId = -1;
        haveRel = false;
        spc = 0;
        db = 0;
        rel = 0;
        payloadLength = 0;
    }

    /** Bytes of images and block data the headers read so far announce. */
    int payloadLength() {
        return payloadLength;
    }

    /**
     * Reads the header of block {@code id}, whose id byte the cursor has just read.
     *
     * @param newImageBits whether bimg_info has the compression-method bits of 15 and later
     * @return null, or what is wrong with the header
     */
    String decodeHeader(FragmentCursor c, int id, boolean newImageBits) {
        if (id <= maxBlockId) {
            return "out-of-order block_id " + id;
        }
        maxBlockId = id;
        int ff = c.u8();
        int dlen = c.u16();
        if (c.overran()) {
            return tooShortFor(BLOCK_HEADER, id);
        }
        int i = count++;
        blockId[i] = id;
        forkFlags[i] = ff;
        dataLength[i] = dlen;
        boolean hasData = (ff & BKPBLOCK_HAS_DATA) != 0;
        if (hasData && dlen == 0) {
            return "BKPBLOCK_HAS_DATA set, but no data included in block " + id;
        }
        if (!hasData && dlen != 0) {
            return "BKPBLOCK_HAS_DATA not set, but data length is " + dlen + " in block " + id;
        }
        payloadLength += dlen;
        imageLength[i] = 0;
        holeOffset[i] = 0;
        holeLength[i] = 0;
        bimgInfo[i] = 0;
        if ((ff & BKPBLOCK_HAS_IMAGE) != 0) {
            String problem = decodeImageHeader(c, i, id, newImageBits);
            if (problem != null) {
                return problem;
            }
        }
        if ((ff & BKPBLOCK_SAME_REL) == 0) {
            spc = c.u32();
            db = c.u32();
            rel = c.u32();
            if (c.overran()) {
                return tooShortFor(RELATION, id);
            }
            haveRel = true;
        } else if (!haveRel) {
            return "BKPBLOCK_SAME_REL set but no previous rel in block " + id;
        }
        tablespace[i] = spc;
        database[i] = db;
        relNumber[i] = rel;
        blockNumber[i] = c.u32();
        return c.overran() ? tooShortFor(BLOCK_NUMBER, id) : null;
    }

    /** The image header of block {@code id} at index {@code i}: bimg_len, hole_offset, bimg_info, hole_length. */
    private String decodeImageHeader(FragmentCursor c, int i, int id, boolean newImageBits) {
        int ilen = c.u16();
        int hoff = c.u16();
        int binfo = c.u8();
        if (c.overran()) {
            return tooShortFor(IMAGE_HEADER, id);
        }
        boolean compressed = newImageBits
            ? (binfo & (BKPIMAGE_COMPRESS_PGLZ | BKPIMAGE_COMPRESS_LZ4 | BKPIMAGE_COMPRESS_ZSTD)) != 0
            : (binfo & BKPIMAGE_IS_COMPRESSED_V13) != 0;
        boolean hasHole = (binfo & BKPIMAGE_HAS_HOLE) != 0;
        int hlen = 0;
        if (!compressed) {
            hlen = BLCKSZ - ilen;
        } else if (hasHole) {
            hlen = c.u16();
            if (c.overran()) {
                return tooShortFor(HOLE_LENGTH, id);
            }
        }
        String problem = imageHeaderProblem(id, ilen, hoff, hlen, hasHole, compressed);
        if (problem != null) {
            return problem;
        }
        imageLength[i] = ilen;
        holeOffset[i] = hoff;
        holeLength[i] = hlen;
        bimgInfo[i] = binfo;
        payloadLength += ilen;
        return null;
    }

    /** The consistency checks of an image header, in {@code DecodeXLogRecord()}'s order. */
    private static String imageHeaderProblem(int id, int ilen, int hoff, int hlen, boolean hasHole, boolean compressed) {
        if (ilen > BLCKSZ) {
            return "block image length " + ilen + " exceeds the page size in block " + id;
        }
        if (hasHole && (hoff == 0 || hlen == 0 || ilen == BLCKSZ)) {
            return "BKPIMAGE_HAS_HOLE set, but hole offset " + hoff + " length " + hlen
                + " block image length " + ilen + " in block " + id;
        }
        if (!hasHole && (hoff != 0 || hlen != 0)) {
            return "BKPIMAGE_HAS_HOLE not set, but hole offset " + hoff + " length " + hlen + " in block " + id;
        }
        if (compressed && ilen == BLCKSZ) {
            return "compressed image, but block image length " + ilen + " in block " + id;
        }
        if (!hasHole && !compressed && ilen != BLCKSZ) {
            return "neither hole nor compression, but block image length " + ilen + " in block " + id;
        }
        if (hoff + hlen > BLCKSZ) {
            return "image hole past the end of the page in block " + id;
        }
        return null;
    }

    /**
     * Places each block's image, then its data, from {@code p} on (absent ones at -1), as the
     * payloads follow the fragment headers; returns where the main data starts.
     */
    int placePayloads(int p) {
        for (int i = 0; i < count; i++) {
            if (imageLength[i] != 0) {
                imageOffset[i] = p;
                p += imageLength[i];
            } else {
                imageOffset[i] = -1;
            }
            if (dataLength[i] != 0) {
                dataOffset[i] = p;
                p += dataLength[i];
            } else {
                dataOffset[i] = -1;
            }
        }
        return p;
    }

    boolean anyImage() {
        for (int i = 0; i < count; i++) {
            if ((forkFlags[i] & BKPBLOCK_HAS_IMAGE) != 0) {
                return true;
            }
        }
        return false;
    }

    /** Sum of the stored image lengths. */
    int imageBytes() {
        int sum = 0;
        for (int i = 0; i < count; i++) {
            sum += imageLength[i];
        }
        return sum;
    }

    /** Bytes the block headers and block data take without the images. */
    int sizeWithoutImages() {
        int size = 0;
        for (int i = 0; i < count; i++) {
            size += 4 + ((forkFlags[i] & BKPBLOCK_SAME_REL) == 0 ? 12 : 0) + 4 + dataLength[i];
        }
        return size;
    }

    /**
     * Writes the block headers without their image headers and {@code BKPBLOCK_HAS_IMAGE} into
     * {@code out} from {@code p} on; returns the position after them.
     */
    int writeHeadersWithoutImages(byte[] out, int p) {
        for (int i = 0; i < count; i++) {
            int ff = forkFlags[i] & ~BKPBLOCK_HAS_IMAGE;
            out[p] = (byte) blockId[i];
            out[p + 1] = (byte) ff;
            LittleEndian.SHORT.set(out, p + 2, (short) dataLength[i]);
            p += 4;
            if ((ff & BKPBLOCK_SAME_REL) == 0) {
                LittleEndian.INT.set(out, p, tablespace[i]);
                LittleEndian.INT.set(out, p + 4, database[i]);
                LittleEndian.INT.set(out, p + 8, relNumber[i]);
                p += 12;
            }
            LittleEndian.INT.set(out, p, blockNumber[i]);
            p += 4;
        }
        return p;
    }

    /** Copies each block's data from {@code src} into {@code out} from {@code p} on; returns the position after. */
    int writeData(ByteBuffer src, byte[] out, int p) {
        for (int i = 0; i < count; i++) {
            if (dataLength[i] > 0) {
                src.get(dataOffset[i], out, p, dataLength[i]);
                p += dataLength[i];
            }
        }
        return p;
    }
}
