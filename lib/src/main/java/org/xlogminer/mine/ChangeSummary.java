package org.xlogminer.mine;

import org.xlogminer.decode.HeapRecordDecoder;
import org.xlogminer.util.LittleEndian;
import org.xlogminer.wal.reader.XLogRecordView;

/**
 * The change summary: a private format holding what a heap change needs of its record, kept in
 * the record's place until the transaction ends (a {@code TxAssembler.StoredRecord.Summary}): the
 * operation, the relation, the ctids, the speculative-insertion flags, and a MULTI_INSERT's offset
 * numbers. So a record need not be copied to be kept, nor parsed again where it is decoded.
 * Written by {@link #of} (on the reading thread, mostly) and read through {@link #wrap}, nowhere
 * else. Little-endian.
 *
 * <table>
 * <caption>A change summary (fields from access/heapam_xlog.h and the record's block reference)</caption>
 * <tr><th>offset</th><th>size</th><th>field</th><th>from</th></tr>
 * <tr><td>0</td><td>1</td><td>op: ordinal of {@link HeapRecordDecoder.Op}</td><td>xl_info</td></tr>
 * <tr><td>1</td><td>1</td><td>flags: {@value #SPECULATIVE} speculative insertion, {@value #SUPER_DELETE}
 *   super-delete</td><td>XLH_INSERT_IS_SPECULATIVE, XLH_DELETE_IS_SUPER</td></tr>
 * <tr><td>2</td><td>4</td><td>tablespace OID</td><td>RelFileLocator.spcOid of the new block</td></tr>
 * <tr><td>6</td><td>4</td><td>database OID</td><td>RelFileLocator.dbOid</td></tr>
 * <tr><td>10</td><td>4</td><td>relfilenode</td><td>RelFileLocator.relNumber</td></tr>
 * <tr><td>14</td><td>4</td><td>new block number</td><td>the new block reference</td></tr>
 * <tr><td>18</td><td>2</td><td>new offset number</td><td>xl_heap_insert.offnum,
 *   xl_heap_update.new_offnum, xl_heap_confirm.offnum</td></tr>
 * <tr><td>20</td><td>4</td><td>old block number (a DELETE's: the new block's, where its tuple is)</td>
 *   <td>the old block reference</td></tr>
 * <tr><td>24</td><td>2</td><td>old offset number</td><td>xl_heap_update.old_offnum,
 *   xl_heap_delete.offnum</td></tr>
 * <tr><td>26</td><td>2</td><td>n: a MULTI_INSERT's tuple count, else 0</td><td>xl_heap_multi_insert.ntuples</td></tr>
 * <tr><td>28</td><td>2 n</td><td>a MULTI_INSERT's offset numbers</td><td>xl_heap_multi_insert.offsets</td></tr>
 * </table>
 *
 * <p>A reader made with {@code new} is a reusable flyweight: not thread-safe. The static methods are.
 */
final class ChangeSummary {

    static final int OP = 0;
    static final int FLAGS = 1;
    static final int TABLESPACE = 2;
    static final int DATABASE = 6;
    static final int REL_NUMBER = 10;
    static final int NEW_BLOCK = 14;
    static final int NEW_OFFNUM = 18;
    static final int OLD_BLOCK = 20;
    static final int OLD_OFFNUM = 24;
    static final int COUNT = 26;
    static final int OFFSETS = 28;

    /** Flags. */
    static final int SPECULATIVE = 1;
    static final int SUPER_DELETE = 2;

    private static final HeapRecordDecoder.Op[] OPS = HeapRecordDecoder.Op.values();

    private byte[] b;

    /**
     * The summary of the heap change {@code heap} is wrapped on ({@code r}); null for a TRUNCATE,
     * which is kept whole. A MULTI_INSERT's tuples are not looked at, only its offsets.
     */
    static byte[] of(XLogRecordView r, HeapRecordDecoder heap) {
        HeapRecordDecoder.Op op = heap.op();
        if (op == HeapRecordDecoder.Op.TRUNCATE) {
            return null;
        }
        int n = op == HeapRecordDecoder.Op.MULTI_INSERT ? heap.count() : 0;
        byte[] b = new byte[OFFSETS + 2 * n];
        int nb = heap.newBlockIndex();
        boolean delete = op == HeapRecordDecoder.Op.DELETE;
        b[OP] = (byte) op.ordinal();
        b[FLAGS] = (byte) ((heap.isSpeculative() ? SPECULATIVE : 0) | (delete && heap.isSuperDelete() ? SUPER_DELETE : 0));
        LittleEndian.INT.set(b, TABLESPACE, r.tablespace(nb));
        LittleEndian.INT.set(b, DATABASE, r.database(nb));
        LittleEndian.INT.set(b, REL_NUMBER, r.relNumber(nb));
        LittleEndian.INT.set(b, NEW_BLOCK, (int) r.blockNumber(nb));
        LittleEndian.SHORT.set(b, NEW_OFFNUM, (short) heap.newOffnum());
        // the old ctid as the record's decoding makes it: a DELETE's tuple is in the new block
        LittleEndian.INT.set(b, OLD_BLOCK, (int) r.blockNumber(delete ? nb : heap.oldBlockIndex()));
        LittleEndian.SHORT.set(b, OLD_OFFNUM, (short) heap.oldOffnum());
        LittleEndian.SHORT.set(b, COUNT, (short) n);
        for (int i = 0; i < n; i++) {
            LittleEndian.SHORT.set(b, OFFSETS + 2 * i, (short) heap.multiInsertOffnum(i));
        }
        return b;
    }

    /** A summary's tablespace OID (as a record holds it: a signed int). */
    static int tablespace(byte[] b) {
        return (int) LittleEndian.INT.get(b, TABLESPACE);
    }

    /** A summary's database OID. */
    static int database(byte[] b) {
        return (int) LittleEndian.INT.get(b, DATABASE);
    }

    /** A summary's relfilenode. */
    static int relNumber(byte[] b) {
        return (int) LittleEndian.INT.get(b, REL_NUMBER);
    }

    /** Reads the summary {@code b} from now on. */
    ChangeSummary wrap(byte[] b) {
        this.b = b;
        return this;
    }

    HeapRecordDecoder.Op op() {
        return OPS[b[OP]];
    }

    boolean isSpeculative() {
        return (b[FLAGS] & SPECULATIVE) != 0;
    }

    boolean isSuperDelete() {
        return (b[FLAGS] & SUPER_DELETE) != 0;
    }

    int tablespace() {
        return tablespace(b);
    }

    int database() {
        return database(b);
    }

    int relNumber() {
        return relNumber(b);
    }

    long newBlock() {
        return block(NEW_BLOCK);
    }

    int newOffnum() {
        return u16(NEW_OFFNUM);
    }

    long oldBlock() {
        return block(OLD_BLOCK);
    }

    int oldOffnum() {
        return u16(OLD_OFFNUM);
    }

    /** A MULTI_INSERT's tuple count; 0 for the other operations. */
    int count() {
        return u16(COUNT);
    }

    /** The offset number of a MULTI_INSERT's tuple {@code i}. */
    int multiInsertOffnum(int i) {
        return u16(OFFSETS + 2 * i);
    }

    private long block(int at) {
        return Integer.toUnsignedLong((int) LittleEndian.INT.get(b, at));
    }

    private int u16(int at) {
        return (short) LittleEndian.SHORT.get(b, at) & 0xFFFF;
    }
}
