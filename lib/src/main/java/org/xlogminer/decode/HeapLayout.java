package org.xlogminer.decode;

/**
 * Main-data and block-data layouts of Heap (rmid 10) and Heap2 (rmid 9) records that carry
 * tuples, from {@code src/include/access/heapam_xlog.h} (13-18): the one place their offsets are
 * written down. All fields are unaligned and little-endian; offsets are from the start of the
 * struct.
 *
 * <table>
 * <caption>fields read, all from heapam_xlog.h</caption>
 * <tr><th>struct (size)</th><th>offset</th><th>size</th><th>C field</th><th>constant</th></tr>
 * <tr><td>xl_heap_insert (3)</td><td>0</td><td>2</td><td>offnum</td><td>{@link #HEAP_INSERT_OFFNUM}</td></tr>
 * <tr><td></td><td>2</td><td>1</td><td>flags</td><td>{@link #HEAP_INSERT_FLAGS}</td></tr>
 * <tr><td>xl_heap_delete (8)</td><td>0</td><td>4</td><td>xmax</td><td>{@link #HEAP_DELETE_XMAX}</td></tr>
 * <tr><td></td><td>4</td><td>2</td><td>offnum</td><td>{@link #HEAP_DELETE_OFFNUM}</td></tr>
 * <tr><td></td><td>6</td><td>1</td><td>infobits_set</td><td>{@link #HEAP_DELETE_INFOBITS_SET}</td></tr>
 * <tr><td></td><td>7</td><td>1</td><td>flags</td><td>{@link #HEAP_DELETE_FLAGS}</td></tr>
 * <tr><td>xl_heap_update (14)</td><td>0</td><td>4</td><td>old_xmax</td><td>{@link #HEAP_UPDATE_OLD_XMAX}</td></tr>
 * <tr><td></td><td>4</td><td>2</td><td>old_offnum</td><td>{@link #HEAP_UPDATE_OLD_OFFNUM}</td></tr>
 * <tr><td></td><td>6</td><td>1</td><td>old_infobits_set</td><td>{@link #HEAP_UPDATE_OLD_INFOBITS_SET}</td></tr>
 * <tr><td></td><td>7</td><td>1</td><td>flags</td><td>{@link #HEAP_UPDATE_FLAGS}</td></tr>
 * <tr><td></td><td>8</td><td>4</td><td>new_xmax</td><td>{@link #HEAP_UPDATE_NEW_XMAX}</td></tr>
 * <tr><td></td><td>12</td><td>2</td><td>new_offnum</td><td>{@link #HEAP_UPDATE_NEW_OFFNUM}</td></tr>
 * <tr><td>xl_heap_header (5)</td><td>0</td><td>2</td><td>t_infomask2</td><td>{@link #HEAP_HEADER_T_INFOMASK2}</td></tr>
 * <tr><td></td><td>2</td><td>2</td><td>t_infomask</td><td>{@link #HEAP_HEADER_T_INFOMASK}</td></tr>
 * <tr><td></td><td>4</td><td>1</td><td>t_hoff</td><td>{@link #HEAP_HEADER_T_HOFF}</td></tr>
 * <tr><td>xl_heap_multi_insert (4 + 2n)</td><td>0</td><td>1</td><td>flags</td><td>{@link #HEAP_MULTI_INSERT_FLAGS}</td></tr>
 * <tr><td></td><td>2</td><td>2</td><td>ntuples</td><td>{@link #HEAP_MULTI_INSERT_NTUPLES}</td></tr>
 * <tr><td></td><td>4</td><td>2 each</td><td>offsets[ntuples] (absent when the record has INIT_PAGE)</td>
 *     <td>{@link #HEAP_MULTI_INSERT_OFFSETS}</td></tr>
 * <tr><td>xl_multi_insert_tuple (7)</td><td>0</td><td>2</td><td>datalen</td><td>{@link #MULTI_INSERT_TUPLE_DATALEN}</td></tr>
 * <tr><td></td><td>2</td><td>2</td><td>t_infomask2</td><td>{@link #MULTI_INSERT_TUPLE_T_INFOMASK2}</td></tr>
 * <tr><td></td><td>4</td><td>2</td><td>t_infomask</td><td>{@link #MULTI_INSERT_TUPLE_T_INFOMASK}</td></tr>
 * <tr><td></td><td>6</td><td>1</td><td>t_hoff</td><td>{@link #MULTI_INSERT_TUPLE_T_HOFF}</td></tr>
 * <tr><td>xl_heap_truncate (12 + 4n)</td><td>0</td><td>4</td><td>dbId</td><td>{@link #HEAP_TRUNCATE_DBID}</td></tr>
 * <tr><td></td><td>4</td><td>4</td><td>nrelids</td><td>{@link #HEAP_TRUNCATE_NRELIDS}</td></tr>
 * <tr><td></td><td>8</td><td>1</td><td>flags</td><td>{@link #HEAP_TRUNCATE_FLAGS}</td></tr>
 * <tr><td></td><td>12</td><td>4 each</td><td>relids[nrelids] (pg_class OIDs)</td><td>{@link #HEAP_TRUNCATE_RELIDS}</td></tr>
 * <tr><td>xl_heap_confirm (2)</td><td>0</td><td>2</td><td>offnum</td><td>{@link #HEAP_CONFIRM_OFFNUM}</td></tr>
 * </table>
 *
 * <p>Where the tuples are: an INSERT's block 0 data is an xl_heap_header and the tuple bytes; an
 * UPDATE's new block data starts with u16 prefixlen and u16 suffixlen (each only when its
 * {@code XLH_UPDATE_*_FROM_OLD} flag is set, {@link #SIZE_OF_PREFIX_SUFFIX_LEN} each), then an
 * xl_heap_header and the new tuple's bytes without the shared prefix and suffix; a MULTI_INSERT's
 * block 0 data holds per tuple, each SHORTALIGNed from the data's start, an xl_multi_insert_tuple
 * and {@code datalen} tuple bytes; a DELETE's or UPDATE's old tuple or key (when logged) is an
 * xl_heap_header and tuple bytes after the struct in the main data. "Tuple bytes" are the on-page
 * tuple from offset 23 of HeapTupleHeaderData on (null bitmap, padding up to t_hoff, column data).
 */
