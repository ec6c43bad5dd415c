package org.xlogminer.render;

import java.util.HashMap;
import java.util.Map;

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

    private final Map<String, String> names = new HashMap<>();
    private final StringBuilder definitions = new StringBuilder();
    private final StringBuilder shape = new StringBuilder(512);
    private final StringBuilder values = new StringBuilder(512);

    /**
     * Rewrites the statement at {@code spans.statementStart} of {@code sb} (to its end) as the
     * {@code EXECUTE} of its shape's prepared statement, when it can be.
     */
    void rewrite(StringBuilder sb, ValueSpans spans) {
        if (!spans.preparable()) {
            return;
        }
        shape.setLength(0);
        values.setLength(0);
        int from = spans.statementStart;
        for (int k = 0; k < spans.count(); k++) {
            shape.append(sb, from, spans.start(k)).append('$').append(k + 1);
            values.append(k == 0 ? "" : ", ").append(sb, spans.start(k), spans.end(k));
            from = spans.end(k);
        }
        shape.append(sb, from, sb.length());
        String key = shape.toString();
        String name = names.get(key);
        if (name == null) {
            if (names.size() >= MAX_SHAPES) {
                return;
            }
            name = "xlogminer_" + (names.size() + 1);
            names.put(key, name);
            definitions.append("PREPARE ").append(name).append(" AS ").append(key).append('\n');
        }
        sb.setLength(spans.statementStart);
        sb.append("EXECUTE ").append(name).append('(').append(values).append(");");
    }

    /** The {@code PREPARE}s of the shapes met so far, one a line (empty when none). */
    CharSequence definitions() {
        return definitions;
    }
}
