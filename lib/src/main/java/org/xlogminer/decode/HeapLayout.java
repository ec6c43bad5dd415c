package org.xlogminer.decode;

/**
 * Main-data and block-data layouts of Heap (rmid 10) and Heap2 (rmid 9) records that carry
 * tuples, from {@code src/include/access/heapam_xlog.h} (13-18). All fields are unaligned.
 *
 * <table>
 * <caption>structs</caption>
 * <tr><th>struct</th><th>size</th><th>fields (offset)</th></tr>
 * <tr><td>xl_heap_insert</td><td>3</td><td>offnum u16 @0, flags u8 @2</td></tr>
 * <tr><td>xl_heap_delete</td><td>8</td><td>xmax u32 @0, offnum u16 @4, infobits_set u8 @6, flags u8 @7</td></tr>
 * <tr><td>xl_heap_update</td><td>14</td><td>old_xmax u32 @0, old_offnum u16 @4, old_infobits_set u8 @6,
 *     flags u8 @7, new_xmax u32 @8, new_offnum u16 @12</td></tr>
 * <tr><td>xl_heap_header</td><td>5</td><td>t_infomask2 u16 @0, t_infomask u16 @2, t_hoff u8 @4</td></tr>
 * <tr><td>xl_heap_multi_insert</td><td>4 + 2n</td><td>flags u8 @0, ntuples u16 @2, offsets u16[] @4
 *     (absent when the record has INIT_PAGE)</td></tr>
 * <tr><td>xl_multi_insert_tuple</td><td>7</td><td>datalen u16 @0, t_infomask2 u16 @2, t_infomask u16 @4,
 *     t_hoff u8 @6; SHORTALIGNed in block 0's data, followed by datalen tuple bytes</td></tr>
 * <tr><td>xl_heap_truncate</td><td>12 + 4n</td><td>dbId u32 @0, nrelids u32 @4, flags u8 @8, relids u32[] @12</td></tr>
 * <tr><td>xl_heap_confirm</td><td>2</td><td>offnum u16 @0</td></tr>
 * </table>
 *
 * "Tuple bytes" are the on-page tuple from offset 23 of HeapTupleHeaderData on (null bitmap,
 * padding up to t_hoff, column data): an xl_heap_header is followed by them.
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
    /** offsetof(HeapTupleHeaderData, t_bits): where WAL's tuple bytes start on the page. */
    public static final int SIZEOF_HEAP_TUPLE_HEADER = 23;

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
