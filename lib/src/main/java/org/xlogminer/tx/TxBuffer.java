package org.xlogminer.tx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.xlogminer.tx.TxAssembler.StoredRecord;

/**
 * The records kept under one xid, in WAL order: those in memory, after those moved to its
 * {@link TxSpillFile} when the memory budget was passed.
 *
 * <p>Not thread-safe.
 */
final class TxBuffer {
    final int xid;
    final List<StoredRecord> memory = new ArrayList<>();
    /** The {@linkplain #sizeOf sizes} of the records in {@link #memory}, summed. */
    long memoryBytes;
    /** Records kept, in memory and spilled. */
    long count;
    long firstLsn;
    boolean marked;
    /** Null until the buffer first spills. */
    TxSpillFile spill;

    TxBuffer(int xid) {
        this.xid = xid;
    }

    /** Moves the records in memory to the end of the spill file (made in {@code dir} the first time). */
    void spill(Path dir) throws IOException {
        if (spill == null) {
            spill = TxSpillFile.create(dir, xid);
        }
        spill.append(memory);
        memory.clear();
        memoryBytes = 0;
    }

    /** The records in WAL order: the spilled ones read back from the file, then those in memory. */
    Iterator<StoredRecord> iterator() {
        if (spill == null) {
            return memory.iterator();
        }
        Iterator<StoredRecord> head = spill.read();
        Iterator<StoredRecord> tail = memory.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return head.hasNext() || tail.hasNext();
            }

            @Override
            public StoredRecord next() {
                return head.hasNext() ? head.next() : tail.next();
            }
        };
    }

    void deleteSpill() {
        if (spill != null) {
            spill.delete();
            spill = null;
        }
    }

    /** An estimate of the heap a kept record takes, for the memory budget. */
    static long sizeOf(StoredRecord s) {
        long n = s.bytes().length + 48L + tupleSize(s.pageOldTuple()) + tupleSize(s.pageNewTuple());
        if (s instanceof StoredRecord.Copy c && c.pageMultiTuples() != null) {
            for (byte[] t : c.pageMultiTuples()) {
                n += t == null ? 8 : t.length + 16;
            }
        }
        return n;
    }

    private static long tupleSize(byte[] t) {
        return t == null ? 0 : t.length + 16;
    }
}
