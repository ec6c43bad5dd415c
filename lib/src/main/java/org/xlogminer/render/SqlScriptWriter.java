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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.xlogminer.event.ChangeHandler;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.Transaction;
import org.xlogminer.event.TransactionInfo;
import org.xlogminer.wal.Lsn;

/**
 * Writes transactions as a psql-ready SQL script: one {@code BEGIN; ... COMMIT;} block per
 * transaction, headed by a comment naming its xid, commit LSN and commit time.
 *
 * <p>REDO is written as changes arrive (commit order, statements in WAL order). UNDO lists
 * transactions newest first and statements newest first inside each, with bounded memory:
 * statements are gathered into parts of a few MB, each part is written reversed to a temporary
 * file as a unit, a transaction's units are laid down as {@code COMMIT}, parts, header + {@code BEGIN},
 * and {@link #finish()} copies all units out in reverse. So neither the number of transactions nor
 * the size of one (a 10-million-row UPDATE) grows the heap.
 *
 * <p>Not thread-safe.
 */
public final class SqlScriptWriter implements ChangeHandler, Closeable {

    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);
    /** UNDO statements kept in memory before a part goes to the file. */
    private static final int PART_BYTES = 4 << 20;

    private final Writer out;
    private final SqlRenderer renderer;
    private final boolean undo;
    private final StringBuilder text = new StringBuilder(4096);
    private final List<String> part = new ArrayList<>();
    private long partBytes;
    private Path undoFile;
    private RandomAccessFile undoData;
    private long[] units = new long[1024];
    private int unitCount;

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

    /** Writes a whole transaction (one that fits in memory); no changes, no block. */
    public void write(Transaction tx, List<RowChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        TransactionInfo info = tx.info();
        begin(info);
        for (RowChange c : changes) {
            change(info, c);
        }
        end(info);
    }

    @Override
    public void begin(TransactionInfo tx) {
        if (undo) {
            unit(tx.committed() ? "COMMIT;\n\n" : "ROLLBACK;\n\n");
        } else {
            emit(header(tx));
        }
    }

    @Override
    public void change(TransactionInfo tx, RowChange c) {
        if (undo) {
            String s = renderer.undo(c);
            part.add(s);
            partBytes += s.length() + 1;
            if (partBytes >= PART_BYTES) {
                flushPart();
            }
        } else {
            text.setLength(0);
            text.append(renderer.redo(c)).append('\n');
            emit(text);
        }
    }

    @Override
    public void end(TransactionInfo tx) {
        if (undo) {
            flushPart();
            unit(header(tx));
        } else {
            emit(tx.committed() ? "COMMIT;\n\n" : "ROLLBACK;\n\n");
        }
    }

    private StringBuilder header(TransactionInfo tx) {
        text.setLength(0);
        text.append("-- xid ").append(tx.xid()).append(tx.committed() ? " committed at " : " ABORTED at ");
        Lsn.appendTo(text, tx.commitLsn());
        text.append(' ').append(TIME.format(tx.commitTime()));
        if (undo) {
            text.append(" (undo)");
        }
        text.append('\n');
        if (tx.incomplete()) {
            text.append("-- xlogminer: INCOMPLETE: the transaction may have begun before the WAL read; "
                + "changes it made before that are missing\n");
        }
        return text.append("BEGIN;\n");
    }

    /** Writes the gathered UNDO statements, newest first, as one unit. */
    private void flushPart() {
        if (part.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder((int) Math.min(Integer.MAX_VALUE - 16, partBytes + 16));
        for (int i = part.size() - 1; i >= 0; i--) {
            b.append(part.get(i)).append('\n');
        }
        part.clear();
        partBytes = 0;
        unit(b);
    }

    private void unit(CharSequence s) {
        try {
            if (unitCount == units.length) {
                units = Arrays.copyOf(units, unitCount * 2);
            }
            units[unitCount++] = undoData.getFilePointer();
            undoData.write(s.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void emit(CharSequence s) {
        try {
            out.append(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For UNDO, copies the units out newest first. Flushes. */
    public void finish() {
        try {
            if (undo) {
                long end = undoData.length();
                byte[] buf = new byte[1 << 16];
                for (int i = unitCount - 1; i >= 0; i--) {
                    long start = units[i];
                    long len = end - start;
                    undoData.seek(start);
                    java.io.ByteArrayOutputStream unit = new java.io.ByteArrayOutputStream((int) Math.min(len, 1 << 20));
                    while (len > 0) {
                        int n = undoData.read(buf, 0, (int) Math.min(buf.length, len));
                        unit.write(buf, 0, n);
                        len -= n;
                    }
                    out.write(unit.toString(StandardCharsets.UTF_8));
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
