package org.xlogminer.render;

import java.util.Arrays;

/**
 * Where the values of a statement are in its text, as the renderer writes them: what
 * {@link PreparedUndo} turns into the parameters of a prepared statement.
 *
 * <p>Not thread-safe: one per script writer, reused for every statement.
 */
final class ValueSpans {

    /** Where the statement starts (after the comment lines that precede it). */
    int statementStart;
    private int[] spans = new int[64];
    private int count;
    /** Whether the statement may become an EXECUTE (a keyless row's stays as it is). */
    private boolean preparable;

    void reset() {
        count = 0;
        statementStart = 0;
        preparable = true;
    }

    void notPreparable() {
        preparable = false;
    }

    boolean preparable() {
        return preparable && count > 0;
    }

    /** The value written at {@code [start, end)} of the statement's builder. */
    void add(int start, int end) {
        if (2 * count + 2 > spans.length) {
            spans = Arrays.copyOf(spans, spans.length * 2);
        }
        spans[2 * count] = start;
        spans[2 * count + 1] = end;
        count++;
    }

    int count() {
        return count;
    }

    int start(int k) {
        return spans[2 * k];
    }

    int end(int k) {
        return spans[2 * k + 1];
    }
}
