package org.xlogminer.mine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.xlogminer.catalog.TableInfo;
import org.xlogminer.decode.HeapRecordDecoder;
import org.xlogminer.decode.TupleRef;
import org.xlogminer.event.Row;
import org.xlogminer.event.Value;
import org.xlogminer.page.ImageTupleAt;
import org.xlogminer.page.PageTracker;
import org.xlogminer.tuple.DatumDecompressor;
import org.xlogminer.tuple.DeformedTuple;
import org.xlogminer.tuple.HeapTupleHeaderLayout;
import org.xlogminer.types.ValueFormatter;

/**
 * TOAST resolution: keeps the chunks that TOAST-table inserts carry in the {@link ToastStore}, and
 * makes the value of a column that holds an on-disk TOAST pointer from them (decompressed when
 * stored compressed), else from the tracked pages of the TOAST table, else reports the value
 * missing. A chunk is a TOAST table's row {@code (chunk_id oid, chunk_seq int4, chunk_data bytea)}.
 *
 * <p>Made without a store (the decoder of another thread), it resolves no pointer: the miner hands
 * such a decoder only tuples not flagged HEAP_HASEXTERNAL. Not thread-safe.
 */
final class ToastResolver {

    /** Returned by {@link #value} for a value whose chunks were not found: see {@link #missing()}. */
    static final Value MISSING = new Value.Unknown("missing TOAST chunks");

    private final FollowedCatalog catalog;
    private final ToastStore store;
    private final PageTracker pages;
    private final TablePlans plans;
    private final DatumDecompressor decompressor;
    private Value missing;

    ToastResolver(FollowedCatalog catalog, ToastStore store, PageTracker pages, TablePlans plans,
                  DatumDecompressor decompressor) {
        this.catalog = catalog;
        this.store = store;
        this.pages = pages;
        this.plans = plans;
        this.decompressor = decompressor;
    }

    /** Keeps the chunks a TOAST table's INSERT or MULTI_INSERT ({@code heap} wrapped on it) carries. */
    void chunks(TableInfo toastTable, HeapRecordDecoder heap) {
        if (heap.op() == HeapRecordDecoder.Op.INSERT) {
            chunk(toastTable, heap.newTuple());
        } else if (heap.op() == HeapRecordDecoder.Op.MULTI_INSERT) {
            while (heap.nextTuple()) {
                chunk(toastTable, heap.newTuple());
            }
        }
    }

    private void chunk(TableInfo toastTable, TupleRef t) {
        if (!t.present()) {
            return;
        }
        keepChunk(toastTable.oid(), -1, plans.plan(toastTable).deformer.deform(t.buffer(), t.offset(), t.length(),
            t.infomask2(), t.infomask(), t.hoff()));
    }

    /** Whether a TOAST table's deformed row holds a chunk: id, sequence number, and data inline. */
    private static boolean isChunk(DeformedTuple d) {
        return d.columnCount() >= 3 && d.isPresent(0) && d.isPresent(1) && d.isPresent(2) && d.isInlineUncompressed(2);
    }

    /** The chunk's value id (chunk_id), of a row that {@link #isChunk} is. */
    private static long chunkId(DeformedTuple d) {
        return Integer.toUnsignedLong(d.buffer().getInt(d.payloadOffset(0)));
    }

    /**
     * Keeps the row's chunk in the store if it is one, and of the value unless {@code valueId} is
     * -1; whether it was.
     */
    private boolean keepChunk(long toastRelid, long valueId, DeformedTuple d) {
        if (!isChunk(d) || valueId >= 0 && chunkId(d) != valueId) {
            return false;
        }
        ByteBuffer b = d.buffer();
        byte[] data = new byte[d.payloadLength(2)];
        b.get(d.payloadOffset(2), data);
        store.addChunk(toastRelid, chunkId(d), b.getInt(d.payloadOffset(1)), data);
        return true;
    }

