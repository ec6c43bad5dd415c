package org.xlogminer.mine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.decode.HeapRecordDecoder;
import org.xlogminer.decode.TupleRef;
import org.xlogminer.event.Column;
import org.xlogminer.event.Row;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.Source;
import org.xlogminer.event.TableName;
import org.xlogminer.event.Value;
import org.xlogminer.tuple.AttributeState;
import org.xlogminer.tuple.DatumDecompressor;
import org.xlogminer.tuple.DeformedTuple;
import org.xlogminer.tuple.HeapTupleDeformer;
import org.xlogminer.tuple.TupleFormatException;
import org.xlogminer.tuple.VarlenaKind;
import org.xlogminer.tx.TxAssembler;
import org.xlogminer.types.FormatWarnings;
import org.xlogminer.types.ValueFormatter;
import org.xlogminer.types.ValueFormatters;
import org.xlogminer.util.LittleEndian;
import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.WalVersion;
import org.xlogminer.wal.reader.XLogRecordView;

/**
 * Turns the records of one ended transaction into row changes: deforms the logged tuples with the
 * catalog, rebuilds TOASTed values from chunks seen in the WAL read, decompresses, and formats
 * every value once as text and as an SQL literal. What the records do not hold becomes
 * {@link Value.Unknown} with the reason.
 *
 * <p>Per table, the deformer and one formatter per column are made once and reused.
 *
 * <p>Not thread-safe. A decoder made without a TOAST store and pages decodes only transactions
 * with no TOAST-table record and no tuple flagged HEAP_HASEXTERNAL (see {@link #needsMinerState}).
 */
final class RowDecoder {

    /** The per-table plan: how to deform and format its rows. */
    private static final class TablePlan {
        final TableInfo table;
        final HeapTupleDeformer deformer;
        final ValueFormatter[] formatters;
        /** The columns of rows made from bytes (the dropped left out). */
        final Row.Layout layout;

        TablePlan(TableInfo table, HeapTupleDeformer deformer, ValueFormatter[] formatters) {
            this.table = table;
            this.deformer = deformer;
            this.formatters = formatters;
            List<String> names = new ArrayList<>();
            List<ValueFormatter> kept = new ArrayList<>();
            for (int i = 0; i < formatters.length; i++) {
                if (formatters[i] != null) {
                    names.add(table.columns().get(i).name());
                    kept.add(formatters[i]);
                }
            }
            this.layout = new Row.Layout(names, kept);
        }
    }

    private final CatalogSnapshot catalog;
    private final WalVersion version;
    private final ToastStore toast;
    private final org.xlogminer.page.PageTracker pages;
    private final ValueFormatters formatters;
    private final Map<Long, TablePlan> plans = new HashMap<>();
    private final TablePlan[] recentPlans = new TablePlan[8];
    private int nextRecent;
    private final XLogRecordView view = new XLogRecordView();
    private final HeapRecordDecoder heap = new HeapRecordDecoder();
    private final DatumDecompressor decompressor = new DatumDecompressor();
    /** Marks, inside one row, a value whose TOAST chunks were not found; see missingToast. */
    private static final Value MISSING_TOAST = new Value.Unknown("missing TOAST chunks");
    /** Output positions of the last decoded row whose TOAST chunks were not found. */
    private final java.util.BitSet missingToast = new java.util.BitSet();
    private Value missingToastValue;
    private final StringBuilder literal = new StringBuilder(256);
    /** The LSN of the record being decoded, for messages. */
    private long recordLsn;

    /** Rows without columns, for counting: see {@link Miner.Builder#values(boolean)}. */
    private static final Row NO_VALUES = new Row(List.of());
    private final boolean values;

    RowDecoder(CatalogSnapshot catalog, WalVersion version, ToastStore toast, FormatWarnings warnings,
               org.xlogminer.page.PageTracker pages, boolean values) {
        this.values = values;
        this.pages = pages;
        this.catalog = catalog;
        this.version = version;
        this.toast = toast;
        this.formatters = new ValueFormatters(catalog.types(), catalog.major(), warnings);
    }

    /** The WAL version it decodes. */
    WalVersion version() {
        return version;
    }

