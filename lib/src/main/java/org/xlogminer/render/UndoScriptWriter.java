package org.xlogminer.render;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.xlogminer.event.RowChange;
import org.xlogminer.event.TransactionInfo;

/**
 * Writes the UNDO script: transactions newest first, each as its header and {@code BEGIN;}, its
 * statements newest first, then {@code COMMIT;} (or {@code ROLLBACK;}), with bounded memory.
 *
 * <p>Guarded UNDO ({@link UndoGuard}) is one transaction instead: the renderer's script start
 * ({@code BEGIN;} and the check function) at the top, its end ({@code COMMIT;}) at the bottom, and
 * each transaction as its header comment, its statements newest first and a blank line; an aborted
 * transaction's statements are commented out, for it changed nothing to undo. Its pieces go through
 * {@link UndoFolding}, which folds the changes of a row into one statement (unless the renderer
 * says per change), and its statements become EXECUTEs of the statements {@link PreparedUndo}
 * prepares at the script's top, after the check function.
 *
 * <p>Each piece of the script as it arrives ({@code COMMIT}, then the statements, then header +
 * {@code BEGIN}) is laid down in front of the one before, in a chunk of 1 MB filled from its end,
 * so that a chunk reads newest first. A full chunk goes to a temporary file, and {@link #finish()}
 * copies the chunk in memory out, then the file's chunks, last written first, each read forwards.
 * So neither the number of transactions nor the size of one (a 10-million-row UPDATE) grows the
 * heap, and a script that fits in one chunk never touches the disk. {@link #close()} deletes the
 * file.
 *
 * <p>Not thread-safe: one thread writes the script.
 */
final class UndoScriptWriter extends ScriptWriter {

    /** UNDO script kept in memory before it goes to the file (and the file's read window). */
    static final int CHUNK_BYTES = 1 << 20;

    /** The newest UNDO script, UTF-8, filled from the end: {@code chunk[chunkPos..]} reads newest piece first. */
    private final byte[] chunk;
    private int chunkPos;
    /** Where the temporary file goes, and, once a chunk went there, the file and where each chunk starts. */
    private final Path tmpDir;
    private Path undoFile;
    private RandomAccessFile undoData;
    private long written;
    private long[] chunkStarts = new long[64];
    private int chunkCount;
    /** The script is guarded UNDO: one transaction, see the class comment. */
    private final boolean guarded;
    /** Whether a transaction came (a guarded script without any is empty). */
    private boolean started;
    /** Guarded UNDO: the window its pieces go through, folding each row's changes (or not). */
    private final UndoFolding folding;
    /** Guarded UNDO: its statements as EXECUTEs of prepared ones, or null. */
    private final PreparedUndo prepared;
    private final ValueSpans spans = new ValueSpans();
    /** Unguarded: the transaction's COMMIT is not laid down yet (no statement came): it may have schema changes only. */
    private boolean noStatement;
    private boolean blankLaid;

    /** With chunks of {@code chunkBytes}: small ones let a test reach the file with little SQL. */
    UndoScriptWriter(ScriptOutput out, SqlRenderer renderer, Path tmpDir, int chunkBytes) {
        this(out, renderer, tmpDir, chunkBytes, true, UndoFolding.WINDOW);
    }

    /**
     * @param prepare guarded statements become EXECUTEs of prepared statements ({@link PreparedUndo})
     * @param window  the folding window, in pieces of the script ({@link UndoFolding#WINDOW})
     */
    UndoScriptWriter(ScriptOutput out, SqlRenderer renderer, Path tmpDir, int chunkBytes, boolean prepare,
                     int window) {
        super(out, renderer);
        this.tmpDir = tmpDir;
        this.chunk = new byte[chunkBytes];
        this.chunkPos = chunkBytes;
        this.guarded = renderer.undoGuard() != UndoGuard.NONE;
        this.folding = guarded ? new UndoFolding(renderer, new UndoFolding.Target() {
            @Override
            public void text(CharSequence text) {
                prepend(text);
            }

            @Override
            public void statement(RowChange change, CharSequence comment, boolean commentOut) {
                guardedStatement(change, comment, commentOut);
            }
        }, renderer.undoFolds(), window) : null;
        this.prepared = guarded && prepare ? new PreparedUndo() : null;
    }

    @Override
    public void begin(TransactionInfo tx) {
        if (!guarded) {
            noStatement = true; // its COMMIT is laid down with its first statement: none, no block
            return;
        }
        if (!started) {
            folding.text(renderer.undoScriptEnd()); // the first piece laid down is the script's last
        }
        folding.text("\n");
        started = true;
    }

    @Override
    public void change(TransactionInfo tx, RowChange c) {
        if (guarded) {
            folding.change(c, tx.committed());
            return;
        }
        if (noStatement) {
            prepend(commitLine(tx));
            noStatement = false;
        }
        statement.setLength(0);
        renderer.undo(c, statement);
        prepend(statement.append('\n'));
    }

