package org.xlogminer.render;

import org.xlogminer.event.RowChange;
import org.xlogminer.event.SchemaChange;
import org.xlogminer.event.TransactionInfo;

/**
 * Writes the REDO script as changes arrive: transactions in commit order, each as its header and
 * {@code BEGIN;}, its statements in WAL order, then {@code COMMIT;} (or {@code ROLLBACK;}).
 * Nothing is held back but the output's gathered bytes.
 *
 * <p>Not thread-safe: one thread writes the script.
 */
final class RedoScriptWriter extends ScriptWriter {

    RedoScriptWriter(ScriptOutput out, SqlRenderer renderer) {
        super(out, renderer);
    }

    @Override
    public void begin(TransactionInfo tx) {
        out.text(header(tx, false));
    }

    @Override
    public void change(TransactionInfo tx, RowChange c) {
        statement.setLength(0);
        renderer.redo(c, statement);
        out.text(statement.append('\n'));
    }

    @Override
    public void end(TransactionInfo tx) {
        out.text(commitLine(tx));
    }

    /** A schema change as a comment line in its transaction's block. */
    @Override
    public void schemaChange(TransactionInfo tx, SchemaChange c) {
        out.text(c.comment() + "\n");
    }

    @Override
    void finish() {
        out.finish();
    }
}