    /** Hands each row change of a transaction's records to the sink, in WAL order, as it is decoded. */
    void decode(Iterable<TxAssembler.StoredRecord> records, long xid, long commitLsn, Instant commitTime,
                java.util.function.Consumer<RowChange> sink) {
        ChangeSink out = new ChangeSink(sink);
        for (TxAssembler.StoredRecord s : records) {
            recordLsn = s.lsn();
            if (s instanceof TxAssembler.StoredRecord.Summary m) {
                fromSummary(out, m, xid, commitLsn, commitTime);
                continue;
            }
            TxAssembler.StoredRecord.Copy c = (TxAssembler.StoredRecord.Copy) s;
            XLogRecordView r = view.wrapCopy(s.bytes(), s.lsn(), s.endLsn(), version);
            if (!heap.wrap(r)) {
                continue;
            }
            if (heap.op() == HeapRecordDecoder.Op.TRUNCATE) {
                truncate(out, r, xid, commitLsn, commitTime);
                continue;
            }
            int nb = heap.newBlockIndex();
            TableInfo table = catalog.tableByRelfilenode(Integer.toUnsignedLong(r.tablespace(nb)),
                Integer.toUnsignedLong(r.database(nb)), Integer.toUnsignedLong(r.relNumber(nb)));
            if (table == null) {
                continue; // filtered when kept; a table unknown here was dropped from the catalog meanwhile
            }
            if (table.relkind() == 't') {
                if (values) {
                    toastChunks(table);
                }
                continue;
            }
            TablePlan plan = plan(table);
            long newTid = Source.tid(r.blockNumber(nb), heap.newOffnum());
            long oldTid = Source.tid(r.blockNumber(heap.oldBlockIndex()), heap.oldOffnum());
            switch (heap.op()) {
                case INSERT -> {
                    Source src = source(s.lsn(), commitLsn, xid, commitTime, table, NO_TID, newTid);
                    out.insert(new RowChange.Insert(src, newRow(plan, "inserted", s)), heap.isSpeculative());
                }
                case MULTI_INSERT -> {
                    if (!heap.multiInsertHasTuples()) {
                        for (int i = 0; i < heap.count(); i++) {
                            byte[] t = c.pageMultiTuples() == null ? null : c.pageMultiTuples()[i];
                            out.add(new RowChange.Insert(source(s.lsn(), commitLsn, xid, commitTime, table, NO_TID,
                                Source.tid(r.blockNumber(nb), heap.multiInsertOffnum(i))), t != null ? wholeRow(plan, t)
                                : unknownRow(plan, "the inserted row is not in the record (a full-page image replaced it) "
                                    + "and its page was not tracked")));
                        }
                    }
                    while (heap.nextTuple()) {
                        out.add(new RowChange.Insert(source(s.lsn(), commitLsn, xid, commitTime, table, NO_TID,
                            Source.tid(r.blockNumber(nb), heap.newOffnum())), row(plan, heap.newTuple(), false)));
                    }
                }
                case CONFIRM -> out.confirm(Source.ctidText(newTid));
                case UPDATE, HOT_UPDATE -> {
                    Row before = oldRow(plan, s);
                    Row after = unchangedToastFromOld(newRow(plan, "updated", s), before);
                    out.add(new RowChange.Update(source(s.lsn(), commitLsn, xid, commitTime, table, oldTid, newTid),
                        before, after));
                }
                case DELETE -> {
                    if (heap.isSuperDelete()) {
                        out.superDelete(Source.ctidText(oldTidOfDelete(r)));
                        continue;
                    }
                    out.add(new RowChange.Delete(source(s.lsn(), commitLsn, xid, commitTime, table,
                        oldTidOfDelete(r), NO_TID), oldRow(plan, s)));
                }
                default -> { }
            }
        }
    }

    /** t_infomask's HEAP_HASEXTERNAL: the tuple holds a TOAST pointer. */
    private static final int HEAP_HASEXTERNAL = 0x0004;

    /**
     * Whether decoding a heap change of {@code table} (its decoder wrapped on the record, with the
     * tuples its pages gave) needs the miner's TOAST store or pages: a TOAST table's chunk, a tuple
     * with a TOAST pointer, a MULTI_INSERT (whose tuples are not looked at here).
     */
    static boolean needsMinerState(TableInfo table, HeapRecordDecoder heap, byte[] pageOld, byte[] pageNew,
                                   byte[][] pageMulti) {
        if (table.relkind() == 't' || heap.op() == HeapRecordDecoder.Op.MULTI_INSERT || pageMulti != null) {
            return true;
        }
        return external(heap.newTuple()) || external(heap.oldTuple()) || external(pageOld) || external(pageNew);
    }

    private static boolean external(TupleRef t) {
        return t.present() && (t.infomask() & HEAP_HASEXTERNAL) != 0;
    }

