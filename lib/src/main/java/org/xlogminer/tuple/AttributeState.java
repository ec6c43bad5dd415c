package org.xlogminer.tuple;

/** What a deformed tuple holds for one column. */
public enum AttributeState {
    /** The null bitmap says NULL. */
    NULL,
    /** Stored in the tuple: see {@link DeformedTuple#offset(int)} and {@link DeformedTuple#length(int)}. */
    PRESENT,
    /**
     * Not stored: the tuple has fewer attributes than the table (it was written before the column was
     * added). The value is the column's {@code attmissingval} when {@code atthasmissing}, else NULL.
     */
    MISSING,
    /** A dropped column: skip it (its bytes, if any, are still accounted for). */
    DROPPED;

    private static final AttributeState[] VALUES = values();

    static AttributeState ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }
}
