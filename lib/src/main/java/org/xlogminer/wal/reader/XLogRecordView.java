package org.xlogminer.wal.reader;

import static org.xlogminer.wal.reader.XLogRecordLayout.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.xlogminer.util.LittleEndian;
import org.xlogminer.wal.WalVersion;

/**
 * A flyweight view of one assembled WAL record: its header, block references, replication origin,
 * top-level xid and main data, decoded as {@code DecodeXLogRecord()} in
 * {@code src/backend/access/transam/xlogreader.c} does. See {@link XLogRecordLayout} for the bytes.
 *
 * <p>The view is reused by {@link WalReader} for every record: it is valid only until the next call
 * to {@link WalReader#next()}. Offsets returned by the accessors are absolute positions in
 * {@link #buffer()}. Block references are kept in block-id order; {@code i} below is an index
 * {@code 0 <= i < blockCount()}, not a block id (block ids may have gaps).
 *
 * <p>Not thread-safe. Decoding allocates nothing.
 */
public final class XLogRecordView {

    private static final int MAX_BLOCKS = XLR_MAX_BLOCK_ID + 1;

    private ByteBuffer buffer;
    private int offset;
    private long lsn;
    private long endLsn;
    private WalVersion version;

    private int totalLength;
    private int xid;
    private long prev;
    private int info;
    private int rmid;

    private int blockCount;
    private final int[] blockId = new int[MAX_BLOCKS];
    private final int[] forkFlags = new int[MAX_BLOCKS];
    private final int[] dataLength = new int[MAX_BLOCKS];
    private final int[] dataOffset = new int[MAX_BLOCKS];
    private final int[] imageLength = new int[MAX_BLOCKS];
    private final int[] imageOffset = new int[MAX_BLOCKS];
    private final int[] holeOffset = new int[MAX_BLOCKS];
    private final int[] holeLength = new int[MAX_BLOCKS];
    private final int[] bimgInfo = new int[MAX_BLOCKS];
    private final int[] tablespace = new int[MAX_BLOCKS];
    private final int[] database = new int[MAX_BLOCKS];
    private final int[] relNumber = new int[MAX_BLOCKS];
    private final int[] blockNumber = new int[MAX_BLOCKS];

    private int origin;
    private boolean hasOrigin;
    private int toplevelXid;
    private int mainDataOffset;
    private int mainDataLength;

    /**
     * Points the view at a copy of a whole record (as {@link #copyBytes()} made it), e.g. one kept
     * until its transaction commits.
     *
     * @throws org.xlogminer.wal.WalFormatException when the bytes are not a well-formed record
     */
    public XLogRecordView wrapCopy(byte[] record, long recLsn, long recEndLsn, WalVersion walVersion) {
        return wrapCopy(record, 0, recLsn, recEndLsn, walVersion);
    }

    /** As {@link #wrapCopy(byte[], long, long, WalVersion)}, for a copy that starts at {@code off}. */
    public XLogRecordView wrapCopy(byte[] bytes, int off, long recLsn, long recEndLsn, WalVersion walVersion) {
        ByteBuffer b = buffer != null && buffer.hasArray() && buffer.array() == bytes ? buffer : littleEndian(bytes);
        String problem = wrap(b, off, recLsn, recEndLsn, walVersion);
        if (problem != null) {
            throw new org.xlogminer.wal.WalFormatException(problem, null, recLsn);
        }
        return this;
    }

    /**
     * Points the view at a record and decodes its fragment headers.
     *
     * @return null when the record is well-formed, else what is wrong with it
     */
    String wrap(ByteBuffer buf, int off, long recLsn, long recEndLsn, WalVersion walVersion) {
        this.buffer = buf;
        this.offset = off;
        this.lsn = recLsn;
        this.endLsn = recEndLsn;
        this.version = walVersion;
        this.totalLength = buf.getInt(off + TOT_LEN);
        this.xid = buf.getInt(off + XID);
        this.prev = buf.getLong(off + PREV);
        this.info = buf.get(off + INFO) & 0xFF;
        this.rmid = buf.get(off + RMID) & 0xFF;
        return decodeFragments();
    }