    private static boolean external(byte[] wholeTuple) {
        return wholeTuple != null && (wholeTuple[20] & HEAP_HASEXTERNAL) != 0;
    }

    /**
     * An UPDATE that changes a TOASTed value writes its new chunks in the same transaction; one that
     * leaves it alone logs the old pointer. So a pointer whose chunks are not in the WAL read is the
     * old value (as PostgreSQL's own logical decoding reasons), which the old row may hold.
     */
    private Row unchangedToastFromOld(Row after, Row before) {
        if (missingToast.isEmpty()) {
            return after;
        }
        List<Column> cols = new ArrayList<>(after.columns());
        for (int i = missingToast.nextSetBit(0); i >= 0; i = missingToast.nextSetBit(i + 1)) {
            Column a = cols.get(i);
            Column b = before.column(a.name());
            if (b != null) {
                // the old value, known or not: the same unknown on both sides is "unchanged" to the SQL
                cols.set(i, new Column(a.name(), a.type(), b.value()));
            } else {
                cols.set(i, new Column(a.name(), a.type(), new Value.Unknown(
                    "unchanged TOAST value: neither its chunks nor the old row are in the WAL read")));
            }
        }
        return new Row(cols);
    }

    // ---- changes without values, from a summary of their record --------------------------------

    private static final HeapRecordDecoder.Op[] OPS = HeapRecordDecoder.Op.values();
    private static final int SPECULATIVE = 1;
    private static final int SUPER_DELETE = 2;
    /**
     * A summary's layout (little-endian): int 0, byte op, byte flags, int tablespace, int database,
     * int relfilenode, int new block, short new offnum, int old block, short old offnum, short n,
     * then a MULTI_INSERT's n offnums.
     */
    private static final int AT_OP = 4;
    private static final int AT_FLAGS = 5;
    private static final int AT_TABLESPACE = 6;
    private static final int AT_DATABASE = 10;
    private static final int AT_REL = 14;
    private static final int AT_NEW_BLOCK = 18;
    private static final int AT_NEW_OFFNUM = 22;
    private static final int AT_OLD_BLOCK = 24;
    private static final int AT_OLD_OFFNUM = 28;
    private static final int AT_COUNT = 30;
    private static final int SUMMARY_HEAD = 32;

    /**
     * What a change without values (Miner.Builder.values(false)) needs of its heap record, for the
     * miner to keep in the record's place until the commit: the operation, the relation, the ctids
     * and the speculative-insertion flags; {@link #decode} then makes the same changes as from the
     * record, without parsing it again (with values, from the whole tuples kept beside it: see
     * {@link #decoded}). A summary starts with an int 0 where a record starts with
     * its length (at least 24). {@code heap} is wrapped on {@code r}; null for a TRUNCATE, which is
     * kept whole. A MULTI_INSERT's tuples are not looked at, only its offsets.
     */
    static byte[] summary(XLogRecordView r, HeapRecordDecoder heap) {
        HeapRecordDecoder.Op op = heap.op();
        if (op == HeapRecordDecoder.Op.TRUNCATE) {
            return null;
        }
        int n = op == HeapRecordDecoder.Op.MULTI_INSERT ? heap.count() : 0;
        byte[] b = new byte[SUMMARY_HEAD + 2 * n]; // starts with the int 0
        int nb = heap.newBlockIndex();
        boolean delete = op == HeapRecordDecoder.Op.DELETE;
        b[AT_OP] = (byte) op.ordinal();
        b[AT_FLAGS] = (byte) ((heap.isSpeculative() ? SPECULATIVE : 0) | (delete && heap.isSuperDelete() ? SUPER_DELETE : 0));
        LittleEndian.INT.set(b, AT_TABLESPACE, r.tablespace(nb));
        LittleEndian.INT.set(b, AT_DATABASE, r.database(nb));
        LittleEndian.INT.set(b, AT_REL, r.relNumber(nb));
        LittleEndian.INT.set(b, AT_NEW_BLOCK, (int) r.blockNumber(nb));
        LittleEndian.SHORT.set(b, AT_NEW_OFFNUM, (short) heap.newOffnum());
        // the old ctid as decode() makes it: a DELETE's tuple is in the new block
        LittleEndian.INT.set(b, AT_OLD_BLOCK, (int) r.blockNumber(delete ? nb : heap.oldBlockIndex()));
        LittleEndian.SHORT.set(b, AT_OLD_OFFNUM, (short) heap.oldOffnum());
        LittleEndian.SHORT.set(b, AT_COUNT, (short) n);
        for (int i = 0; i < n; i++) {
            LittleEndian.SHORT.set(b, SUMMARY_HEAD + 2 * i, (short) heap.multiInsertOffnum(i));
        }
        return b;
    }

