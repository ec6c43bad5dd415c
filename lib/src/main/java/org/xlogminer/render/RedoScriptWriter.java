package org.xlogminer.render;

import org.xlogminer.event.RowChange;
import org.xlogminer.event.SchemaChange;
import org.xlogminer.event.TransactionInfo;

/**
 * Writes the REDO script as changes arrive: transactions in commit order, each as its header and
 * {@code BEGIN;}, its statements in WAL order, then {@code COMMIT;} (or {@code ROLLBACK;}). A
 * transaction's schema changes are comment lines after its statements, inside its block; one with
 * schema changes only is its header comment and theirs, without an empty block. Nothing is held back
 * but the output's gathered bytes.
 *
 * <p>Not thread-safe: one thread writes the script.
 */
final class RedoScriptWriter extends ScriptWriter {

    /** The transaction begun and not written yet: its first statement opens its block. */
    private TransactionInfo pending;
    /** The transaction being written has schema changes only: no block. */
    private boolean commentsOnly;

    RedoScriptWriter(ScriptOutput out, SqlRenderer renderer) {
        super(out, renderer);
    }

    @Override
    public void begin(TransactionInfo tx) {
        pending = tx;
        commentsOnly = false;
    }

    @Override
    public void change(TransactionInfo tx, RowChange c) {
        if (pending != null) {
            out.text(header(tx, false));
            pending = null;
        }
        statement.setLength(0);
        renderer.redo(c, statement);
        out.text(statement.append('\n'));
    }

    @Override
    public void end(TransactionInfo tx) {
        if (commentsOnly) {
            out.text("\n");
            commentsOnly = false;
        } else if (pending == null) {
            out.text(commitLine(tx));
        }
        pending = null;
    }

    /** A schema change as a comment line (they come after the transaction's statements, if any). */
    @Override
    public void schemaChange(TransactionInfo tx, SchemaChange c) {
        if (pending != null) {
            out.text(headerComment(tx, false));
            pending = null;
            commentsOnly = true;
        }
        out.text(c.comment() + "\n");
    }

    @Override
    void finish() {
        out.finish();
    }
}
