package org.xlogminer.cli;

import org.xlogminer.render.UndoGuard;

import picocli.CommandLine.Option;

/** How UNDO is guarded against later changes to its rows, and what a conflict does. */
final class UndoOptions {

    /** {@code --undo-guard}: the columns an UPDATE's UNDO sets back and guards. */
    enum Guard {
        changed(UndoGuard.CHANGED), all(UndoGuard.ALL), none(UndoGuard.NONE);

        final UndoGuard guard;

        Guard(UndoGuard guard) {
            this.guard = guard;
        }
    }

    /** {@code --undo-conflicts}: what the script does with a row changed since. */
    enum Conflicts { stop, skip }

    @Option(names = "--undo-guard", defaultValue = "changed", paramLabel = "GUARD",
        description = {"changed (default): UNDO touches a row only while it is as the change left it: an UPDATE's "
            + "UNDO sets back the columns it changed where they still hold what it wrote; the script is one "
            + "transaction that stops at a row changed since (a conflict).",
            "all: an UPDATE's UNDO sets and guards every column. none: unguarded, a BEGIN/COMMIT block per "
                + "transaction, overwriting later changes."})
    Guard guard;

    @Option(names = "--undo-conflicts", defaultValue = "stop", paramLabel = "WHAT",
        description = "stop (default): a conflict stops the guarded UNDO script and nothing is applied; "
            + "skip: the row is left as it is now, with a NOTICE, and the script reports how many were skipped.")
    Conflicts conflicts;

    @Option(names = "--undo-per-change",
        description = "Guarded UNDO with a statement per change. By default the changes of a row within the range "
            + "are folded into one statement that sets the row back to its state before the first of them, where "
            + "it is still as the last left it (an INSERT then a DELETE of a row nets to nothing).")
    boolean perChange;

    /** How UNDO statements are guarded. */
    UndoGuard undoGuard() {
        return guard.guard;
    }

    /** Whether the UNDO script skips conflicting rows instead of stopping. */
    boolean skipConflicts() {
        return conflicts == Conflicts.skip;
    }

    /** Whether guarded UNDO has a statement per change instead of one per row's net change. */
    boolean perChange() {
        return perChange;
    }
}
