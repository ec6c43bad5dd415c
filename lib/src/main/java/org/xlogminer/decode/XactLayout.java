package org.xlogminer.decode;

/**
 * Main-data layouts of Transaction (rmid 1) records, from {@code src/include/access/xact.h}
 * (13-18), as {@code ParseCommitRecord}/{@code ParseAbortRecord} in
 * {@code src/backend/access/rmgrdesc/xactdesc.c} read them: the one place their offsets and sizes
 * are written down. All little-endian.
 *
 * <table>
 * <caption>xl_xact_commit / xl_xact_abort main data: parts in this order</caption>
 * <tr><th>part (C struct)</th><th>present when</th><th>size</th><th>constant</th></tr>
 * <tr><td>xact_time i64, µs since 2000-01-01 UTC (xl_xact_commit)</td><td>always</td><td>8</td>
 *     <td>{@link #SIZE_OF_XACT_TIME}</td></tr>
 * <tr><td>xinfo u32 (xl_xact_xinfo)</td><td>xl_info &amp; {@link #XLOG_XACT_HAS_INFO}</td><td>4</td>
 *     <td>{@link #SIZE_OF_XACT_XINFO}</td></tr>
 * <tr><td>dbId u32, tsId u32 (xl_xact_dbinfo)</td><td>xinfo 0x01</td><td>8</td><td>{@link #SIZE_OF_XACT_DBINFO}</td></tr>
 * <tr><td>nsubxacts i32, subxacts u32[] (xl_xact_subxacts)</td><td>xinfo 0x02</td><td>4 + 4n</td>
 *     <td>{@link #SIZE_OF_XACT_COUNT}, {@link #SIZE_OF_XID}</td></tr>
 * <tr><td>nrels i32, RelFileNode[] (xl_xact_relfilenodes)</td><td>xinfo 0x04</td><td>4 + 12n</td>
 *     <td>{@link #SIZE_OF_RELFILENODE}</td></tr>
 * <tr><td>nitems i32, xl_xact_stats_item[] (xl_xact_stats_items)</td><td>xinfo 0x100 (15+)</td>
 *     <td>4 + 12n (15-17), 4 + 16n (18)</td><td>{@link #SIZE_OF_STATS_ITEM_V15}, {@link #SIZE_OF_STATS_ITEM_V18}</td></tr>
 * <tr><td>nmsgs i32, SharedInvalidationMessage[] (xl_xact_invals)</td><td>xinfo 0x08, commit only</td>
 *     <td>4 + 16n</td><td>{@link #SIZE_OF_INVAL_MESSAGE}</td></tr>
 * <tr><td>xid u32 (xl_xact_twophase), then the GID NUL-terminated if xinfo 0x80</td><td>xinfo 0x10</td>
 *     <td>4 + ...</td><td>{@link #SIZE_OF_XID}</td></tr>
 * <tr><td>origin_lsn u64, origin_timestamp i64 (xl_xact_origin)</td><td>xinfo 0x20</td><td>16</td><td>(not read)</td></tr>
 * </table>
 *
 * <table>
 * <caption>fixed fields read</caption>
 * <tr><th>struct</th><th>offset</th><th>size</th><th>C field</th><th>constant</th></tr>
 * <tr><td>xl_xact_dbinfo</td><td>0</td><td>4</td><td>dbId</td><td>{@link #XACT_DBINFO_DBID}</td></tr>
 * <tr><td>xl_xact_assignment</td><td>0</td><td>4</td><td>xtop</td><td>{@link #XACT_ASSIGNMENT_XTOP}</td></tr>
 * <tr><td></td><td>4</td><td>4</td><td>nsubxacts</td><td>{@link #XACT_ASSIGNMENT_NSUBXACTS}</td></tr>
 * <tr><td></td><td>8</td><td>4 each</td><td>xsub[nsubxacts]</td><td>{@link #XACT_ASSIGNMENT_XSUB}</td></tr>
 * <tr><td>xl_xact_prepare</td><td>12</td><td>4</td><td>database</td><td>{@link #XACT_PREPARE_DATABASE}</td></tr>
 * <tr><td></td><td>16</td><td>8</td><td>prepared_at</td><td>{@link #XACT_PREPARE_PREPARED_AT}</td></tr>
 * </table>
 */
public final class XactLayout {

    /** xl_info &amp; {@link #XLOG_XACT_OPMASK}: the record's kind. */
    public static final int XLOG_XACT_OPMASK = 0x70;
    public static final int XLOG_XACT_COMMIT = 0x00;
    public static final int XLOG_XACT_PREPARE = 0x10;
    public static final int XLOG_XACT_ABORT = 0x20;
    public static final int XLOG_XACT_COMMIT_PREPARED = 0x30;
    public static final int XLOG_XACT_ABORT_PREPARED = 0x40;
    public static final int XLOG_XACT_ASSIGNMENT = 0x50;
    /** xl_info: an xinfo word follows xact_time. */
    public static final int XLOG_XACT_HAS_INFO = 0x80;

    /** xinfo bits: which parts follow. */
    public static final int XACT_XINFO_HAS_DBINFO = 0x01;
    public static final int XACT_XINFO_HAS_SUBXACTS = 0x02;
    public static final int XACT_XINFO_HAS_RELFILENODES = 0x04;
    public static final int XACT_XINFO_HAS_INVALS = 0x08;
    public static final int XACT_XINFO_HAS_TWOPHASE = 0x10;
    public static final int XACT_XINFO_HAS_ORIGIN = 0x20;
    public static final int XACT_XINFO_HAS_GID = 0x80;
    public static final int XACT_XINFO_HAS_DROPPED_STATS = 0x100;

    /** Sizes of the parts and of the items of their arrays. */
    public static final int SIZE_OF_XACT_TIME = 8;
    public static final int SIZE_OF_XACT_XINFO = 4;
    public static final int SIZE_OF_XACT_DBINFO = 8;
    /** The i32 count that starts each array part. */
    public static final int SIZE_OF_XACT_COUNT = 4;
    public static final int SIZE_OF_XID = 4;
    public static final int SIZE_OF_RELFILENODE = 12;
    public static final int SIZE_OF_STATS_ITEM_V15 = 12;
    public static final int SIZE_OF_STATS_ITEM_V18 = 16;
    public static final int SIZE_OF_INVAL_MESSAGE = 16;

    public static final int XACT_DBINFO_DBID = 0;

    public static final int XACT_ASSIGNMENT_XTOP = 0;
    public static final int XACT_ASSIGNMENT_NSUBXACTS = 4;
    public static final int XACT_ASSIGNMENT_XSUB = 8;

    public static final int XACT_PREPARE_DATABASE = 12;
    public static final int XACT_PREPARE_PREPARED_AT = 16;
    /** The bytes of xl_xact_prepare read: up to and including prepared_at. */
    public static final int SIZE_OF_XACT_PREPARE_READ = 24;

    private XactLayout() {
    }
}
