package org.xlogminer.mine;

import java.time.Instant;
import java.util.function.Consumer;

import org.xlogminer.catalog.TableInfo;
import org.xlogminer.decode.HeapRecordDecoder;
import org.xlogminer.decode.TupleRef;
import org.xlogminer.event.RowChange;
import org.xlogminer.page.PageTracker;
import org.xlogminer.tuple.DatumDecompressor;
import org.xlogminer.tuple.HeapTupleHeaderLayout;
import org.xlogminer.tx.TxAssembler;
import org.xlogminer.tx.TxAssembler.StoredRecord;
import org.xlogminer.types.FormatWarnings;
import org.xlogminer.types.ObjectNames;
import org.xlogminer.types.ValueFormatters;
import org.xlogminer.wal.WalVersion;
import org.xlogminer.wal.reader.XLogRecordView;

/**
 * Turns the records of one ended transaction into row changes, in WAL order: reads each kept
 * record, by its type, as a {@link RecordChange} (a copy of the record) or a {@link SummaryChange}
 * (a {@link ChangeSummary} in its place), and hands it to the {@link HeapChangeHandlers handler}
 * of its heap operation. The rows are made by a {@link RowBuilder}, TOASTed values rebuilt by a
 * {@link ToastResolver}, speculative insertions held by the transaction's {@link ChangeSink}.
 *
 * <p>Its static methods are the rules the miner keeps records by, on the reading thread: what a
 * summary holds ({@link #summary}), when a summary and whole tuples can stand for the record
 * ({@link #decoded}), when a row comes from its page, when decoding needs the miner's state.
 *
 * <p>Not thread-safe. A decoder made without a TOAST store and pages decodes only transactions
 * with no TOAST-table record and no tuple flagged HEAP_HASEXTERNAL (see {@link #needsMinerState}).
 */
final class RowDecoder {

    private final WalVersion version;
    private final FollowedCatalog catalog;
    private final ToastStore toast;
    private final FormatWarnings warnings;
    private final PageTracker pages;
    /** The catalog's type changes when the formatters were chosen. */
    private final int typeChanges;
    private final RowBuilder rows;
    private final RecordChange fromRecord;
    private final SummaryChange fromSummary;

    RowDecoder(FollowedCatalog catalog, WalVersion version, ToastStore toast, FormatWarnings warnings,
               PageTracker pages, boolean values) {
        this.version = version;
        this.catalog = catalog;
        this.toast = toast;
        this.warnings = warnings;
        this.pages = pages;
        this.typeChanges = catalog.typeChanges();
        ObjectNames names = ObjectNames.of(catalog.current()); // reg* values by name, as the start knows them
        ValueFormatters formatters = new ValueFormatters(catalog.liveTypes(), names, catalog.major(), warnings);
        TablePlans plans = new TablePlans(formatters, catalog.quiet()
            ? new ValueFormatters(catalog.liveTypes(), names, catalog.major(), new FormatWarnings()) : formatters);
        DatumDecompressor decompressor = new DatumDecompressor();
        ToastResolver toasts = new ToastResolver(catalog, toast, pages, plans, decompressor);
        this.rows = new RowBuilder(values, toasts, decompressor);
        this.fromRecord = new RecordChange(catalog, plans, rows, toasts, version);
        this.fromSummary = new SummaryChange(catalog, plans, rows);
    }

    /**
     * This decoder, or a new one like it when the catalog's types changed since its formatters were
     * chosen (a type created, an enum label added): for the transactions released from now on.
     */
    RowDecoder current() {
        return catalog.typeChanges() == typeChanges ? this
            : new RowDecoder(catalog, version, toast, warnings, pages, rows.values());
    }

    /** The catalog it decodes under. */
    FollowedCatalog catalog() {
        return catalog;
    }

    /** The WAL version it decodes. */
    WalVersion version() {
        return version;
    }

    /** Hands each row change of a transaction's records to the sink, in WAL order, as it is decoded. */
    void decode(Iterable<StoredRecord> records, long xid, long commitLsn, Instant commitTime,
                Consumer<RowChange> sink) {
        ChangeSink out = new ChangeSink(sink, xid, commitLsn, commitTime);
        for (StoredRecord s : records) {
            rows.at(s.lsn());
            HeapChange c = null;
            if (s instanceof StoredRecord.Summary m) {
                c = fromSummary.wrap(m);
            } else if (s instanceof StoredRecord.Copy r) {
                c = fromRecord.wrap(r);
            }
            if (c != null) {
                HeapChangeHandlers.of(c.op()).decode(c, out);
            }
        }
    }

    /**
     * Whether decoding a heap change of {@code table} (its decoder wrapped on the record, with the
     * tuples its pages gave) needs the miner's TOAST store or pages: a TOAST table's chunk, a tuple
     * with a TOAST pointer, a MULTI_INSERT (whose tuples are not looked at here).
     */
    static boolean needsMinerState(TableInfo table, HeapRecordDecoder heap, byte[] pageOld, byte[] pageNew,
                                   byte[][] pageMulti) {
        if (table.relkind() == 't' || table == KeptRelations.PROVISIONAL
            || heap.op() == HeapRecordDecoder.Op.MULTI_INSERT || pageMulti != null) {
            return true;
        }
        return external(heap.newTuple()) || external(heap.oldTuple()) || external(pageOld) || external(pageNew);
    }

    private static boolean external(TupleRef t) {
        return t.present() && (t.infomask() & HeapTupleHeaderLayout.HEAP_HASEXTERNAL) != 0;
    }

    private static boolean external(byte[] wholeTuple) {
        return wholeTuple != null
            && (wholeTuple[HeapTupleHeaderLayout.T_INFOMASK] & HeapTupleHeaderLayout.HEAP_HASEXTERNAL) != 0;
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

    /**
     * What a change without values (MinerBuilder.values(false)) needs of its heap record, for the
     * miner to keep in the record's place until the commit: its {@link ChangeSummary}; null for a
     * TRUNCATE, which is kept whole. {@code heap} is wrapped on {@code r}.
     */
    static byte[] summary(XLogRecordView r, HeapRecordDecoder heap) {
        return ChangeSummary.of(r, heap);
    }

    /** A summary's tablespace OID (as a record holds it: a signed int). */
    static int summaryTablespace(byte[] summary) {
        return ChangeSummary.tablespace(summary);
    }

    /** A summary's database OID. */
    static int summaryDatabase(byte[] summary) {
        return ChangeSummary.database(summary);
    }

    /** A summary's relfilenode. */
    static int summaryRelNumber(byte[] summary) {
        return ChangeSummary.relNumber(summary);
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
        if (table.relkind() == 't' || table == KeptRelations.PROVISIONAL) {
            return null; // a TOAST chunk, or a relation looked up again where it is decoded: kept whole
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
        return new StoredRecord.Summary(r.lsn(), r.endLsn(), ChangeSummary.of(r, heap), oldT, newT);
    }

    /** The new row's whole tuple, where {@link RecordChange} finds it whole: the page's or the record's; or null. */
    private static byte[] newTuple(HeapRecordDecoder heap, byte[] pageNew) {
        return newRowFromPage(heap) ? pageNew : PageTracker.tuple(heap.newTuple(), 0, 0, null);
    }

    /** The old row's whole tuple, where {@link RecordChange} finds it whole: the page's or the record's; or null. */
    private static byte[] oldTuple(HeapRecordDecoder heap, byte[] pageOld) {
        return oldRowFromPage(heap) ? pageOld : PageTracker.tuple(heap.oldTuple(), 0, 0, null);
    }
}