    /** A summary's tablespace OID (as a record holds it: a signed int). */
    static int summaryTablespace(byte[] b) {
        return (int) LittleEndian.INT.get(b, AT_TABLESPACE);
    }

    /** A summary's database OID. */
    static int summaryDatabase(byte[] b) {
        return (int) LittleEndian.INT.get(b, AT_DATABASE);
    }

    /** A summary's relfilenode. */
    static int summaryRelNumber(byte[] b) {
        return (int) LittleEndian.INT.get(b, AT_REL);
    }

    private static long summaryBlock(byte[] b, int at) {
        return Integer.toUnsignedLong((int) LittleEndian.INT.get(b, at));
    }

    private static int summaryShort(byte[] b, int at) {
        return (short) LittleEndian.SHORT.get(b, at) & 0xFFFF;
    }

    private void fromSummary(ChangeSink out, TxAssembler.StoredRecord.Summary s, long xid, long commitLsn,
                             Instant commitTime) {
        byte[] b = s.bytes();
        long lsn = s.lsn();
        TableInfo table = catalog.tableByRelfilenode(Integer.toUnsignedLong(summaryTablespace(b)),
            Integer.toUnsignedLong(summaryDatabase(b)), Integer.toUnsignedLong(summaryRelNumber(b)));
        if (table == null || table.relkind() == 't') {
            return; // as decode(): dropped from the catalog meanwhile, or a TOAST table
        }
        long block = summaryBlock(b, AT_NEW_BLOCK);
        long newTid = Source.tid(block, summaryShort(b, AT_NEW_OFFNUM));
        long oldTid = Source.tid(summaryBlock(b, AT_OLD_BLOCK), summaryShort(b, AT_OLD_OFFNUM));
        int flags = b[AT_FLAGS];
        TablePlan plan = values ? plan(table) : null;
        switch (OPS[b[AT_OP]]) {
            case INSERT -> out.insert(new RowChange.Insert(source(lsn, commitLsn, xid, commitTime, table, NO_TID, newTid),
                summaryRow(plan, s.pageNewTuple())), (flags & SPECULATIVE) != 0);
            case MULTI_INSERT -> {
                int n = summaryShort(b, AT_COUNT);
                for (int i = 0; i < n; i++) {
                    out.add(new RowChange.Insert(source(lsn, commitLsn, xid, commitTime, table, NO_TID,
                        Source.tid(block, summaryShort(b, SUMMARY_HEAD + 2 * i))), NO_VALUES));
                }
            }
            case CONFIRM -> out.confirm(Source.ctidText(newTid));
            case UPDATE, HOT_UPDATE -> {
                Row before = summaryRow(plan, s.pageOldTuple());
                Row after = unchangedToastFromOld(summaryRow(plan, s.pageNewTuple()), before); // as decode()
                out.add(new RowChange.Update(source(lsn, commitLsn, xid, commitTime, table, oldTid, newTid), before,
                    after));
            }
            case DELETE -> {
                if ((flags & SUPER_DELETE) != 0) {
                    out.superDelete(Source.ctidText(oldTid));
                } else {
                    out.add(new RowChange.Delete(source(lsn, commitLsn, xid, commitTime, table, oldTid, NO_TID),
                        summaryRow(plan, s.pageOldTuple())));
                }
            }
            default -> { }
        }
    }

    /**
     * A row of a summary: none without values; else the whole tuple {@link #decoded} kept (never
     * missing where it kept the summary, but not guessed if it were).
     */
    private Row summaryRow(TablePlan plan, byte[] wholeTuple) {
        if (!values) {
            return NO_VALUES;
        }
        return wholeTuple != null ? wholeRow(plan, wholeTuple)
            : unknownRow(plan, "the row was not kept with the summary of its record");
    }

