package org.xlogminer.tuple;

/**
 * Layout of a heap tuple header, {@code HeapTupleHeaderData} in
 * {@code src/include/access/htup_details.h}, and of the data that follows it. WAL logs a tuple as an
 * {@code xl_heap_header} (t_infomask2, t_infomask, t_hoff) followed by the tuple's bytes from offset
 * 23 on: the null bitmap, the padding up to {@code t_hoff}, then the column data.
 *
 * <table>
 * <caption>HeapTupleHeaderData, 23 bytes before the null bitmap (htup_details.h)</caption>
 * <tr><th>offset</th><th>size</th><th>C field</th></tr>
 * <tr><td>0</td><td>4</td><td>t_xmin (t_heap) / datum_len_ (t_datum: varlena header of a composite value)</td></tr>
 * <tr><td>4</td><td>4</td><td>t_xmax / datum_typmod</td></tr>
 * <tr><td>8</td><td>4</td><td>t_cid or t_xvac / datum_typeid</td></tr>
 * <tr><td>12</td><td>6</td><td>t_ctid (block hi u16, block lo u16, offset u16)</td></tr>
 * <tr><td>18</td><td>2</td><td>t_infomask2: number of attributes in the low 11 bits, plus flags</td></tr>
 * <tr><td>20</td><td>2</td><td>t_infomask: HEAP_HASNULL, HEAP_HASVARWIDTH, HEAP_HASEXTERNAL, ...</td></tr>
 * <tr><td>22</td><td>1</td><td>t_hoff: offset of the column data, MAXALIGNed, bitmap included</td></tr>
 * <tr><td>23</td><td>(natts+7)/8</td><td>t_bits: null bitmap when HEAP_HASNULL; bit (attnum-1), least
 *   significant first, set = not null</td></tr>
 * <tr><td>t_hoff</td><td>..</td><td>column data, each column aligned by its attalign relative to here
 *   ({@code att_align_pointer}/{@code att_align_nominal} in tupmacs.h)</td></tr>
 * </table>
 *
 * <p>Alignment codes ({@code pg_attribute.attalign}, tupmacs.h): {@code c} 1, {@code s} 2,
 * {@code i} 4, {@code d} 8 (MAXALIGN is 8 on every supported 64-bit platform).
 */
public final class HeapTupleHeaderLayout {

    public static final int T_XMIN = 0;
    public static final int T_XMAX = 4;
    public static final int T_CID = 8;
    public static final int T_CTID = 12;
    public static final int T_INFOMASK2 = 18;
    public static final int T_INFOMASK = 20;
    public static final int T_HOFF = 22;
    public static final int T_BITS = 23;
    /** SizeofHeapTupleHeader: offsetof(HeapTupleHeaderData, t_bits). */
    public static final int SIZE = 23;

    /** t_infomask2 & HEAP_NATTS_MASK = number of attributes stored in the tuple. */
    public static final int HEAP_NATTS_MASK = 0x07FF;

    /** t_infomask: the tuple has a null bitmap. */
    public static final int HEAP_HASNULL = 0x0001;
    /** t_infomask: the tuple has variable-width attributes. */
    public static final int HEAP_HASVARWIDTH = 0x0002;
    /** t_infomask: the tuple has external (TOAST) attributes. */
    public static final int HEAP_HASEXTERNAL = 0x0004;

    /** MAXIMUM_ALIGNOF on 64-bit platforms. */
    public static final int MAXALIGN = 8;

    private HeapTupleHeaderLayout() {
    }

    /**
     * Alignment in bytes of an attalign code: 'c' 1, 's' 2, 'i' 4, 'd' 8.
     *
     * @throws IllegalArgumentException for any other code
     */
    public static int alignment(char attalign) {
        switch (attalign) {
            case 'c':
                return 1;
            case 's':
                return 2;
            case 'i':
                return 4;
            case 'd':
                return 8;
            default:
                throw new IllegalArgumentException("attalign must be one of c, s, i, d: '" + attalign + "'");
        }
    }

    /** {@code TYPEALIGN}: rounds {@code offset} (relative to an aligned base) up to a multiple of {@code alignment}. */
    public static int align(int offset, int alignment) {
        return (offset + alignment - 1) & -alignment;
    }
}
