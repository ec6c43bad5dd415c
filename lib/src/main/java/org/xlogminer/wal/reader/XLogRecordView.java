package org.xlogminer.wal.reader;

import static org.xlogminer.wal.reader.FragmentCursor.Fragment.MAIN_DATA_LENGTH;
import static org.xlogminer.wal.reader.FragmentCursor.Fragment.ORIGIN;
import static org.xlogminer.wal.reader.FragmentCursor.Fragment.TOPLEVEL_XID;
import static org.xlogminer.wal.reader.FragmentCursor.tooShortFor;
import static org.xlogminer.wal.reader.XLogRecordLayout.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.xlogminer.wal.WalVersion;

/**
 * A flyweight view of one assembled WAL record: its header, block references, replication origin,
 * top-level xid and main data, decoded as {@code DecodeXLogRecord()} in
 * {@code src/backend/access/transam/xlogreader.c} does. See {@link XLogRecordLayout} for the bytes.
 * Every fragment header is read through one bounds-checked {@link FragmentCursor}; the block
 * headers are parsed into, and kept by, {@link BlockReferences}.
 *
 * <p>The view is reused by {@link WalReader} for every record: it is valid only until the next call
 * to {@link WalReader#next()}. Offsets returned by the accessors are absolute positions in
 * {@link #buffer()}. Block references are kept in block-id order; {@code i} below is an index
 * {@code 0 <= i < blockCount()}, not a block id (block ids may have gaps).
 *
 * <p>Not thread-safe. Decoding allocates nothing.
 */
public final class XLogRecordView {

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

    private final FragmentCursor cursor = new FragmentCursor();
    private final BlockReferences blocks = new BlockReferences();

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

    /**
     * Reads the fragment headers through the cursor, in the order and with the checks of
     * {@code DecodeXLogRecord()}; block headers go to {@link BlockReferences}.
     */
    private String decodeFragments() {
        final FragmentCursor c = cursor.wrap(buffer, offset + SIZE, offset + totalLength);
        final BlockReferences b = blocks;
        b.clear();
        hasOrigin = false;
        origin = 0;
        toplevelXid = 0;
        mainDataLength = 0;
        final boolean newImageBits = version.hasCompressionMethodBits();
        while (c.remaining() > b.payloadLength()) {
            int id = c.u8();
            if (id <= XLR_MAX_BLOCK_ID) {
                String problem = b.decodeHeader(c, id, newImageBits);
                if (problem != null) {
                    return problem;
                }
            } else if (id == XLR_BLOCK_ID_DATA_SHORT) {
                mainDataLength = c.u8();
                if (c.overran()) {
                    return tooShortFor(MAIN_DATA_LENGTH);
                }
                break;
            } else if (id == XLR_BLOCK_ID_DATA_LONG) {
                long len = Integer.toUnsignedLong(c.u32());
                if (c.overran()) {
                    return tooShortFor(MAIN_DATA_LENGTH);
                }
                if (len > totalLength) {
                    return "main-data length " + len + " exceeds the record length";
                }
                mainDataLength = (int) len;
                break;
            } else if (id == XLR_BLOCK_ID_ORIGIN) {
                origin = c.u16();
                if (c.overran()) {
                    return tooShortFor(ORIGIN);
                }
                hasOrigin = true;
            } else if (id == XLR_BLOCK_ID_TOPLEVEL_XID && version.hasToplevelXidFragment()) {
                toplevelXid = c.u32();
                if (c.overran()) {
                    return tooShortFor(TOPLEVEL_XID);
                }
            } else {
                return "invalid block_id " + id;
            }
        }
        long datatotal = (long) b.payloadLength() + mainDataLength;
        if (c.remaining() != datatotal) {
            return "record with invalid length: fragment headers end at " + (c.position() - offset)
                + ", payloads need " + datatotal + " of " + c.remaining() + " bytes left";
        }
        mainDataOffset = b.placePayloads(c.position());
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
        return blocks.count;
    }

    public int blockId(int i) {
        return blocks.blockId[i];
    }

    /** Index of the block reference with this block id, or -1. */
    public int indexOfBlock(int id) {
        final BlockReferences b = blocks;
        for (int i = 0; i < b.count; i++) {
            if (b.blockId[i] == id) {
                return i;
            }
        }
        return -1;
    }

    /** 0 main, 1 fsm, 2 vm, 3 init. */
    public int forkNumber(int i) {
        return blocks.forkFlags[i] & BKPBLOCK_FORK_MASK;
    }

    public int forkFlags(int i) {
        return blocks.forkFlags[i];
    }

    public boolean willInit(int i) {
        return (blocks.forkFlags[i] & BKPBLOCK_WILL_INIT) != 0;
    }

    public boolean hasData(int i) {
        return blocks.dataLength[i] != 0;
    }

    public int dataOffset(int i) {
        return blocks.dataOffset[i];
    }

    public int dataLength(int i) {
        return blocks.dataLength[i];
    }

    /** spcOid of the block's relation (RelFileNode / RelFileLocator). */
    public int tablespace(int i) {
        return blocks.tablespace[i];
    }

    public int database(int i) {
        return blocks.database[i];
    }

    /** relNumber (relfilenode) of the block's relation. */
    public int relNumber(int i) {
        return blocks.relNumber[i];
    }

    public long blockNumber(int i) {
        return Integer.toUnsignedLong(blocks.blockNumber[i]);
    }

    public boolean hasImage(int i) {
        return (blocks.forkFlags[i] & BKPBLOCK_HAS_IMAGE) != 0;
    }

    /** bimg_len: bytes of the image as stored (compressed or not, hole removed). */
    public int imageLength(int i) {
        return blocks.imageLength[i];
    }

    public int imageOffset(int i) {
        return blocks.imageOffset[i];
    }

    public int holeOffset(int i) {
        return blocks.holeOffset[i];
    }

    public int holeLength(int i) {
        return blocks.holeLength[i];
    }

    public int bimgInfo(int i) {
        return blocks.bimgInfo[i];
    }

    /** Whether redo applies the image (false: kept only for wal_consistency_checking). */
    public boolean applyImage(int i) {
        int bit = version.hasCompressionMethodBits() ? BKPIMAGE_APPLY : BKPIMAGE_APPLY_V13;
        return (blocks.bimgInfo[i] & bit) != 0;
    }

    public ImageCompression imageCompression(int i) {
        return ImageCompression.of(blocks.bimgInfo[i], version.hasCompressionMethodBits());
    }

    /** Sum of the stored image lengths (pg_waldump's fpi_len). */
    public int fpiLength() {
        return blocks.imageBytes();
    }

    /** Copies the whole record's bytes (header first), for the cold path. */
    public byte[] copyBytes() {
        byte[] out = new byte[totalLength];
        buffer.get(offset, out);
        return out;
    }

    /**
     * Writes {@link #copyBytes()}'s copy (the whole record, images included) into {@code out} from
     * {@code at} on, without allocating; {@link #totalLength()} bytes must fit there.
     */
    public void copyInto(byte[] out, int at) {
        buffer.get(offset, out, at, totalLength);
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
        return ImagelessCopy.size(this, blocks);
    }

    /**
     * Writes {@link #copyWithoutImages()}'s copy into {@code out} from {@code at} on, without
     * allocating; {@link #sizeWithoutImages()} bytes must fit there.
     */
    public void copyWithoutImagesInto(byte[] out, int at) {
        ImagelessCopy.write(this, blocks, out, at);
    }

    static ByteBuffer littleEndian(byte[] array) {
        return ByteBuffer.wrap(array).order(ByteOrder.LITTLE_ENDIAN);
    }
}