    /** Lays down a guarded statement, {@code comment} before it, as an EXECUTE where it can be. */
    private void guardedStatement(RowChange c, CharSequence comment, boolean commentOut) {
        statement.setLength(0);
        statement.append(comment);
        if (commentOut) {
            renderer.undo(c, statement);
            commentOut(statement);
        } else if (prepared != null) {
            renderer.undo(c, statement, spans);
            prepared.rewrite(statement, spans);
        } else {
            renderer.undo(c, statement);
        }
        prepend(statement.append('\n'));
    }

    /** Makes each line of the statement a comment: one of an aborted transaction, not to apply. */
    private static void commentOut(StringBuilder sql) {
        for (int i = sql.length() - 1; i >= 0; i--) {
            if (sql.charAt(i) == '\n') {
                sql.insert(i + 1, "-- ");
            }
        }
        sql.insert(0, "-- ");
    }

    @Override
    public void end(TransactionInfo tx) {
        if (guarded) {
            folding.text(headerComment(tx, true));
            return;
        }
        if (noStatement) {
            prepend(headerComment(tx, true)); // schema changes only: their comments, no block
            noStatement = false;
            blankLaid = false;
            return;
        }
        prepend(header(tx, true));
    }

    /** A schema change as a comment line in its transaction's block (newest first, as the statements). */
    @Override
    public void schemaChange(TransactionInfo tx, org.xlogminer.event.SchemaChange c) {
        if (guarded) {
            folding.barrier(); // no fold across it: the rows before and after may not have the same columns
            folding.text(c.comment() + "\n");
            return;
        }
        if (noStatement && !blankLaid) {
            prepend("\n"); // schema changes only (they come after the statements): a blank line ends them
            blankLaid = true;
        }
        prepend(c.comment() + "\n");
    }

    /** Lays the text down, as UTF-8, in front of the UNDO script so far. */
    private void prepend(CharSequence s) {
        int n = s.length();
        if (n <= chunkPos && ScriptOutput.asciiInto(s, chunk, chunkPos - n)) {
            chunkPos -= n;
            return;
        }
        prepend(s.toString().getBytes(StandardCharsets.UTF_8)); // what went in below chunkPos is overwritten
    }

    private void prepend(byte[] b) {
        if (b.length > chunkPos) {
            spill();
            if (b.length > chunk.length) {
                writeChunk(b, 0, b.length); // larger than a chunk: a chunk of its own
                return;
            }
        }
        chunkPos -= b.length;
        System.arraycopy(b, 0, chunk, chunkPos, b.length);
    }

    /** Moves the chunk in memory to the file. */
    private void spill() {
        if (chunkPos < chunk.length) {
            writeChunk(chunk, chunkPos, chunk.length - chunkPos);
            chunkPos = chunk.length;
        }
    }

    private void writeChunk(byte[] b, int off, int len) {
        try {
            if (undoData == null) {
                Files.createDirectories(tmpDir);
                undoFile = Files.createTempFile(tmpDir, "xlogminer-undo-", ".sql");
                undoFile.toFile().deleteOnExit();
                undoData = new RandomAccessFile(undoFile.toFile(), "rw");
            }
            if (chunkCount == chunkStarts.length) {
                chunkStarts = Arrays.copyOf(chunkStarts, chunkCount * 2);
            }
            chunkStarts[chunkCount++] = written;
            undoData.write(b, off, len);
            written += len;
        } catch (IOException e) {
            throw new UncheckedIOException("writing the UNDO script to "
                + (undoFile != null ? undoFile : "a temporary file in " + tmpDir), e);
        }
    }

    /**
     * Copies the script out newest first: the chunk in memory, then the file's chunks, last written
     * first, each by the output's channel where it has one, else read forwards a window of 1 MB at a
     * time, so that memory stays small. Flushes.
     */
    @Override
    void finish() {
        if (started) {
            folding.flush();
            if (prepared != null && prepared.definitions().length() > 0) {
                prepend("\n");
                prepend(prepared.definitions());
            }
            prepend(renderer.undoScriptStart());
            started = false;
        }
        try {
            out.flushWriter(); // what went through the writer comes first
            out.utf8(chunk, chunkPos, chunk.length - chunkPos); // whole pieces: whole UTF-8 sequences
            chunkPos = chunk.length;
            if (out.hasChannel()) {
                out.flushBytes(); // what went through the stream comes first
            }
            for (int i = chunkCount - 1; i >= 0; i--) {
                long end = i + 1 < chunkCount ? chunkStarts[i + 1] : written;
                long pos = out.transfer(undoData.getChannel(), chunkStarts[i], end);
                if (pos < end) {
                    copyOut(pos, end); // what the channel did not take
                    if (out.hasChannel()) {
                        out.flushBytes(); // before the next chunk goes by the channel
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.finish();
    }

    /** Copies the temporary file's bytes [pos, end) out, a window (the chunk's array) at a time. */
    private void copyOut(long pos, long end) throws IOException {
        byte[] window = chunk;
        while (pos < end) {
            int n = (int) Math.min(window.length, end - pos);
            undoData.seek(pos);
            undoData.readFully(window, 0, n);
            int cut = pos + n < end ? ScriptOutput.completeUtf8(window, 0, n) : n;
            out.utf8(window, 0, cut);
            pos += cut;
        }
    }

    @Override
    public void close() {
        try {
            if (undoData != null) {
                undoData.close();
                Files.deleteIfExists(undoFile);
                undoData = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
