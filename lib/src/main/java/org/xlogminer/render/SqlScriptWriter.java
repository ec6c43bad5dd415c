package org.xlogminer.render;

import java.io.Closeable;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;

import org.xlogminer.event.ChangeHandler;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.Transaction;
import org.xlogminer.event.TransactionInfo;
import org.xlogminer.wal.reader.TimelineHistory;

/**
 * Writes transactions as a psql-ready SQL script, REDO or UNDO: one {@code BEGIN; ... COMMIT;}
 * block per transaction, headed by a comment naming its xid, commit LSN and commit time (guarded
 * UNDO, as the renderer's {@link UndoGuard} says: one transaction for the whole script). This class
 * only chooses the writer and hands it every call: {@link RedoScriptWriter} writes as changes
 * arrive, {@link UndoScriptWriter} newest first through a temporary file, both to a
 * {@link ScriptOutput}.
 *
 * <p>Not thread-safe: one thread writes the script (a miner streams to it through an
 * {@code AsyncChangeHandler}).
 */
public final class SqlScriptWriter implements ChangeHandler, Closeable {

    private final ScriptWriter writer;

    /** A script written through {@code out} only. */
    public SqlScriptWriter(Writer out, SqlRenderer renderer, boolean undo, Path tmpDir) {
        this(new ScriptOutput(out), renderer, undo, tmpDir);
    }

    /**
     * @param out    where the script goes; nothing else may write to it until {@link #finish()}
     * @param tmpDir where UNDO's temporary file goes, when the script outgrows its chunk in memory
     */
    public SqlScriptWriter(ScriptOutput out, SqlRenderer renderer, boolean undo, Path tmpDir) {
        this(out, renderer, undo, tmpDir, UndoScriptWriter.CHUNK_BYTES);
    }

    /** With UNDO chunks of {@code chunkBytes}: small ones let a test reach the file with little SQL. */
    SqlScriptWriter(ScriptOutput out, SqlRenderer renderer, boolean undo, Path tmpDir, int chunkBytes) {
        this.writer = undo ? new UndoScriptWriter(out, renderer, tmpDir, chunkBytes) : new RedoScriptWriter(out, renderer);
    }

    /**
     * Names the timeline of each transaction in its header comment ({@code on timeline 2}), the
     * one current at its commit LSN as {@code history} says: for WAL read across timeline switches.
     */
    public SqlScriptWriter namingTimelines(TimelineHistory history) {
        writer.nameTimelines(history);
        return this;
    }

    /**
     * UNDO with chunks of {@code chunkBytes}, guarded statements prepared or not, and a folding
     * window of {@code window} pieces: for tests.
     */
    SqlScriptWriter(ScriptOutput out, SqlRenderer renderer, Path tmpDir, int chunkBytes, boolean prepare, int window) {
        this.writer = new UndoScriptWriter(out, renderer, tmpDir, chunkBytes, prepare, window);
    }

    /** Writes a whole transaction (one that fits in memory); no changes, no block. */
    public void write(Transaction tx, List<RowChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        TransactionInfo info = tx.info();
        writer.begin(info);
        for (RowChange c : changes) {
            writer.change(info, c);
        }
        writer.end(info);
    }

    @Override
    public void begin(TransactionInfo tx) {
        writer.begin(tx);
    }

    @Override
    public void change(TransactionInfo tx, RowChange c) {
        writer.change(tx, c);
    }

    @Override
    public void end(TransactionInfo tx) {
        writer.end(tx);
    }

    @Override
    public void schemaChange(TransactionInfo tx, org.xlogminer.event.SchemaChange c) {
        writer.schemaChange(tx, c);
    }

    /** Writes what is still held (for UNDO, the whole script, newest first) and flushes the output. */
    public void finish() {
        writer.finish();
    }

    /** Deletes UNDO's temporary file, if it made one. */
    @Override
    public void close() {
        writer.close();
    }
}
