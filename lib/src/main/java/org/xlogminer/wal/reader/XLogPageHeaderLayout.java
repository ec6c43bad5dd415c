package org.xlogminer.wal.reader;

/**
 * Layout of a WAL page header, {@code XLogPageHeaderData} and {@code XLogLongPageHeaderData} in
 * {@code src/include/access/xlog_internal.h}. Every page of {@link #XLOG_BLCKSZ} bytes starts with
 * the short header; the first page of each segment has the long one.
 *
 * <table>
 * <caption>page header</caption>
 * <tr><th>offset</th><th>size</th><th>C field</th></tr>
 * <tr><td>0</td><td>2</td><td>xlp_magic</td></tr>
 * <tr><td>2</td><td>2</td><td>xlp_info</td></tr>
 * <tr><td>4</td><td>4</td><td>xlp_tli</td></tr>
 * <tr><td>8</td><td>8</td><td>xlp_pageaddr</td></tr>
 * <tr><td>16</td><td>4</td><td>xlp_rem_len</td></tr>
 * <tr><td>20</td><td>4</td><td>(padding to MAXALIGN)</td></tr>
 * <tr><td>24</td><td>8</td><td>xlp_sysid (long header only)</td></tr>
 * <tr><td>32</td><td>4</td><td>xlp_seg_size (long header only)</td></tr>
 * <tr><td>36</td><td>4</td><td>xlp_xlog_blcksz (long header only)</td></tr>
 * </table>
 */
public final class XLogPageHeaderLayout {

    public static final int XLOG_BLCKSZ = 8192;
    public static final int MAXALIGN = 8;

    public static final int MAGIC = 0;
    public static final int INFO = 2;
    public static final int TLI = 4;
    public static final int PAGEADDR = 8;
    public static final int REM_LEN = 16;
    public static final int SYSID = 24;
    public static final int SEG_SIZE = 32;
    public static final int XLOG_BLCKSZ_FIELD = 36;

    public static final int SHORT_SIZE = 24;
    public static final int LONG_SIZE = 40;

    /** xlp_info: the page begins with the rest of a record started on an earlier page. */
    public static final int XLP_FIRST_IS_CONTRECORD = 0x0001;
    /** xlp_info: this is the first page of a segment and has the long header. */
    public static final int XLP_LONG_HEADER = 0x0002;
    /** xlp_info: the page may be skipped by archivers (full_page_writes off). */
    public static final int XLP_BKP_REMOVABLE = 0x0004;
    /** xlp_info: a partial record before this page was abandoned and is overwritten here. */
    public static final int XLP_FIRST_IS_OVERWRITE_CONTRECORD = 0x0008;
    public static final int XLP_ALL_FLAGS = 0x000F;

    private XLogPageHeaderLayout() {
    }

    public static long maxAlign(long v) {
        return (v + (MAXALIGN - 1)) & ~(long) (MAXALIGN - 1);
    }
}
