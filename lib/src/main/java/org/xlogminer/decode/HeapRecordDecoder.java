package org.xlogminer.decode;

import static org.xlogminer.decode.HeapLayout.*;

import java.nio.ByteBuffer;

import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.reader.XLogRecordView;
import org.xlogminer.wal.rmgr.RecordTypeNames;

/**
 * Decodes the Heap and Heap2 records that change rows: INSERT, MULTI_INSERT, UPDATE, HOT_UPDATE,
 * DELETE, TRUNCATE and CONFIRM (speculative insertion). Layouts in {@link HeapLayout}; the rules of
 * {@code heap_xlog_*} in {@code src/backend/access/heap/heapam.c} (redo) and of
 * {@code DecodeInsert}/{@code DecodeUpdate}/{@code DecodeDelete} in
 * {@code src/backend/replication/logical/decode.c}.
 *
 * <p>A reusable flyweight over the current {@link XLogRecordView}: valid until the view moves on.
 * The new tuple comes from block 0's data; an old tuple or key from the main data (logged at
 * wal_level=logical, per the table's replica identity). A tuple the record does not carry (an
 * image replaced the block data, or the level did not log it) is reported as not present, never
 * guessed.
 *
 * <p>Not thread-safe. Allocates nothing.
 */
public final class HeapRecordDecoder {

    /** What the record does to rows. */
    public enum Op { INSERT, MULTI_INSERT, UPDATE, HOT_UPDATE, DELETE, TRUNCATE, CONFIRM }

    /** Heap (rmid 10) opcode, {@code (info & XLOG_HEAP_OPMASK) >> 4}, to what it does to rows; null: nothing. */
    private static final Op[] HEAP_OPS = new Op[(XLOG_HEAP_OPMASK >> 4) + 1];

    static {
        HEAP_OPS[XLOG_HEAP_INSERT >> 4] = Op.INSERT;
        HEAP_OPS[XLOG_HEAP_DELETE >> 4] = Op.DELETE;
        HEAP_OPS[XLOG_HEAP_UPDATE >> 4] = Op.UPDATE;
        HEAP_OPS[XLOG_HEAP_HOT_UPDATE >> 4] = Op.HOT_UPDATE;
        HEAP_OPS[XLOG_HEAP_TRUNCATE >> 4] = Op.TRUNCATE;
        HEAP_OPS[XLOG_HEAP_CONFIRM >> 4] = Op.CONFIRM;
    }

    private XLogRecordView record;
    private Op op;
    private int flags;
    private int newBlock;
    private int oldBlock;
    private int newOffnum;
    private int oldOffnum;
    private int prefixLength;
    private int suffixLength;
    private final TupleRef newTuple = new TupleRef();
    private final TupleRef oldTuple = new TupleRef();

    // MULTI_INSERT iteration
    private int tupleCount;
    private int tupleIndex;
    private int tupleCursor;
    private int tupleDataEnd;
    private boolean initPage;

    /**
     * Points the decoder at a record.
     *
     * @return false when the record is not one that changes rows (so nothing is decoded)
     * @throws WalFormatException when the record is too short for what it claims to hold
     */
    public boolean wrap(XLogRecordView r) {
        this.record = r;
        newTuple.clear();
        oldTuple.clear();
        prefixLength = 0;
        suffixLength = 0;
        oldOffnum = 0;
        newOffnum = 0;
        tupleCount = 0;
        tupleIndex = 0;
        int rmid = r.rmid();
        int opcode = r.info() & XLOG_HEAP_OPMASK;
        initPage = (r.info() & XLOG_HEAP_INIT_PAGE) != 0;
        Op o = rmid == RecordTypeNames.RM_HEAP_ID ? HEAP_OPS[opcode >> 4]
            : rmid == RecordTypeNames.RM_HEAP2_ID && opcode == XLOG_HEAP2_MULTI_INSERT ? Op.MULTI_INSERT : null;
        if (o == null) {
            return false;
        }
        op = o;
        newBlock = r.indexOfBlock(0);
        oldBlock = newBlock;
        if (op != Op.TRUNCATE && newBlock < 0) {
            throw malformed("no block 0");
        }
        switch (op) {
            case INSERT -> decodeInsert();
            case MULTI_INSERT -> decodeMultiInsert();
            case UPDATE, HOT_UPDATE -> decodeUpdate();
            case DELETE -> decodeDelete();
            case TRUNCATE -> decodeTruncate();
            case CONFIRM -> decodeConfirm();
        }
        return true;
    }

    private void decodeConfirm() {
        need(SIZE_OF_HEAP_CONFIRM);
        newOffnum = main().getShort(record.mainDataOffset() + HEAP_CONFIRM_OFFNUM) & 0xFFFF;
        flags = 0;
    }

