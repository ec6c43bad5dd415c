package org.xlogminer.wal.reader;

/**
 * Layout of a WAL record header and the fragment headers that follow it, {@code XLogRecord} and
 * {@code XLogRecordBlockHeader} and friends in {@code src/include/access/xlogrecord.h}. The parsing
 * rules are those of {@code DecodeXLogRecord()} in {@code src/backend/access/transam/xlogreader.c}.
 *
 * <table>
 * <caption>XLogRecord, 24 bytes</caption>
 * <tr><th>offset</th><th>size</th><th>C field</th></tr>
 * <tr><td>0</td><td>4</td><td>xl_tot_len (whole record, header included)</td></tr>
 * <tr><td>4</td><td>4</td><td>xl_xid (the current, possibly sub-, transaction)</td></tr>
 * <tr><td>8</td><td>8</td><td>xl_prev</td></tr>
 * <tr><td>16</td><td>1</td><td>xl_info (low nibble generic flags, high nibble per rmgr)</td></tr>
 * <tr><td>17</td><td>1</td><td>xl_rmid</td></tr>
 * <tr><td>18</td><td>2</td><td>(padding)</td></tr>
 * <tr><td>20</td><td>4</td><td>xl_crc: CRC-32C of bytes [24, tot_len) then [0, 20)</td></tr>
 * </table>
 *
 * <table>
 * <caption>fragments after the header, in this order, unaligned</caption>
 * <tr><th>id byte</th><th>then</th></tr>
 * <tr><td>0..32</td><td>block header: fork_flags u8, data_length u16; if HAS_IMAGE: bimg_len u16,
 *   hole_offset u16, bimg_info u8, and hole_length u16 if compressed with a hole; unless SAME_REL:
 *   spcOid u32, dbOid u32, relNumber u32; then BlockNumber u32</td></tr>
 * <tr><td>253</td><td>replication origin u16</td></tr>
 * <tr><td>252</td><td>top-level xid u32 (14 and later)</td></tr>
 * <tr><td>255</td><td>main data length u8 (last)</td></tr>
 * <tr><td>254</td><td>main data length u32 (last)</td></tr>
 * </table>
 * Then the payloads: for each block its image, then its data; then the main data.
 */
public final class XLogRecordLayout {

    public static final int TOT_LEN = 0;
    public static final int XID = 4;
    public static final int PREV = 8;
    public static final int INFO = 16;
    public static final int RMID = 17;
    public static final int CRC = 20;
    public static final int SIZE = 24;

    /** Generic xl_info bits ({@code XLR_INFO_MASK}); the rest belongs to the resource manager. */
    public static final int XLR_INFO_MASK = 0x0F;
    public static final int XLR_RMGR_INFO_MASK = 0xF0;

    public static final int XLR_MAX_BLOCK_ID = 32;
    public static final int XLR_BLOCK_ID_DATA_SHORT = 255;
    public static final int XLR_BLOCK_ID_DATA_LONG = 254;
    public static final int XLR_BLOCK_ID_ORIGIN = 253;
    public static final int XLR_BLOCK_ID_TOPLEVEL_XID = 252;

    /** fork_flags of a block header. */
    public static final int BKPBLOCK_FORK_MASK = 0x0F;
    public static final int BKPBLOCK_HAS_IMAGE = 0x10;
    public static final int BKPBLOCK_HAS_DATA = 0x20;
    public static final int BKPBLOCK_WILL_INIT = 0x40;
    public static final int BKPBLOCK_SAME_REL = 0x80;

    /** bimg_info, all versions. */
    public static final int BKPIMAGE_HAS_HOLE = 0x01;
    /** bimg_info on 13 and 14. */
    public static final int BKPIMAGE_IS_COMPRESSED_V13 = 0x02;
    public static final int BKPIMAGE_APPLY_V13 = 0x04;
    /** bimg_info on 15 and later. */
    public static final int BKPIMAGE_APPLY = 0x02;
    public static final int BKPIMAGE_COMPRESS_PGLZ = 0x04;
    public static final int BKPIMAGE_COMPRESS_LZ4 = 0x08;
    public static final int BKPIMAGE_COMPRESS_ZSTD = 0x10;

    /** Resource manager ids used by the reader itself ({@code src/include/access/rmgrlist.h}). */
    public static final int RM_XLOG_ID = 0;
    public static final int RM_MAX_BUILTIN_ID = 21;
    public static final int RM_MIN_CUSTOM_ID = 128;
    /** {@code XLOG_SWITCH} in {@code src/include/catalog/pg_control.h}. */
    public static final int XLOG_SWITCH = 0x40;

    private XLogRecordLayout() {
    }
}