    /**
     * The heap change of {@code table} (the decoder wrapped on the record, with the tuples its pages
     * gave) as {@link #decode} would take it, when a summary and whole tuples hold all it takes: the
     * summary in the record's place, the old and new rows as whole tuples (the pages', or made from
     * the record's own). So the record is not copied to be kept, nor parsed again where it is decoded
     * (the thread of an AsyncChangeHandler, mostly). Null when decode() needs the record itself: a
     * TOAST table's chunk, a MULTI_INSERT, a TRUNCATE, a row the record logs only in part (a key, the
     * bytes that differ) that no page completes, a row neither logs.
     */
    static TxAssembler.StoredRecord decoded(XLogRecordView r, HeapRecordDecoder heap, TableInfo table, byte[] pageOld,
                                            byte[] pageNew) {
        if (table.relkind() == 't') {
            return null;
        }
        byte[] oldT = null;
        byte[] newT = null;
        switch (heap.op()) {
            case INSERT -> {
                newT = newTuple(heap, pageNew);
                if (newT == null) {
                    return null;
                }
            }
            case UPDATE, HOT_UPDATE -> {
                oldT = oldTuple(heap, pageOld);
                newT = newTuple(heap, pageNew);
                if (oldT == null || newT == null) {
                    return null;
                }
            }
            case DELETE -> {
                if (!heap.isSuperDelete()) {
                    oldT = oldTuple(heap, pageOld);
                    if (oldT == null) {
                        return null;
                    }
                }
            }
            case CONFIRM -> { }
            default -> {
                return null;
            }
        }
        return new TxAssembler.StoredRecord.Summary(r.lsn(), r.endLsn(), summary(r, heap), oldT, newT);
    }

    /** The new row's whole tuple, where {@link #newRow} finds it whole: the page's or the record's; or null. */
    private static byte[] newTuple(HeapRecordDecoder heap, byte[] pageNew) {
        return newRowFromPage(heap) ? pageNew : org.xlogminer.page.PageTracker.tuple(heap.newTuple(), 0, 0, null);
    }

    /** The old row's whole tuple, where {@link #oldRow} finds it whole: the page's or the record's; or null. */
    private static byte[] oldTuple(HeapRecordDecoder heap, byte[] pageOld) {
        return oldRowFromPage(heap) ? pageOld : org.xlogminer.page.PageTracker.tuple(heap.oldTuple(), 0, 0, null);
    }

    /**
     * Adapts a consumer to the decoding loop, and holds a transaction's speculative insertions
     * (INSERT ... ON CONFLICT) by ctid until their CONFIRM hands them on or a super-delete drops them.
     */
    private static final class ChangeSink {
        private final java.util.function.Consumer<RowChange> sink;
        private Map<String, RowChange.Insert> speculative;

        ChangeSink(java.util.function.Consumer<RowChange> sink) {
            this.sink = sink;
        }

        void add(RowChange c) {
            sink.accept(c);
        }

        /** An insert: handed on, or held under its new ctid when speculative. */
        void insert(RowChange.Insert ins, boolean isSpeculative) {
            if (!isSpeculative) {
                add(ins);
                return;
            }
            if (speculative == null) {
                speculative = new HashMap<>();
            }
            speculative.put(ins.source().newCtid(), ins);
        }

        /** The speculative insert at this ctid is confirmed: handed on. */
        void confirm(String ctid) {
            RowChange.Insert ins = speculative == null ? null : speculative.remove(ctid);
            if (ins != null) {
                add(ins);
            }
        }

        /** The speculative insert at this ctid lost its conflict: dropped. */
        void superDelete(String ctid) {
            if (speculative != null) {
                speculative.remove(ctid);
            }
        }
    }

    private long oldTidOfDelete(XLogRecordView r) {
        return Source.tid(r.blockNumber(heap.newBlockIndex()), heap.oldOffnum());
    }

    private void truncate(ChangeSink out, XLogRecordView r, long xid, long commitLsn, Instant commitTime) {
        if (heap.truncateDatabase() != catalog.databaseOid()) {
            return;
        }
        List<TableName> names = new ArrayList<>();
        TableInfo first = null;
        for (int i = 0; i < heap.count(); i++) {
            TableInfo t = catalog.tableByOid(heap.truncatedRelid(i));
            if (t != null && t.relkind() != 't') {
                names.add(new TableName(t.schema(), t.name()));
                if (first == null) {
                    first = t;
                }
            }
        }
        if (first != null) {
            int f = heap.flags();
            out.add(new RowChange.Truncate(source(r.lsn(), commitLsn, xid, commitTime, first, NO_TID, NO_TID), names,
                (f & org.xlogminer.decode.HeapLayout.XLH_TRUNCATE_CASCADE) != 0,
                (f & org.xlogminer.decode.HeapLayout.XLH_TRUNCATE_RESTART_SEQS) != 0));
        }
    }

    /** A chunk inserted into a TOAST table: keep it for the rows that point at it. */
    private void toastChunks(TableInfo toastTable) {
        if (heap.op() == HeapRecordDecoder.Op.INSERT) {
            toastChunk(toastTable, heap.newTuple());
        } else if (heap.op() == HeapRecordDecoder.Op.MULTI_INSERT) {
            while (heap.nextTuple()) {
                toastChunk(toastTable, heap.newTuple());
            }
        }
    }