    private void decodeInsert() {
        need(SIZE_OF_HEAP_INSERT);
        ByteBuffer b = main();
        int m = record.mainDataOffset();
        newOffnum = b.getShort(m + HEAP_INSERT_OFFNUM) & 0xFFFF;
        flags = b.get(m + HEAP_INSERT_FLAGS) & 0xFF;
        if (record.hasData(newBlock)) {
            int d = record.dataOffset(newBlock);
            if (!newTuple.setFromHeader(b, d, d + record.dataLength(newBlock))) {
                throw malformed("insert block data shorter than xl_heap_header");
            }
        }
    }

    private void decodeDelete() {
        need(SIZE_OF_HEAP_DELETE);
        ByteBuffer b = main();
        int m = record.mainDataOffset();
        oldOffnum = b.getShort(m + HEAP_DELETE_OFFNUM) & 0xFFFF;
        flags = b.get(m + HEAP_DELETE_FLAGS) & 0xFF;
        if ((flags & (XLH_DELETE_CONTAINS_OLD_TUPLE | XLH_DELETE_CONTAINS_OLD_KEY)) != 0
            && !oldTuple.setFromHeader(b, m + SIZE_OF_HEAP_DELETE, m + record.mainDataLength())) {
            throw malformed("delete claims an old tuple but main data is too short");
        }
    }

    private void decodeUpdate() {
        need(SIZE_OF_HEAP_UPDATE);
        ByteBuffer b = main();
        int m = record.mainDataOffset();
        oldOffnum = b.getShort(m + HEAP_UPDATE_OLD_OFFNUM) & 0xFFFF;
        flags = b.get(m + HEAP_UPDATE_FLAGS) & 0xFF;
        newOffnum = b.getShort(m + HEAP_UPDATE_NEW_OFFNUM) & 0xFFFF;
        int ob = record.indexOfBlock(1);
        if (ob >= 0 && record.forkNumber(ob) == 0) {
            oldBlock = ob;
        }
        if ((flags & (XLH_UPDATE_CONTAINS_OLD_TUPLE | XLH_UPDATE_CONTAINS_OLD_KEY)) != 0
            && !oldTuple.setFromHeader(b, m + SIZE_OF_HEAP_UPDATE, m + record.mainDataLength())) {
            throw malformed("update claims an old tuple but main data is too short");
        }
        if (record.hasData(newBlock)) {
            int d = record.dataOffset(newBlock);
            int end = d + record.dataLength(newBlock);
            if ((flags & XLH_UPDATE_PREFIX_FROM_OLD) != 0) {
                prefixLength = b.getShort(d) & 0xFFFF;
                d += SIZE_OF_PREFIX_SUFFIX_LEN;
            }
            if ((flags & XLH_UPDATE_SUFFIX_FROM_OLD) != 0) {
                suffixLength = b.getShort(d) & 0xFFFF;
                d += SIZE_OF_PREFIX_SUFFIX_LEN;
            }
            if (!newTuple.setFromHeader(b, d, end)) {
                throw malformed("update block data shorter than xl_heap_header");
            }
        }
    }

    private void decodeMultiInsert() {
        need(SIZE_OF_HEAP_MULTI_INSERT);
        ByteBuffer b = main();
        int m = record.mainDataOffset();
        flags = b.get(m + HEAP_MULTI_INSERT_FLAGS) & 0xFF;
        tupleCount = b.getShort(m + HEAP_MULTI_INSERT_NTUPLES) & 0xFFFF;
        if (!initPage) {
            need(SIZE_OF_HEAP_MULTI_INSERT + SIZE_OF_OFFSET_NUMBER * tupleCount);
        }
        if (record.hasData(newBlock)) {
            tupleCursor = record.dataOffset(newBlock);
            tupleDataEnd = tupleCursor + record.dataLength(newBlock);
        } else {
            tupleCursor = -1;
        }
    }

    private void decodeTruncate() {
        need(SIZE_OF_HEAP_TRUNCATE);
        ByteBuffer b = main();
        int m = record.mainDataOffset();
        tupleCount = b.getInt(m + HEAP_TRUNCATE_NRELIDS);
        flags = b.get(m + HEAP_TRUNCATE_FLAGS) & 0xFF;
        if (tupleCount < 0) {
            throw malformed("negative relation count in truncate");
        }
        need(SIZE_OF_HEAP_TRUNCATE + (long) SIZE_OF_OID * tupleCount);
    }

    public Op op() {
        return op;
    }

    public XLogRecordView record() {
        return record;
    }

    /** The xl_heap_* flags byte. */
    public int flags() {
        return flags;
    }

    /** Whether the record initialised a fresh page (INIT_PAGE). */
    public boolean initPage() {
        return initPage;
    }

    /** Index in the record of the block holding the new (or deleted, for DELETE) tuple. */
    public int newBlockIndex() {
        return newBlock;
    }

    /** Index of the block holding the old tuple of an update (the new block's for HOT). */
    public int oldBlockIndex() {
        return oldBlock;
    }

    /** Offset number of the new tuple (INSERT, UPDATE, CONFIRM). */
    public int newOffnum() {
        return newOffnum;
    }

    /** Offset number of the old tuple (UPDATE, DELETE). */
    public int oldOffnum() {
        return oldOffnum;
    }

    public TupleRef newTuple() {
        return newTuple;
    }