    /**
     * The value of column {@code i} of {@code d}, which holds an on-disk TOAST pointer, formatted
     * by {@code f}; {@link #MISSING} when its chunks are not found.
     */
    Value value(DeformedTuple d, int i, ValueFormatter f, TableInfo table) {
        if (store == null) {
            // a decoder without the miner's state (Miner.transactionEnd) gets only tuples without the flag
            return new Value.Unknown("a TOAST pointer in a tuple not flagged HEAP_HASEXTERNAL, of "
                + table.qualifiedName());
        }
        long toastRelid = d.externalToastRelid(i);
        long valueId = d.externalValueId(i);
        byte[] stored = store.assemble(toastRelid, valueId, d.externalExtSize(i));
        if (stored == null && chunksFromPages(toastRelid, valueId, d.externalExtSize(i))) {
            stored = store.assemble(toastRelid, valueId, d.externalExtSize(i));
        }
        if (stored == null) {
            TableInfo tt = catalog.tableByOid(toastRelid);
            missing = new Value.Unknown("TOAST value " + valueId + " of "
                + (tt != null ? tt.qualifiedName() : "TOAST table " + toastRelid) + ": its chunks are not in the WAL read");
            return MISSING;
        }
        ByteBuffer sb = ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN);
        if (d.externalIsCompressed(i)) {
            int n = decompressor.decompress(sb, 4, stored.length - 4, d.externalCompressionMethod(i),
                d.externalRawSize(i) - 4);
            return Row.format(f, decompressor.outputBuffer(), 0, n);
        }
        return Row.format(f, sb, 0, stored.length);
    }

    /** What the last {@link #MISSING} stood for: the missing value with its reason. */
    Value missing() {
        return missing;
    }

    /**
     * Looks for a value's chunks on the tracked pages of its TOAST table: an old row's value, whose
     * chunks were written before the WAL read, is still there when the row's deletion (or the update
     * that replaced the value) deleted its chunks after it, with full-page images, in the same
     * transaction. Looks them up in the table's {@link ToastChunkIndex}; only when that cannot tell
     * (it was emptied, or the store forgot chunks put on the pages since their images) at every
     * tracked page of the table, as the index would otherwise spare. Returns whether any chunk was
     * found.
     */
    private boolean chunksFromPages(long toastRelid, long valueId, int extSize) {
        TableInfo tt = catalog.tableByOid(toastRelid);
        if (tt == null || pages == null) {
            return false;
        }
        TablePlan plan = plans.plan(tt);
        ToastChunkIndex index = store.pageIndex(toastRelid);
        if (index == null || index.relNumber != tt.relfilenode()) {
            index = new ToastChunkIndex(pages, tt.tablespace(), catalog.databaseOid(), tt.relfilenode(),
                ToastChunkIndex.MAX_PLACES);
            store.pageIndex(toastRelid, index);
        }
        index.update(tuple -> {
            DeformedTuple d = deform(plan, tuple);
            return isChunk(d) ? chunkId(d) : -1;
        });
        boolean found = false;
        for (ImageTupleAt at : index.places(valueId)) {
            byte[] tuple = pages.imageTuple(at);
            found |= tuple != null && keepChunk(toastRelid, valueId, deform(plan, tuple));
        }
        if ((!index.complete() || store.forgot()) && store.assemble(toastRelid, valueId, extSize) == null) {
            boolean[] any = {false};
            pages.forEachTuple(tt.tablespace(), catalog.databaseOid(), tt.relfilenode(),
                tuple -> any[0] |= keepChunk(toastRelid, valueId, deform(plan, tuple)));
            found |= any[0];
        }
        return found;
    }

    private static DeformedTuple deform(TablePlan plan, byte[] tuple) {
        ByteBuffer b = ByteBuffer.wrap(tuple).order(ByteOrder.LITTLE_ENDIAN);
        return plan.deformer.deform(b, HeapTupleHeaderLayout.SIZE, tuple.length - HeapTupleHeaderLayout.SIZE,
            b.getShort(HeapTupleHeaderLayout.T_INFOMASK2) & 0xFFFF, b.getShort(HeapTupleHeaderLayout.T_INFOMASK) & 0xFFFF,
            tuple[HeapTupleHeaderLayout.T_HOFF] & 0xFF);
    }
}