    private void toastChunk(TableInfo toastTable, TupleRef t) {
        if (!t.present()) {
            return;
        }
        DeformedTuple d = plan(toastTable).deformer.deform(t.buffer(), t.offset(), t.length(), t.infomask2(),
            t.infomask(), t.hoff());
        if (d.columnCount() < 3 || !d.isPresent(0) || !d.isPresent(1) || !d.isPresent(2) || !d.isInlineUncompressed(2)) {
            return;
        }
        ByteBuffer b = d.buffer();
        long chunkId = Integer.toUnsignedLong(b.getInt(d.payloadOffset(0)));
        int seq = b.getInt(d.payloadOffset(1));
        byte[] data = new byte[d.payloadLength(2)];
        b.get(d.payloadOffset(2), data);
        toast.addChunk(toastTable.oid(), chunkId, seq, data);
    }

    private TablePlan plan(TableInfo table) {
        for (TablePlan r : recentPlans) {
            if (r != null && r.table == table) {
                return r; // a transaction touches a few tables: no boxed map look-up
            }
        }
        TablePlan p = plans.get(table.oid());
        if (p == null) {
            ValueFormatter[] f = new ValueFormatter[table.columns().size()];
            for (int i = 0; i < f.length; i++) {
                ColumnInfo c = table.columns().get(i);
                if (!c.dropped()) {
                    f[i] = formatters.forColumn(c);
                }
            }
            p = new TablePlan(table, HeapTupleDeformer.forTable(table), f);
            plans.put(table.oid(), p);
        }
        recentPlans[nextRecent] = p;
        nextRecent = (nextRecent + 1) % recentPlans.length;
        return p;
    }

    /**
     * Whether the new row of an INSERT or UPDATE must come from its page: the record does not log
     * it whole (an image replaced it, or only the bytes that differ from the old version are logged).
     * The one rule the miner fetches by, and the decoders take the row by.
     */
    static boolean newRowFromPage(HeapRecordDecoder heap) {
        return !heap.newTuple().present() || heap.prefixLength() + heap.suffixLength() > 0;
    }

    /**
     * Whether the old row of an UPDATE or DELETE must come from its page: the record logs none of it
     * (wal_level=replica, or REPLICA IDENTITY NOTHING/DEFAULT) or only its key.
     */
    static boolean oldRowFromPage(HeapRecordDecoder heap) {
        return !heap.oldTuple().present() || heap.oldTupleIsKeyOnly();
    }

    private Row newRow(TablePlan plan, String what, TxAssembler.StoredRecord s) {
        TupleRef t = heap.newTuple();
        if (!newRowFromPage(heap)) {
            return row(plan, t, false);
        }
        if (s.pageNewTuple() != null) {
            return wholeRow(plan, s.pageNewTuple());
        }
        if (!t.present()) {
            return unknownRow(plan, "the " + what + " row is not in the record (a full-page image replaced it) "
                + "and its page was not tracked");
        }
        return unknownRow(plan, "the record logs only the bytes that differ from the old row version, "
            + "and the old version's page was not tracked");
    }

    private Row oldRow(TablePlan plan, TxAssembler.StoredRecord s) {
        TupleRef t = heap.oldTuple();
        if (s.pageOldTuple() != null && oldRowFromPage(heap)) {
            return wholeRow(plan, s.pageOldTuple());
        }
        if (!t.present()) {
            return unknownRow(plan, "the old row is neither logged (wal_level=replica, or REPLICA IDENTITY "
                + "NOTHING/DEFAULT) nor on a page tracked since a full-page image");
        }
        return row(plan, t, heap.oldTupleIsKeyOnly());
    }

    /** A whole on-page tuple (23-byte header, then bitmap, padding and data), as a page held it. */
    private Row wholeRow(TablePlan plan, byte[] tuple) {
        return row(plan, null, tuple, 23, tuple.length - 23, (tuple[18] & 0xFF) | (tuple[19] & 0xFF) << 8,
            (tuple[20] & 0xFF) | (tuple[21] & 0xFF) << 8, tuple[22] & 0xFF, false);
    }

    private Row row(TablePlan plan, TupleRef t, boolean keyOnly) {
        return row(plan, t.buffer(), null, t.offset(), t.length(), t.infomask2(), t.infomask(), t.hoff(), keyOnly);
    }