public final class HeapLayout {

    public static final int XLOG_HEAP_OPMASK = 0x70;
    public static final int XLOG_HEAP_INIT_PAGE = 0x80;

    /** Heap (rmid 10) operations. */
    public static final int XLOG_HEAP_INSERT = 0x00;
    public static final int XLOG_HEAP_DELETE = 0x10;
    public static final int XLOG_HEAP_UPDATE = 0x20;
    public static final int XLOG_HEAP_TRUNCATE = 0x30;
    public static final int XLOG_HEAP_HOT_UPDATE = 0x40;
    public static final int XLOG_HEAP_CONFIRM = 0x50;
    public static final int XLOG_HEAP_LOCK = 0x60;
    public static final int XLOG_HEAP_INPLACE = 0x70;
    /** Heap2 (rmid 9) operation carrying tuples. */
    public static final int XLOG_HEAP2_MULTI_INSERT = 0x50;

    public static final int SIZE_OF_HEAP_INSERT = 3;
    public static final int SIZE_OF_HEAP_DELETE = 8;
    public static final int SIZE_OF_HEAP_UPDATE = 14;
    public static final int SIZE_OF_HEAP_HEADER = 5;
    public static final int SIZE_OF_HEAP_MULTI_INSERT = 4;
    public static final int SIZE_OF_MULTI_INSERT_TUPLE = 7;
    public static final int SIZE_OF_HEAP_TRUNCATE = 12;
    public static final int SIZE_OF_HEAP_CONFIRM = 2;
    /** sizeof(OffsetNumber): one entry of xl_heap_multi_insert.offsets. */
    public static final int SIZE_OF_OFFSET_NUMBER = 2;
    /** sizeof(Oid): one entry of xl_heap_truncate.relids. */
    public static final int SIZE_OF_OID = 4;
    /** prefixlen / suffixlen, uint16, before the xl_heap_header of an UPDATE's new tuple. */
    public static final int SIZE_OF_PREFIX_SUFFIX_LEN = 2;
    /** offsetof(HeapTupleHeaderData, t_bits): where WAL's tuple bytes start on the page. */
    public static final int SIZEOF_HEAP_TUPLE_HEADER = 23;

