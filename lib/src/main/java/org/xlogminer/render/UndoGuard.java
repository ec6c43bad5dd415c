package org.xlogminer.render;

/**
 * How UNDO statements make sure that they only touch a row that is still as the change left it,
 * so that undoing never overwrites a later change (see {@link GuardedUndo}).
 */
public enum UndoGuard {

    /**
     * No guard: each statement finds its row by the key (a keyless row by its old values and ctid)
     * and sets it back, whatever happened to it since; the script is a {@code BEGIN; ... COMMIT;}
     * block per transaction.
     */
    NONE,

    /**
     * An UPDATE's UNDO sets back only the columns the change changed, where they still hold what the
     * change wrote (a later change to other columns survives); an INSERT's UNDO deletes the row only
     * while it is as inserted; a DELETE's UNDO inserts the row unless its key exists again. Every
     * statement checks that it touched exactly one row; the script is one transaction.
     */
    CHANGED,

    /** As {@link #CHANGED}, but an UPDATE's UNDO sets and guards every column of the row. */
    ALL
}