    /** Rows' tuple bytes, copied one after another: one buffer (and array) for many rows. */
    private static final int ARENA_BYTES = 1 << 16;
    private byte[] arena;
    private ByteBuffer arenaBuffer;
    private int arenaAt;

    /** Room for {@code len} more bytes in the arena: a new one when the last is full (rows keep theirs). */
    private void arenaRoom(int len) {
        if (arena == null || arenaAt + len > arena.length) {
            arena = new byte[Math.max(ARENA_BYTES, len)];
            arenaBuffer = ByteBuffer.wrap(arena).order(ByteOrder.LITTLE_ENDIAN);
            arenaAt = 0;
        }
    }

    /**
     * The row of a tuple ({@code len} bytes from its bitmap, or padding, at {@code off} of {@code buf}
     * or of {@code array}): made from its bytes, copied into the arena, each value formatted when the
     * consumer asks for it (on its own thread), except the values that need this thread's state
     * (TOAST, compressed, a formatter that is not thread-safe), which are made here.
     */
    private Row row(TablePlan plan, ByteBuffer buf, byte[] array, int off, int len, int mask2, int mask, int hoff,
                    boolean keyOnly) {
        if (!values) {
            return NO_VALUES; // rows without columns: see Miner.Builder.values (unknownRow too)
        }
        arenaRoom(len);
        int at = arenaAt;
        if (array != null) {
            System.arraycopy(array, off, arena, at, len);
        } else {
            buf.get(off, arena, at, len);
        }
        arenaAt += len;
        ByteBuffer data = arenaBuffer;
        DeformedTuple d;
        try {
            d = plan.deformer.deform(data, at, len, mask2, mask, hoff);
        } catch (TupleFormatException e) {
            throw new WalFormatException("cannot deform a row of " + plan.table.qualifiedName() + ": " + e.getMessage(),
                null, recordLsn, e);
        }
        if (keyOnly) {
            return keyOnlyRow(plan, d);
        }
        List<ColumnInfo> cols = plan.table.columns();
        int n = plan.layout.size();
        byte[] kinds = new byte[n];
        int[] spans = new int[2 * n];
        Value[] made = null;
        missingToast.clear();
        int o = 0;
        for (int i = 0; i < cols.size(); i++) {
            if (plan.formatters[i] == null) {
                continue; // dropped
            }
            AttributeState st = d.state(i);
            if (st == AttributeState.NULL || st == AttributeState.DROPPED) {
                kinds[o] = Row.NULL;
            } else if (st == AttributeState.PRESENT && plan.layout.bytesAllowed(o) && d.isInlineUncompressed(i)) {
                kinds[o] = Row.BYTES;
                spans[2 * o] = d.payloadOffset(i);
                spans[2 * o + 1] = d.payloadLength(i);
            } else {
                Value v = value(d, i, cols.get(i), plan.formatters[i], plan.table);
                if (v == MISSING_TOAST) {
                    missingToast.set(o);
                    v = missingToastValue;
                }
                if (made == null) {
                    made = new Value[n];
                }
                kinds[o] = Row.VALUE;
                made[o] = v;
            }
            o++;
        }
        return Row.fromBytes(plan.layout, data, kinds, spans, made);
    }

    /** The row of an old tuple that holds only the replica-identity key: the other values are unknown. */
    private Row keyOnlyRow(TablePlan plan, DeformedTuple d) {
        List<ColumnInfo> cols = plan.table.columns();
        List<Column> out = new ArrayList<>(cols.size());
        missingToast.clear();
        for (int i = 0; i < cols.size(); i++) {
            ColumnInfo c = cols.get(i);
            if (c.dropped()) {
                continue;
            }
            ValueFormatter f = plan.formatters[i];
            Value v;
            if (!plan.table.identityKey().contains(c.attnum())) {
                v = new Value.Unknown("not logged: only the replica-identity key of the old row is");
            } else {
                v = value(d, i, c, f, plan.table);
                if (v == MISSING_TOAST) {
                    missingToast.set(out.size());
                    v = missingToastValue;
                }
            }
            out.add(new Column(c.name(), f.sqlType(), v));
        }
        return new Row(out);
    }