    /** xl_heap_insert fields. */
    public static final int HEAP_INSERT_OFFNUM = 0;
    public static final int HEAP_INSERT_FLAGS = 2;

    /** xl_heap_delete fields. */
    public static final int HEAP_DELETE_XMAX = 0;
    public static final int HEAP_DELETE_OFFNUM = 4;
    public static final int HEAP_DELETE_INFOBITS_SET = 6;
    public static final int HEAP_DELETE_FLAGS = 7;

    /** xl_heap_update fields. */
    public static final int HEAP_UPDATE_OLD_XMAX = 0;
    public static final int HEAP_UPDATE_OLD_OFFNUM = 4;
    public static final int HEAP_UPDATE_OLD_INFOBITS_SET = 6;
    public static final int HEAP_UPDATE_FLAGS = 7;
    public static final int HEAP_UPDATE_NEW_XMAX = 8;
    public static final int HEAP_UPDATE_NEW_OFFNUM = 12;

    /** xl_heap_header fields. */
    public static final int HEAP_HEADER_T_INFOMASK2 = 0;
    public static final int HEAP_HEADER_T_INFOMASK = 2;
    public static final int HEAP_HEADER_T_HOFF = 4;

    /** xl_heap_multi_insert fields. */
    public static final int HEAP_MULTI_INSERT_FLAGS = 0;
    public static final int HEAP_MULTI_INSERT_NTUPLES = 2;
    public static final int HEAP_MULTI_INSERT_OFFSETS = 4;

    /** xl_multi_insert_tuple fields. */
    public static final int MULTI_INSERT_TUPLE_DATALEN = 0;
    public static final int MULTI_INSERT_TUPLE_T_INFOMASK2 = 2;
    public static final int MULTI_INSERT_TUPLE_T_INFOMASK = 4;
    public static final int MULTI_INSERT_TUPLE_T_HOFF = 6;

    /** xl_heap_truncate fields. */
    public static final int HEAP_TRUNCATE_DBID = 0;
    public static final int HEAP_TRUNCATE_NRELIDS = 4;
    public static final int HEAP_TRUNCATE_FLAGS = 8;
    public static final int HEAP_TRUNCATE_RELIDS = 12;

    /** xl_heap_confirm field. */
    public static final int HEAP_CONFIRM_OFFNUM = 0;

    /** xl_heap_insert / xl_heap_multi_insert flags. */
    public static final int XLH_INSERT_ALL_VISIBLE_CLEARED = 0x01;
    public static final int XLH_INSERT_LAST_IN_MULTI = 0x02;
    public static final int XLH_INSERT_IS_SPECULATIVE = 0x04;
    public static final int XLH_INSERT_CONTAINS_NEW_TUPLE = 0x08;
    public static final int XLH_INSERT_ON_TOAST_RELATION = 0x10;
    public static final int XLH_INSERT_ALL_FROZEN_SET = 0x20;

    /** xl_heap_delete flags. */
    public static final int XLH_DELETE_ALL_VISIBLE_CLEARED = 0x01;
    public static final int XLH_DELETE_CONTAINS_OLD_TUPLE = 0x02;
    public static final int XLH_DELETE_CONTAINS_OLD_KEY = 0x04;
    public static final int XLH_DELETE_IS_SUPER = 0x08;
    public static final int XLH_DELETE_IS_PARTITION_MOVE = 0x10;

    /** xl_heap_update flags. */
    public static final int XLH_UPDATE_OLD_ALL_VISIBLE_CLEARED = 0x01;
    public static final int XLH_UPDATE_NEW_ALL_VISIBLE_CLEARED = 0x02;
    public static final int XLH_UPDATE_CONTAINS_OLD_TUPLE = 0x04;
    public static final int XLH_UPDATE_CONTAINS_OLD_KEY = 0x08;
    public static final int XLH_UPDATE_CONTAINS_NEW_TUPLE = 0x10;
    public static final int XLH_UPDATE_PREFIX_FROM_OLD = 0x20;
    public static final int XLH_UPDATE_SUFFIX_FROM_OLD = 0x40;

    /** xl_heap_truncate flags. */
    public static final int XLH_TRUNCATE_CASCADE = 0x01;
    public static final int XLH_TRUNCATE_RESTART_SEQS = 0x02;

    private HeapLayout() {
    }
}
