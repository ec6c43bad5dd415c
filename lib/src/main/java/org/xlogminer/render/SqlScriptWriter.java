package org.xlogminer.render;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.xlogminer.event.RowChange;
import org.xlogminer.event.Transaction;
import org.xlogminer.wal.Lsn;

/**
 * Writes transactions as a psql-ready SQL script: one {@code BEGIN; ... COMMIT;} block per
 * transaction, headed by a comment naming its xid, commit LSN and commit time.
 *
 * <p>REDO is written as transactions arrive (commit order, statements in WAL order). UNDO lists
 * transactions newest first and statements newest first inside each: blocks are rendered as they
 * arrive into a temporary file and copied out in reverse at {@link #finish()}, so memory does not
 * grow with the number of transactions.
 *
 * <p>Not thread-safe.
 */
public final class SqlScriptWriter implements Closeable {

    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

    private final Writer out;
    private final SqlRenderer renderer;
    private final boolean undo;
    private final StringBuilder block = new StringBuilder(4096);
    private Path undoFile;
    private RandomAccessFile undoData;
    private long[] offsets = new long[1024];
    private int blocks;

    public SqlScriptWriter(Writer out, SqlRenderer renderer, boolean undo, Path tmpDir) {
        this.out = out;
        this.renderer = renderer;
        this.undo = undo;
        if (undo) {
            try {
                Files.createDirectories(tmpDir);
                undoFile = Files.createTempFile(tmpDir, "xlogminer-undo-", ".sql");
                undoFile.toFile().deleteOnExit();
                undoData = new RandomAccessFile(undoFile.toFile(), "rw");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Writes (REDO) or keeps (UNDO) one transaction's block; an empty change list writes nothing. */
    public void write(Transaction tx, List<RowChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        block.setLength(0);
        block.append("-- xid ").append(tx.xid()).append(tx.committed() ? " committed at " : " ABORTED at ");
        Lsn.appendTo(block, tx.commitLsn());
        block.append(' ').append(TIME.format(tx.commitTime()));
        if (undo) {
            block.append(" (undo)");
        }
        block.append('\n');
        if (tx.incomplete()) {
            block.append("-- xlogminer: INCOMPLETE: the transaction began before the WAL read; its earlier changes are missing\n");
        }
        block.append("BEGIN;\n");
        if (undo) {
            for (int i = changes.size() - 1; i >= 0; i--) {
                block.append(renderer.undo(changes.get(i))).append('\n');
            }
        } else {
            for (RowChange c : changes) {
                block.append(renderer.redo(c)).append('\n');
            }
        }
        block.append(tx.committed() ? "COMMIT;\n\n" : "ROLLBACK;\n\n");
        try {
            if (undo) {
                if (blocks == offsets.length) {
                    offsets = java.util.Arrays.copyOf(offsets, blocks * 2);
                }
                offsets[blocks++] = undoData.getFilePointer();
                undoData.write(block.toString().getBytes(StandardCharsets.UTF_8));
            } else {
                out.append(block);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For UNDO, copies the kept blocks out newest first. Flushes. */
    public void finish() {
        try {
            if (undo) {
                long end = undoData.length();
                for (int i = blocks - 1; i >= 0; i--) {
                    long start = offsets[i];
                    byte[] b = new byte[(int) (end - start)];
                    undoData.seek(start);
                    undoData.readFully(b);
                    out.write(new String(b, StandardCharsets.UTF_8));
                    end = start;
                }
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
