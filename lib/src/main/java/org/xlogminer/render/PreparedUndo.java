package org.xlogminer.render;

import java.util.Arrays;

/**
 * Turns the guarded UNDO statements of a script into {@code EXECUTE}s of prepared statements, one
 * per table and shape of statement (the columns it sets and guards, which of them are NULL), so
 * that the server plans each shape once instead of every statement:
 * <pre>
 * PREPARE xlogminer_1 AS WITH u AS (UPDATE public.t SET balance = $1 WHERE id = $2 AND balance = $3
 *   RETURNING 1) SELECT pg_temp.xlogminer_check(count(*), 'public.t', $4, $5) FROM u;
 * ...
 * EXECUTE xlogminer_1('10.00'::numeric, 42, '0.00'::numeric, 'id=42', '0/1A2B3C4D');
 * </pre>
 * The {@code PREPARE}s go to the script's top (after the check function); the values are the same
 * literals the statement would hold, and the parameters' types are the server's inference from
 * where they stand (a column, the check function's arguments). A statement whose row has no key
 * (found by its ctid) stays as it is, and so does every statement of a new shape once there are
 * {@link #MAX_SHAPES}: the statements kept in memory are bounded.
 *
 * <p>Not thread-safe: one per script writer.
 */
final class PreparedUndo {

    /** The most prepared statements a script defines. */
    static final int MAX_SHAPES = 1000;

    /**
     * The shapes met and their names, by hash: open addressing with linear probing, at most a
     * quarter full. A statement is looked up without making a string of its shape (that would be
     * one per statement of the script): its shape is written into {@link #shape}, hashed there, and
     * compared with the shapes' chars.
     */
    private static final int SLOTS = 4096;
    private final char[][] shapes = new char[SLOTS][];
    private final int[] hashes = new int[SLOTS];
    private final String[] shapeNames = new String[SLOTS];
    private int count;
    /** How many of the shapes met last {@link #recent(int)} compares. */
    private static final int RECENT = 8;
    /** The slots of the shapes met last, most used first; -1 past them. */
    private final int[] recent = new int[RECENT];

    {
        Arrays.fill(recent, -1);
    }
    private final StringBuilder definitions = new StringBuilder();
    /** The statement's chars, and its shape: reused for every statement. */
    private char[] text = new char[512];
    private char[] shape = new char[512];

    /**
     * Rewrites the statement at {@code spans.statementStart} of {@code sb} (to its end) as the
     * {@code EXECUTE} of its shape's prepared statement, when it can be.
     */
    void rewrite(StringBuilder sb, ValueSpans spans) {
        if (!spans.preparable()) {
            return;
        }
        int base = spans.statementStart;
        int n = sb.length() - base;
        if (text.length < n) {
            text = new char[Math.max(n, 2 * text.length)];
        }
        sb.getChars(base, sb.length(), text, 0);
        int len = shapeOf(spans, n);
        String name = recent(len);
        if (name == null) {
            name = lookUp(len);
        }
        if (name == null) {
            return;
        }
        sb.setLength(base);
        sb.append("EXECUTE ").append(name).append('(');
        for (int k = 0; k < spans.count(); k++) {
            if (k > 0) {
                sb.append(", ");
            }
            sb.append(text, spans.start(k) - base, spans.end(k) - spans.start(k));
        }
        sb.append(");");
    }

    /**
     * The name of the shape in {@link #shape} when it is one of the last few met (a script's
     * statements are of a few shapes in turn), else null: compared, not hashed, for a hash of a
     * shape's some hundred chars costs more than comparing them.
     */
    private String recent(int len) {
        for (int r = 0; r < RECENT; r++) {
            int slot = recent[r];
            if (slot < 0) {
                return null;
            }
            char[] s = shapes[slot];
            if (s.length == len && Arrays.equals(s, 0, len, shape, 0, len)) {
                if (r > 0) { // one step to the front: the shapes used most stay first
                    recent[r] = recent[r - 1];
                    recent[r - 1] = slot;
                }
                return shapeNames[slot];
            }
        }
        return null;
    }

    /** The name of the shape in {@link #shape}, named now if new; null for a new one past {@link #MAX_SHAPES}. */
    private String lookUp(int len) {
        int hash = 0;
        for (int i = 0; i < len; i++) {
            hash = 31 * hash + shape[i];
        }
        int slot = (hash * 0x9E3779B9) >>> (32 - Integer.numberOfTrailingZeros(SLOTS));
        String name = null;
        for (; shapes[slot] != null; slot = (slot + 1) & (SLOTS - 1)) {
            if (hashes[slot] == hash && Arrays.equals(shapes[slot], 0, shapes[slot].length, shape, 0, len)) {
                name = shapeNames[slot];
                break;
            }
        }
        if (name == null) {
            if (count >= MAX_SHAPES) {
                return null;
            }
            count++;
            name = "xlogminer_" + count;
            shapes[slot] = Arrays.copyOf(shape, len);
            hashes[slot] = hash;
            shapeNames[slot] = name;
            definitions.append("PREPARE ").append(name).append(" AS ").append(shape, 0, len).append('\n');
        }
        System.arraycopy(recent, 0, recent, 1, RECENT - 1);
        recent[0] = slot;
        return name;
    }

    /** Writes the shape of the statement in {@link #text} ({@code n} chars) into {@link #shape}: its length. */
    private int shapeOf(ValueSpans spans, int n) {
        int base = spans.statementStart;
        int len = 0;
        int from = 0;
        for (int k = 0; k < spans.count(); k++) {
            int start = spans.start(k) - base;
            len = put(len, from, start - from);
            ensure(len + 11);
            shape[len++] = '$';
            len = putNumber(len, k + 1);
            from = spans.end(k) - base;
        }
        return put(len, from, n - from);
    }

    /** Copies {@code n} chars of {@link #text} from {@code from} to {@link #shape} at {@code at}: the new length. */
    private int put(int at, int from, int n) {
        ensure(at + n);
        System.arraycopy(text, from, shape, at, n);
        return at + n;
    }

    /** Writes {@code v}, positive, in decimal at {@code at} of {@link #shape}: the new length. */
    private int putNumber(int at, int v) {
        if (v < 10) {
            shape[at] = (char) ('0' + v);
            return at + 1;
        }
        int digits = 1;
        for (int x = v; x >= 10; x /= 10) {
            digits++;
        }
        for (int i = at + digits - 1; i >= at; i--) {
            shape[i] = (char) ('0' + v % 10);
            v /= 10;
        }
        return at + digits;
    }

    private void ensure(int n) {
        if (shape.length < n) {
            shape = Arrays.copyOf(shape, Math.max(n, 2 * shape.length));
        }
    }

    /** The {@code PREPARE}s of the shapes met so far, one a line (empty when none). */
    CharSequence definitions() {
        return definitions;
    }
}
