package org.xlogminer.page;

import java.util.Arrays;
import java.util.function.ObjIntConsumer;

/**
 * Offset number to tuple, for the tuples a page gets between two images. While they are few:
 * two arrays side by side, searched in order. From {@link #DIRECT} on (the pages of a small,
 * busy table, where every update puts one more version, and an insert-only table's pages):
 * one array indexed by offset number, so that a look-up costs the same whatever the count
 * (before, a pgbench run searched 142 entries per look-up on average). Not thread-safe.
 */
final class Overlay {
    /**
     * Entries from which the overlay is indexed by offset number. The index is 1.2 kB, so not
     * before a search would cost more than a few cache lines: at 8, the pages of a large table
     * updated a few times each (pgbench's accounts over a longer run) took a third of the
     * budget in indexes, and spilled.
     */
    static final int DIRECT = 32;
    /**
     * The highest offset number an index holds: MaxHeapTuplesPerPage of an 8 kB page. A larger
     * one (no valid page has it) sends the overlay back to searching.
     */
    static final int MAX_DIRECT = 291;

    /** The entries' offset numbers, searched; null when indexed. */
    short[] offnums = new short[4];
    /** Tuples: beside {@link #offnums}, or by offset number when that is null. */
    byte[][] tuples = new byte[4][];
    int n;

    byte[] get(int offnum) {
        if (offnums == null) {
            return offnum >= 0 && offnum < tuples.length ? tuples[offnum] : null;
        }
        short o = (short) offnum;
        for (int i = 0; i < n; i++) {
            if (offnums[i] == o) {
                return tuples[i];
            }
        }
        return null;
    }

    /** Puts the tuple; returns the one it replaced, or null. */
    byte[] put(int offnum, byte[] tuple) {
        if (offnums == null) {
            if (offnum >= 0 && offnum <= MAX_DIRECT) {
                byte[] old = tuples[offnum];
                tuples[offnum] = tuple;
                if (old == null) {
                    n++;
                }
                return old;
            }
            searched();
        }
        short o = (short) offnum;
        for (int i = 0; i < n; i++) {
            if (offnums[i] == o) {
                byte[] old = tuples[i];
                tuples[i] = tuple;
                return old;
            }
        }
        if (n == offnums.length) {
            offnums = Arrays.copyOf(offnums, n * 2);
            tuples = Arrays.copyOf(tuples, n * 2);
        }
        offnums[n] = o;
        tuples[n++] = tuple;
        if (n >= DIRECT) {
            indexed();
        }
        return null;
    }

    /** To the array by offset number, when every offset number fits it. */
    private void indexed() {
        for (int i = 0; i < n; i++) {
            if ((offnums[i] & 0xFFFF) > MAX_DIRECT) {
                return;
            }
        }
        byte[][] byOffnum = new byte[MAX_DIRECT + 1][];
        for (int i = 0; i < n; i++) {
            byOffnum[offnums[i] & 0xFFFF] = tuples[i];
        }
        offnums = null;
        tuples = byOffnum;
    }

    /** Back to the searched arrays (an offset number past the index). */
    private void searched() {
        short[] offs = new short[Math.max(4, Integer.highestOneBit(n) * 2)];
        byte[][] tups = new byte[offs.length][];
        int k = 0;
        for (int off = 0; off < tuples.length; off++) {
            if (tuples[off] != null) {
                offs[k] = (short) off;
                tups[k++] = tuples[off];
            }
        }
        offnums = offs;
        tuples = tups;
    }

    /**
     * How many slots to visit for every entry: in slot {@code s} is {@link #tupleInSlot} (null
     * for an empty slot of the index) at {@link #offnumInSlot}. A loop with no consumer to allocate.
     */
    int slots() {
        return offnums == null ? tuples.length : n;
    }

    byte[] tupleInSlot(int s) {
        return tuples[s];
    }

    int offnumInSlot(int s) {
        return offnums == null ? s : offnums[s] & 0xFFFF;
    }

    /** Hands each entry to the consumer: its tuple and offset number. */
    void forEach(ObjIntConsumer<byte[]> consumer) {
        for (int s = 0, slots = slots(); s < slots; s++) {
            if (tuples[s] != null) {
                consumer.accept(tuples[s], offnumInSlot(s));
            }
        }
    }

    /** The tuples' bytes, each counted with {@code perTuple} more (its header, its slot, ...). */
    int tupleBytes(int perTuple) {
        int sum = 0;
        if (offnums == null) {
            for (byte[] t : tuples) {
                if (t != null) {
                    sum += t.length + perTuple;
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                sum += tuples[i].length + perTuple;
            }
        }
        return sum;
    }

    /** Heap bytes: the arrays and their headers, the tuples counted by the caller. */
    int arrayBytes() {
        return offnums == null ? 16 + 4 * tuples.length + 16 : 48 + 6 * offnums.length;
    }
}
