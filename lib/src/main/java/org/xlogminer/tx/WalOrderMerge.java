package org.xlogminer.tx;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

import org.xlogminer.tx.TxAssembler.StoredRecord;

/**
 * The records of an ended transaction's buffers (the top-level xid's and its subtransactions'),
 * each in WAL order, merged into one WAL order: the buffer whose next record has the lowest LSN
 * goes first.
 *
 * <p>Not thread-safe; iterate once.
 */
final class WalOrderMerge implements Iterator<StoredRecord> {

    /** A buffer's next record and the rest. */
    private static final class Head {
        final Iterator<StoredRecord> rest;
        StoredRecord current;

        Head(Iterator<StoredRecord> rest, StoredRecord current) {
            this.rest = rest;
            this.current = current;
        }
    }

    private final PriorityQueue<Head> heads = new PriorityQueue<>(
        (a, b) -> Long.compareUnsigned(a.current.lsn(), b.current.lsn()));

    WalOrderMerge(List<TxBuffer> parts) {
        for (TxBuffer b : parts) {
            Iterator<StoredRecord> it = b.iterator();
            if (it.hasNext()) {
                heads.add(new Head(it, it.next()));
            }
        }
    }

    @Override
    public boolean hasNext() {
        return !heads.isEmpty();
    }

    @Override
    public StoredRecord next() {
        Head h = heads.poll();
        if (h == null) {
            throw new NoSuchElementException();
        }
        StoredRecord r = h.current;
        if (h.rest.hasNext()) {
            h.current = h.rest.next();
            heads.add(h);
        }
        return r;
    }
}
