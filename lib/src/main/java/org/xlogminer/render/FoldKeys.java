package org.xlogminer.render;

import java.util.Arrays;

import org.xlogminer.event.Row;

/**
 * The folds of {@link UndoFolding}'s window by table and key: which fold, if any, a change of a
 * row continues. A row's key is its table's qualified name and the text of its key columns (or
 * NULL); two keys are the same when those are.
 *
 * <p>Guarded UNDO looks a key up for every change with a key, so the lookup makes nothing per
 * change: no key string, no map entry. A key is hashed from the text of its values, written into
 * one reused builder, and compared with the row a fold holds it by ({@link Row#sameValue}, which
 * compares the stored bytes of one column first); the table is open addressing with linear
 * probing, twice the window's size, so at most half full, and a removal shifts the entries after
 * it back instead of leaving a tombstone.
 *
 * <p>Not thread-safe: one per {@link UndoFolding}.
 */
final class FoldKeys {

    /** What the table holds: a fold's key (table, the row it was taken from, where its key columns are). */
    interface Keyed {
        String table();

        Row keyRow();

        int[] keyIndexes();

        int keyHash();

        /** Called with false when the entry leaves the table. */
        void indexed(boolean indexed);
    }

    private final Keyed[] slots;
    private final int[] hashes;
    private final int mask;
    private final int shift;
    private int size;
    private final StringBuilder text = new StringBuilder(64);

    /** A table for at most {@code capacity} keys. */
    FoldKeys(int capacity) {
        int n = Integer.highestOneBit(Math.max(8, capacity) * 2 - 1) * 2;
        slots = new Keyed[n];
        hashes = new int[n];
        mask = n - 1;
        shift = 32 - Integer.numberOfTrailingZeros(n);
    }

    /**
     * The hash of the key of {@code row} in {@code table}, its key columns at {@code idx}: that of
     * their text, so that rows with the same key values hash alike whatever their bytes.
     */
    int hash(String table, Row row, int[] idx) {
        int h = table.hashCode();
        for (int i : idx) {
            if (row.isNull(i)) {
                h = h * 31 + 1;
                continue;
            }
            text.setLength(0);
            row.appendText(i, text);
            int t = 0;
            for (int c = 0, n = text.length(); c < n; c++) {
                t = 31 * t + text.charAt(c);
            }
            h = h * 31 + t + 2;
        }
        return h;
    }

    /** The entry whose key is {@code table}'s {@code row} at {@code idx} ({@code hash} its {@link #hash}), or null. */
    Keyed get(String table, Row row, int[] idx, int hash) {
        for (int i = slot(hash); slots[i] != null; i = (i + 1) & mask) {
            if (hashes[i] == hash && same(slots[i], table, row, idx)) {
                return slots[i];
            }
        }
        return null;
    }

    /** Puts {@code e} in, in place of an entry of the same key (which leaves). */
    void put(Keyed e) {
        int hash = e.keyHash();
        int i = slot(hash);
        for (; slots[i] != null; i = (i + 1) & mask) {
            if (hashes[i] == hash && same(slots[i], e.table(), e.keyRow(), e.keyIndexes())) {
                slots[i].indexed(false);
                slots[i] = e;
                e.indexed(true);
                return;
            }
        }
        if (size == slots.length / 2) {
            throw new IllegalStateException("more keys than the window holds: " + size);
        }
        slots[i] = e;
        hashes[i] = hash;
        size++;
        e.indexed(true);
    }

    /** Removes the entry of that key, if any. */
    void remove(String table, Row row, int[] idx, int hash) {
        Keyed e = get(table, row, idx, hash);
        if (e != null) {
            remove(e);
        }
    }

    /** Removes {@code e}, if it is in. */
    void remove(Keyed e) {
        int i = slot(e.keyHash());
        while (slots[i] != e) {
            if (slots[i] == null) {
                return;
            }
            i = (i + 1) & mask;
        }
        e.indexed(false);
        size--;
        // shift back the entries after it that probed past i, so that no lookup stops short
        int gap = i;
        for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
            int home = slot(hashes[j]);
            if (((j - home) & mask) >= ((j - gap) & mask)) {
                slots[gap] = slots[j];
                hashes[gap] = hashes[j];
                gap = j;
            }
        }
        slots[gap] = null;
    }

    /** Removes every entry. */
    void clear() {
        if (size == 0) {
            return;
        }
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null) {
                slots[i].indexed(false);
            }
        }
        Arrays.fill(slots, null);
        size = 0;
    }

    int size() {
        return size;
    }

    private int slot(int hash) {
        return (hash * 0x9E3779B9) >>> shift;
    }

    /** Whether {@code e}'s key is {@code table}'s {@code row} at {@code idx}: the same table, NULLs and texts. */
    private static boolean same(Keyed e, String table, Row row, int[] idx) {
        if (!e.table().equals(table)) {
            return false;
        }
        Row other = e.keyRow();
        int[] otherIdx = e.keyIndexes();
        if (otherIdx.length != idx.length) {
            return false;
        }
        for (int k = 0; k < idx.length; k++) {
            boolean isNull = row.isNull(idx[k]);
            if (isNull != other.isNull(otherIdx[k]) || !isNull && !other.sameValue(otherIdx[k], row, idx[k])) {
                return false;
            }
        }
        return true;
    }
}