    /** The old row (REPLICA IDENTITY FULL) or its key, when logged. */
    public TupleRef oldTuple() {
        return oldTuple;
    }

    /** Whether {@link #oldTuple()} is only the replica-identity key (other columns NULL). */
    public boolean oldTupleIsKeyOnly() {
        int keyFlag = op == Op.DELETE ? XLH_DELETE_CONTAINS_OLD_KEY : XLH_UPDATE_CONTAINS_OLD_KEY;
        return oldTuple.present() && (flags & keyFlag) != 0;
    }

    /** Bytes of column data the new tuple shares with the old at its start (not logged). */
    public int prefixLength() {
        return prefixLength;
    }

    /** Bytes of column data the new tuple shares with the old at its end (not logged). */
    public int suffixLength() {
        return suffixLength;
    }

    public boolean isSpeculative() {
        return op == Op.INSERT && (flags & XLH_INSERT_IS_SPECULATIVE) != 0;
    }

    /** A DELETE that kills a speculatively inserted tuple (INSERT ... ON CONFLICT lost). */
    public boolean isSuperDelete() {
        return op == Op.DELETE && (flags & XLH_DELETE_IS_SUPER) != 0;
    }

    /** A DELETE that is half of an UPDATE moving a row to another partition. */
    public boolean isPartitionMove() {
        return op == Op.DELETE && (flags & XLH_DELETE_IS_PARTITION_MOVE) != 0;
    }

    /** The insert went into a TOAST table (14+; on 13 tell by the relation). */
    public boolean onToastRelation() {
        return (op == Op.INSERT || op == Op.MULTI_INSERT) && (flags & XLH_INSERT_ON_TOAST_RELATION) != 0;
    }

    // ---- MULTI_INSERT ----------------------------------------------------------------------------

    /** Tuples in a MULTI_INSERT; relations in a TRUNCATE. */
    public int count() {
        return tupleCount;
    }

    /** Whether the MULTI_INSERT logged its tuples (false: an image replaced the block data). */
    public boolean multiInsertHasTuples() {
        return tupleCursor >= 0;
    }

    /**
     * Moves {@link #newTuple()} and {@link #newOffnum()} to the next tuple of a MULTI_INSERT.
     *
     * @return false after the last one
     */
    public boolean nextTuple() {
        if (op != Op.MULTI_INSERT || tupleIndex >= tupleCount || tupleCursor < 0) {
            return false;
        }
        ByteBuffer b = main();
        int p = (tupleCursor - record.dataOffset(newBlock) + 1) & ~1; // SHORTALIGN from the data start
        p += record.dataOffset(newBlock);
        if (tupleDataEnd - p < SIZE_OF_MULTI_INSERT_TUPLE) {
            throw malformed("multi-insert data ends inside tuple " + tupleIndex);
        }
        int datalen = b.getShort(p + MULTI_INSERT_TUPLE_DATALEN) & 0xFFFF;
        int mask2 = b.getShort(p + MULTI_INSERT_TUPLE_T_INFOMASK2) & 0xFFFF;
        int mask = b.getShort(p + MULTI_INSERT_TUPLE_T_INFOMASK) & 0xFFFF;
        int hoff = b.get(p + MULTI_INSERT_TUPLE_T_HOFF) & 0xFF;
        int data = p + SIZE_OF_MULTI_INSERT_TUPLE;
        if (data + datalen > tupleDataEnd) {
            throw malformed("multi-insert tuple " + tupleIndex + " runs past the block data");
        }
        newTuple.set(b, data, datalen, mask2, mask, hoff);
        newOffnum = multiInsertOffnum(tupleIndex);
        tupleCursor = data + datalen;
        tupleIndex++;
        return true;
    }

    /** Offset number of the i-th tuple of a MULTI_INSERT (from its offsets, or i + 1 on a fresh page). */
    public int multiInsertOffnum(int i) {
        return initPage ? i + 1
            : record.buffer().getShort(record.mainDataOffset() + HEAP_MULTI_INSERT_OFFSETS + SIZE_OF_OFFSET_NUMBER * i) & 0xFFFF;
    }

    // ---- TRUNCATE --------------------------------------------------------------------------------

    /** pg_class OID of the i-th truncated relation. */
    public long truncatedRelid(int i) {
        return Integer.toUnsignedLong(main().getInt(record.mainDataOffset() + HEAP_TRUNCATE_RELIDS + SIZE_OF_OID * i));
    }

    public long truncateDatabase() {
        return Integer.toUnsignedLong(main().getInt(record.mainDataOffset() + HEAP_TRUNCATE_DBID));
    }

    private ByteBuffer main() {
        return record.buffer();
    }

    private void need(long bytes) {
        if (record.mainDataLength() < bytes) {
            throw malformed("main data has " + record.mainDataLength() + " bytes, needs " + bytes);
        }
    }

    private WalFormatException malformed(String what) {
        return new WalFormatException("malformed heap record (" + op + "): " + what + " rmid=" + record.rmid(),
            null, record.lsn());
    }
}