    private Value value(DeformedTuple d, int i, ColumnInfo c, ValueFormatter f, TableInfo table) {
        AttributeState st = d.state(i);
        switch (st) {
            case NULL:
                return Value.NULL;
            case MISSING:
                if (c.hasMissing() && c.missingValue() != null) {
                    literal.setLength(0);
                    f.appendSqlLiteralOfText(literal, c.missingValue());
                    return new Value.Known(c.missingValue(), literal.toString());
                }
                return Value.NULL;
            case DROPPED:
                return Value.NULL;
            default:
                break;
        }
        if (d.isInlineUncompressed(i)) {
            return Row.format(f, d.buffer(), d.payloadOffset(i), d.payloadLength(i));
        }
        VarlenaKind kind = d.varlenaKind(i);
        if (kind == VarlenaKind.COMPRESSED) {
            int n = decompressor.decompressInline(d.buffer(), d.offset(i));
            return Row.format(f, decompressor.outputBuffer(), 0, n);
        }
        if (kind == VarlenaKind.EXTERNAL_ONDISK) {
            if (toast == null) {
                // a decoder without the miner's state (Miner.transactionEnd) gets only tuples without the flag
                return new Value.Unknown("a TOAST pointer in a tuple not flagged HEAP_HASEXTERNAL, of "
                    + table.qualifiedName());
            }
            long toastRelid = d.externalToastRelid(i);
            long valueId = d.externalValueId(i);
            byte[] stored = toast.assemble(toastRelid, valueId, d.externalExtSize(i));
            if (stored == null && chunksFromPages(toastRelid, valueId)) {
                stored = toast.assemble(toastRelid, valueId, d.externalExtSize(i));
            }
            if (stored == null) {
                TableInfo tt = catalog.tableByOid(toastRelid);
                missingToastValue = new Value.Unknown("TOAST value " + valueId + " of "
                    + (tt != null ? tt.qualifiedName() : "TOAST table " + toastRelid) + ": its chunks are not in the WAL read");
                return MISSING_TOAST;
            }
            ByteBuffer sb = ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN);
            if (d.externalIsCompressed(i)) {
                int n = decompressor.decompress(sb, 4, stored.length - 4, d.externalCompressionMethod(i),
                    d.externalRawSize(i) - 4);
                return Row.format(f, decompressor.outputBuffer(), 0, n);
            }
            return Row.format(f, sb, 0, stored.length);
        }
        return new Value.Unknown("an in-memory TOAST pointer in a logged tuple of " + table.qualifiedName());
    }

    /**
     * Looks for a value's chunks on the tracked pages of its TOAST table: an old row's value, whose
     * chunks were written before the WAL read, is still there when the row's deletion (or the update
     * that replaced the value) deleted its chunks after it, with full-page images, in the same
     * transaction. Returns whether any chunk was found.
     */
    private boolean chunksFromPages(long toastRelid, long valueId) {
        TableInfo tt = catalog.tableByOid(toastRelid);
        if (tt == null || pages == null) {
            return false;
        }
        TablePlan plan = plan(tt);
        boolean[] found = {false};
        pages.forEachTuple(tt.tablespace(), catalog.databaseOid(), tt.relfilenode(), tuple -> {
            ByteBuffer b = ByteBuffer.wrap(tuple).order(ByteOrder.LITTLE_ENDIAN);
            DeformedTuple d = plan.deformer.deform(b, 23, tuple.length - 23, b.getShort(18) & 0xFFFF,
                b.getShort(20) & 0xFFFF, tuple[22] & 0xFF);
            if (d.columnCount() >= 3 && d.isPresent(0) && d.isPresent(1) && d.isPresent(2) && d.isInlineUncompressed(2)
                && Integer.toUnsignedLong(b.getInt(d.payloadOffset(0))) == valueId) {
                byte[] data = new byte[d.payloadLength(2)];
                b.get(d.payloadOffset(2), data);
                toast.addChunk(toastRelid, valueId, b.getInt(d.payloadOffset(1)), data);
                found[0] = true;
            }
        });
        return found[0];
    }

    private Row unknownRow(TablePlan plan, String why) {
        if (!values) {
            return NO_VALUES;
        }
        List<Column> out = new ArrayList<>();
        Value u = new Value.Unknown(why);
        for (int i = 0; i < plan.table.columns().size(); i++) {
            ColumnInfo c = plan.table.columns().get(i);
            if (!c.dropped()) {
                out.add(new Column(c.name(), plan.formatters[i].sqlType(), u));
            }
        }
        return new Row(out);
    }

    /** No ctid: offset number 0. */
    private static final long NO_TID = 0;

    private static Source source(long lsn, long commitLsn, long xid, Instant commitTime, TableInfo t, long oldTid,
                                 long newTid) {
        return Source.of(lsn, commitLsn, xid, commitTime, t.schema(), t.name(), oldTid, newTid);
    }
}