    private String decodeFragments() {
        final ByteBuffer b = buffer;
        final int end = offset + totalLength;
        int p = offset + SIZE;
        long datatotal = 0;
        int maxBlockId = -1;
        boolean haveRel = false;
        int spc = 0, db = 0, rel = 0;
        blockCount = 0;
        hasOrigin = false;
        origin = 0;
        toplevelXid = 0;
        mainDataLength = 0;
        final boolean newBits = version.hasCompressionMethodBits();

        while (end - p > datatotal) {
            int id = b.get(p++) & 0xFF;
            if (id == XLR_BLOCK_ID_DATA_SHORT) {
                if (end - p < 1) {
                    return "record too short for its main-data length";
                }
                mainDataLength = b.get(p++) & 0xFF;
                datatotal += mainDataLength;
                break;
            } else if (id == XLR_BLOCK_ID_DATA_LONG) {
                if (end - p < 4) {
                    return "record too short for its main-data length";
                }
                long len = Integer.toUnsignedLong(b.getInt(p));
                p += 4;
                if (len > totalLength) {
                    return "main-data length " + len + " exceeds the record length";
                }
                mainDataLength = (int) len;
                datatotal += len;
                break;
            } else if (id == XLR_BLOCK_ID_ORIGIN) {
                if (end - p < 2) {
                    return "record too short for its replication origin";
                }
                origin = b.getShort(p) & 0xFFFF;
                hasOrigin = true;
                p += 2;
            } else if (id == XLR_BLOCK_ID_TOPLEVEL_XID && version.hasToplevelXidFragment()) {
                if (end - p < 4) {
                    return "record too short for its top-level xid";
                }
                toplevelXid = b.getInt(p);
                p += 4;
            } else if (id <= XLR_MAX_BLOCK_ID) {
                if (id <= maxBlockId) {
                    return "out-of-order block_id " + id;
                }
                maxBlockId = id;
                if (end - p < 3) {
                    return "record too short for block header " + id;
                }
                int i = blockCount++;
                int ff = b.get(p) & 0xFF;
                int dlen = b.getShort(p + 1) & 0xFFFF;
                p += 3;
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
                datatotal += dlen;
                imageLength[i] = 0;
                holeOffset[i] = 0;
                holeLength[i] = 0;
                bimgInfo[i] = 0;
                if ((ff & BKPBLOCK_HAS_IMAGE) != 0) {
                    if (end - p < 5) {
                        return "record too short for the image header of block " + id;
                    }
                    int ilen = b.getShort(p) & 0xFFFF;
                    int hoff = b.getShort(p + 2) & 0xFFFF;
                    int binfo = b.get(p + 4) & 0xFF;
                    p += 5;
                    boolean compressed = newBits
                        ? (binfo & (BKPIMAGE_COMPRESS_PGLZ | BKPIMAGE_COMPRESS_LZ4 | BKPIMAGE_COMPRESS_ZSTD)) != 0
                        : (binfo & BKPIMAGE_IS_COMPRESSED_V13) != 0;
                    boolean hasHole = (binfo & BKPIMAGE_HAS_HOLE) != 0;
                    int hlen;
                    if (compressed) {
                        if (hasHole) {
                            if (end - p < 2) {
                                return "record too short for the hole length of block " + id;
                            }
                            hlen = b.getShort(p) & 0xFFFF;
                            p += 2;
                        } else {
                            hlen = 0;
                        }
                    } else {
                        hlen = XLogPageHeaderLayout.XLOG_BLCKSZ - ilen;
                    }
                    final int blcksz = XLogPageHeaderLayout.XLOG_BLCKSZ;
                    if (ilen > blcksz) {
                        return "block image length " + ilen + " exceeds the page size in block " + id;
                    }
                    if (hasHole && (hoff == 0 || hlen == 0 || ilen == blcksz)) {
                        return "BKPIMAGE_HAS_HOLE set, but hole offset " + hoff + " length " + hlen
                            + " block image length " + ilen + " in block " + id;
                    }
                    if (!hasHole && (hoff != 0 || hlen != 0)) {
                        return "BKPIMAGE_HAS_HOLE not set, but hole offset " + hoff + " length " + hlen + " in block " + id;
                    }
                    if (compressed && ilen == blcksz) {
                        return "compressed image, but block image length " + ilen + " in block " + id;
                    }
                    if (!hasHole && !compressed && ilen != blcksz) {
                        return "neither hole nor compression, but block image length " + ilen + " in block " + id;
                    }
                    if (hoff + hlen > blcksz) {
                        return "image hole past the end of the page in block " + id;
                    }
                    imageLength[i] = ilen;
                    holeOffset[i] = hoff;
                    holeLength[i] = hlen;
                    bimgInfo[i] = binfo;
                    datatotal += ilen;
                }
                if ((ff & BKPBLOCK_SAME_REL) == 0) {
                    if (end - p < 12) {
                        return "record too short for the relation of block " + id;
                    }
                    spc = b.getInt(p);
                    db = b.getInt(p + 4);
                    rel = b.getInt(p + 8);
                    p += 12;
                    haveRel = true;
                } else if (!haveRel) {
                    return "BKPBLOCK_SAME_REL set but no previous rel in block " + id;
                }
                tablespace[i] = spc;
                database[i] = db;
                relNumber[i] = rel;
                if (end - p < 4) {
                    return "record too short for the block number of block " + id;
                }
                blockNumber[i] = b.getInt(p);
                p += 4;
            } else {
                return "invalid block_id " + id;
            }
        }
        if (end - p != datatotal) {
            return "record with invalid length: fragment headers end at " + (p - offset)
                + ", payloads need " + datatotal + " of " + (end - p) + " bytes left";
        }
        for (int i = 0; i < blockCount; i++) {
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
        mainDataOffset = p;
        return null;
    }

    /** The buffer the record lies in, little-endian; positions below are absolute in it. */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** Where the record's header starts in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    /** The record's start LSN (ReadRecPtr). */
    public long lsn() {
        return lsn;
    }

    /** The LSN just past the record's last byte (EndRecPtr), before alignment. */
    public long endLsn() {
        return endLsn;
    }

    public WalVersion version() {
        return version;
    }

    /** xl_tot_len: header, fragment headers, images, block data and main data. */
    public int totalLength() {
        return totalLength;
    }

    /** xl_xid as a signed int; {@link #xidUnsigned()} for display. */
    public int xid() {
        return xid;
    }

    public long xidUnsigned() {
        return Integer.toUnsignedLong(xid);
    }

    public long prev() {
        return prev;
    }

    /** xl_info, the whole byte. */
    public int info() {
        return info;
    }

    /** xl_info's resource-manager bits ({@code info & 0xF0}). */
    public int rmgrInfo() {
        return info & XLR_RMGR_INFO_MASK;
    }

    public int rmid() {
        return rmid;
    }

    public int crc() {
        return buffer.getInt(offset + CRC);
    }

    public boolean hasOrigin() {
        return hasOrigin;
    }

    public int origin() {
        return origin;
    }

    /** The top-level xid logged with the first record of a subtransaction (14+, logical), or 0. */
    public int toplevelXid() {
        return toplevelXid;
    }

    public int mainDataOffset() {
        return mainDataOffset;
    }

    public int mainDataLength() {
        return mainDataLength;
    }

    public int blockCount() {
        return blockCount;
    }

    public int blockId(int i) {
        return blockId[i];
    }

    /** Index of the block reference with this block id, or -1. */
    public int indexOfBlock(int id) {
        for (int i = 0; i < blockCount; i++) {
            if (blockId[i] == id) {
                return i;
            }
        }
        return -1;
    }

    /** 0 main, 1 fsm, 2 vm, 3 init. */
    public int forkNumber(int i) {
        return forkFlags[i] & BKPBLOCK_FORK_MASK;
    }

    public int forkFlags(int i) {
        return forkFlags[i];
    }

    public boolean willInit(int i) {
        return (forkFlags[i] & BKPBLOCK_WILL_INIT) != 0;
    }

    public boolean hasData(int i) {
        return dataLength[i] != 0;
    }

    public int dataOffset(int i) {
        return dataOffset[i];
    }

    public int dataLength(int i) {
        return dataLength[i];
    }

    /** spcOid of the block's relation (RelFileNode / RelFileLocator). */
    public int tablespace(int i) {
        return tablespace[i];
    }

    public int database(int i) {
        return database[i];
    }

    /** relNumber (relfilenode) of the block's relation. */
    public int relNumber(int i) {
        return relNumber[i];
    }

    public long blockNumber(int i) {
        return Integer.toUnsignedLong(blockNumber[i]);
    }

    public boolean hasImage(int i) {
        return (forkFlags[i] & BKPBLOCK_HAS_IMAGE) != 0;
    }

    /** bimg_len: bytes of the image as stored (compressed or not, hole removed). */
    public int imageLength(int i) {
        return imageLength[i];
    }

    public int imageOffset(int i) {
        return imageOffset[i];
    }

    public int holeOffset(int i) {
        return holeOffset[i];
    }

    public int holeLength(int i) {
        return holeLength[i];
    }

    public int bimgInfo(int i) {
        return bimgInfo[i];
    }

    /** Whether redo applies the image (false: kept only for wal_consistency_checking). */
    public boolean applyImage(int i) {
        int bit = version.hasCompressionMethodBits() ? BKPIMAGE_APPLY : BKPIMAGE_APPLY_V13;
        return (bimgInfo[i] & bit) != 0;
    }

    public ImageCompression imageCompression(int i) {
        int bi = bimgInfo[i];
        if (version.hasCompressionMethodBits()) {
            if ((bi & BKPIMAGE_COMPRESS_PGLZ) != 0) {
                return ImageCompression.PGLZ;
            }
            if ((bi & BKPIMAGE_COMPRESS_LZ4) != 0) {
                return ImageCompression.LZ4;
            }
            if ((bi & BKPIMAGE_COMPRESS_ZSTD) != 0) {
                return ImageCompression.ZSTD;
            }
            return ImageCompression.NONE;
        }
        return (bi & BKPIMAGE_IS_COMPRESSED_V13) != 0 ? ImageCompression.PGLZ : ImageCompression.NONE;
    }

    /** Sum of the stored image lengths (pg_waldump's fpi_len). */
    public int fpiLength() {
        int sum = 0;
        for (int i = 0; i < blockCount; i++) {
            sum += imageLength[i];
        }
        return sum;
    }

    /** Copies the whole record's bytes (header first), for the cold path. */
    public byte[] copyBytes() {
        byte[] out = new byte[totalLength];
        buffer.get(offset, out);
        return out;
    }

    /**
     * Copies the record without its full-page images, for keeping it until its transaction ends:
     * block references lose their image header and {@code BKPBLOCK_HAS_IMAGE}, everything else
     * (block data, relations, origin, top-level xid, main data) is kept, and the total length is
     * that of the copy. The copy's CRC field is left as it was, so it no longer matches; the copy is
     * read back with {@link #wrapCopy}, which does not check it.
     */
    public byte[] copyWithoutImages() {
        byte[] out = new byte[sizeWithoutImages()];
        copyWithoutImagesInto(out, 0);
        return out;
    }

    /** The length of {@link #copyWithoutImages()}'s copy. */
    public int sizeWithoutImages() {
        if (!anyImage()) {
            return totalLength;
        }
        int size = SIZE;
        for (int i = 0; i < blockCount; i++) {
            size += 4 + ((forkFlags[i] & BKPBLOCK_SAME_REL) == 0 ? 12 : 0) + 4 + dataLength[i];
        }
        size += hasOrigin ? 3 : 0;
        size += toplevelXid != 0 && version.hasToplevelXidFragment() ? 5 : 0;
        size += mainDataLength == 0 ? 0 : (mainDataLength < 256 ? 2 : 5) + mainDataLength;
        return size;
    }

    /**
     * Writes {@link #copyWithoutImages()}'s copy into {@code out} from {@code at} on, without
     * allocating; {@link #sizeWithoutImages()} bytes must fit there.
     */
    public void copyWithoutImagesInto(byte[] out, int at) {
        if (!anyImage()) {
            buffer.get(offset, out, at, totalLength);
            return;
        }
        buffer.get(offset, out, at, SIZE);
        int p = at + SIZE;
        for (int i = 0; i < blockCount; i++) {
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
        if (hasOrigin) {
            out[p] = (byte) XLR_BLOCK_ID_ORIGIN;
            LittleEndian.SHORT.set(out, p + 1, (short) origin);
            p += 3;
        }
        if (toplevelXid != 0 && version.hasToplevelXidFragment()) {
            out[p] = (byte) XLR_BLOCK_ID_TOPLEVEL_XID;
            LittleEndian.INT.set(out, p + 1, toplevelXid);
            p += 5;
        }
        if (mainDataLength > 0) {
            if (mainDataLength < 256) {
                out[p] = (byte) XLR_BLOCK_ID_DATA_SHORT;
                out[p + 1] = (byte) mainDataLength;
                p += 2;
            } else {
                out[p] = (byte) XLR_BLOCK_ID_DATA_LONG;
                LittleEndian.INT.set(out, p + 1, mainDataLength);
                p += 5;
            }
        }
        for (int i = 0; i < blockCount; i++) {
            if (dataLength[i] > 0) {
                buffer.get(dataOffset[i], out, p, dataLength[i]);
                p += dataLength[i];
            }
        }
        if (mainDataLength > 0) {
            buffer.get(mainDataOffset, out, p, mainDataLength);
            p += mainDataLength;
        }
        LittleEndian.INT.set(out, at + TOT_LEN, p - at); // the copy's own length, as sizeWithoutImages() counts it
    }

    private boolean anyImage() {
        for (int i = 0; i < blockCount; i++) {
            if (hasImage(i)) {
                return true;
            }
        }
        return false;
    }

    static ByteBuffer littleEndian(byte[] array) {
        return ByteBuffer.wrap(array).order(ByteOrder.LITTLE_ENDIAN);
    }
}
