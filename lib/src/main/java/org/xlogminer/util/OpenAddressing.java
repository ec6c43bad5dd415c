package org.xlogminer.util;

import java.util.ArrayList;
import java.util.List;

/**
 * A hash table of entries that carry their own keys: open addressing with linear probing, at most
 * half full, entries removed by shifting back the rest of their run (no tombstones). A subclass
 * finds an entry by its key fields, probing from {@link #firstSlot} with {@link #nextSlot} and
 * reading {@link #at}, so that a look-up allocates no key object; this class adds, removes and
 * grows. Not thread-safe.
 *
 * @param <E> the entries, compared by identity once found
 */
public abstract class OpenAddressing<E> {

    private Object[] slots;
    private int size;

    /** @param capacity the first number of slots, a power of two */
    protected OpenAddressing(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, got " + capacity);
        }
        slots = new Object[capacity];
    }

    /** The hash of an entry's key: what a look-up of that key probes from. */
    protected abstract int hash(E entry);

    /** Where a probe for this hash starts. */
    protected final int firstSlot(int hash) {
        return hash & (slots.length - 1);
    }

    /** The slot after {@code i}, wrapping around. */
    protected final int nextSlot(int i) {
        return (i + 1) & (slots.length - 1);
    }

    /** The entry in slot {@code i}, or null: an empty slot ends a probe. */
    @SuppressWarnings("unchecked")
    protected final E at(int i) {
        return (E) slots[i];
    }

    /** Adds an entry whose key is not in the table yet. */
    public final void add(E entry) {
        if (2 * (size + 1) > slots.length) {
            Object[] old = slots;
            slots = new Object[old.length * 2];
            for (Object o : old) {
                if (o != null) {
                    @SuppressWarnings("unchecked")
                    E e = (E) o;
                    slots[free(e)] = e;
                }
            }
        }
        slots[free(entry)] = entry;
        size++;
    }

    private int free(E entry) {
        int i = firstSlot(hash(entry));
        while (slots[i] != null) {
            i = nextSlot(i);
        }
        return i;
    }

    /** Removes this entry (the very object), if it is in the table. */
    public final void remove(E entry) {
        int i = firstSlot(hash(entry));
        while (slots[i] != entry) {
            if (slots[i] == null) {
                return;
            }
            i = nextSlot(i);
        }
        slots[i] = null;
        size--;
        // shift back the entries of the run after i that could sit in the freed slot
        int mask = slots.length - 1;
        for (int j = nextSlot(i); slots[j] != null; j = nextSlot(j)) {
            int home = firstSlot(hash(at(j)));
            if ((j - home & mask) >= (j - i & mask)) {
                slots[i] = slots[j];
                slots[j] = null;
                i = j;
            }
        }
    }

    /** The number of entries. */
    public final int size() {
        return size;
    }

    /** The entries, in no order: a copy, so the table may change while it is used. */
    public final List<E> entries() {
        List<E> l = new ArrayList<>(size);
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null) {
                l.add(at(i));
            }
        }
        return l;
    }

    /** Removes every entry. */
    public final void clear() {
        java.util.Arrays.fill(slots, null);
        size = 0;
    }
}
