package org.xlogminer.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.xlogminer.decode.HeapRecordDecoder;
import org.xlogminer.decode.TupleRef;
import org.xlogminer.decode.XactRecordDecoder;
import org.xlogminer.wal.WalException;
import org.xlogminer.wal.reader.BlockImages;
import org.xlogminer.wal.reader.RecordLineFormatter;
import org.xlogminer.wal.reader.XLogRecordView;

/**
 * Everything xlogminer reads out of one record: its {@code records} line, the pages of its
 * full-page images (restored, then their tuples), its heap or transaction fields and the rows it
 * carries, deformed and formatted. Each step that may meet a damaged record is allowed to throw a
 * {@link WalException} only; the next step still runs, so one damaged part does not hide the rest.
 */
public final class RecordWork {

    private final RecordLineFormatter lines = new RecordLineFormatter();
    private final StringBuilder line = new StringBuilder();
    private final BlockImages images = new BlockImages();
    private final byte[] page = new byte[8192];
    private final ByteBuffer pageBuffer = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
    private final HeapRecordDecoder heap = new HeapRecordDecoder();
    private final XactRecordDecoder xact = new XactRecordDecoder();
    private final PageWork pages = new PageWork();
    private final TupleWork tuples = new TupleWork();
    private final FuzzCatalog catalog = FuzzCatalog.get();

    public void record(XLogRecordView r) {
        line.setLength(0);
        lines.append(line, r);
        for (int i = 0; i < r.blockCount(); i++) {
            if (r.hasImage(i)) {
                try {
                    images.restore(r, i, page);
                } catch (WalException e) {
                    continue;
                }
                pages.page(catalog.table(r.relNumber(i), i), pageBuffer);
            }
        }
        try {
            heap(r);
        } catch (WalException e) {
            // documented
        }
        try {
            xact(r);
        } catch (WalException e) {
            // documented
        }
    }

    private void heap(XLogRecordView r) {
        if (!heap.wrap(r)) {
            return;
        }
        FuzzCatalog.Table t = heap.newBlockIndex() >= 0
            ? catalog.table(r.relNumber(heap.newBlockIndex()), 0) : catalog.tables().get(0);
        tuple(t, heap.newTuple());
        tuple(t, heap.oldTuple());
        heap.flags();
        heap.newOffnum();
        heap.oldOffnum();
        heap.prefixLength();
        heap.suffixLength();
        if (heap.op() == HeapRecordDecoder.Op.MULTI_INSERT) {
            while (heap.nextTuple()) {
                tuple(t, heap.newTuple());
            }
        } else if (heap.op() == HeapRecordDecoder.Op.TRUNCATE) {
            heap.truncateDatabase();
            for (int i = 0; i < heap.count(); i++) {
                catalog.snapshot().tableByOid(heap.truncatedRelid(i));
            }
        }
    }

    private void tuple(FuzzCatalog.Table t, TupleRef ref) {
        if (ref.present()) {
            tuples.tuple(t, ref.buffer(), ref.offset(), ref.length(), ref.infomask2(), ref.infomask(), ref.hoff());
        }
    }

    private void xact(XLogRecordView r) {
        if (!xact.wrap(r)) {
            return;
        }
        xact.kind();
        xact.xid();
        xact.xactTime();
        xact.databaseOid();
        for (int i = 0; i < xact.subxactCount(); i++) {
            xact.subxact(i);
        }
        xact.gid();
    }
}
