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
    /** UNDO statements kept in memory before a part goes to the file (and the file's read window). */
    private static final int PART_BYTES = 1 << 20;
    /** Bytes of UTF-8 turned into one String on the way out. */
    private static final int OUT_CHUNK = 1 << 16;

    private final Writer out;
    private final java.io.OutputStream outBytes;
    private final SqlRenderer renderer;
    private final boolean undo;
    private final StringBuilder text = new StringBuilder(4096);
    private final StringBuilder statement = new StringBuilder(1024);
    private char[] chars = new char[1024];
    /** The UNDO statements of the part being gathered, UTF-8, each ending in a newline, and where each starts. */
    private final Bytes part = new Bytes(1 << 16);
    private int[] statementStarts = new int[1024];
    private int statementCount;
    /** REDO statements, as UTF-8, not yet written to {@link #outBytes} (when given). */
    private final Bytes redo = new Bytes(OUT_CHUNK + 4096);
    /** Units not yet written to the file: they go in one write per few MB. */
    private final Bytes pending = new Bytes(1 << 16);
    private long written;
    private Path undoFile;
    private RandomAccessFile undoData;
    private long[] units = new long[1024];
    private int unitCount;

    /** A growable byte buffer. */
    private static final class Bytes {
        byte[] data;
        int size;

        Bytes(int capacity) {
            data = new byte[capacity];
        }

        private void ensure(int more) {
            if (size + more > data.length) {
                data = Arrays.copyOf(data, Math.max(size + more, data.length * 2));
            }
        }

        void add(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, data, size, len);
            size += len;
        }

        /** Appends the text as UTF-8: ASCII (most SQL) a byte per char, anything else through the encoder. */
        void addUtf8(CharSequence s) {
            int n = s.length();
            ensure(n);
            for (int k = 0; k < n; k++) {
                char c = s.charAt(k);
                if (c >= 0x80) {
                    byte[] b = s.toString().getBytes(StandardCharsets.UTF_8);
                    add(b, 0, b.length);
                    return;
                }
                data[size + k] = (byte) c;
            }
            size += n;
        }
    }

    public SqlScriptWriter(Writer out, SqlRenderer renderer, boolean undo, Path tmpDir) {
        this(out, null, renderer, undo, tmpDir);
    }

    /**
     * @param outBytes the UTF-8 byte stream {@code out} writes to, or null: given, the script goes
     *                 there as UTF-8 bytes made here (REDO a chunk at a time, UNDO by copying its
     *                 reversal), after flushing {@code out}, instead of through {@code out}'s
     *                 encoder; nothing else may write to {@code out} until {@link #finish()}
     */
    public SqlScriptWriter(Writer out, java.io.OutputStream outBytes, SqlRenderer renderer, boolean undo, Path tmpDir) {
        this.outBytes = outBytes;
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
        // one builder and one char buffer for every statement: no String per statement
        statement.setLength(0);
        if (undo) {
            renderer.undo(c, statement);
            statement.append('\n');
            if (statementCount == statementStarts.length) {
                statementStarts = Arrays.copyOf(statementStarts, statementCount * 2);
            }
            statementStarts[statementCount++] = part.size;
            part.addUtf8(statement);
            if (part.size >= PART_BYTES) {
                flushPart();
            }
        } else {
            renderer.redo(c, statement);
            statement.append('\n');
            if (outBytes != null) {
                redoBytes(statement);
                return;
            }
            int n = statement.length();
            if (chars.length < n) {
                chars = new char[Math.max(n, chars.length * 2)];
            }
            statement.getChars(0, n, chars, 0);
            try {
                out.write(chars, 0, n);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
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
        appendTime(text.append(' '), tx.commitTime());
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

    /**
     * The commit time as {@link #TIME} writes it, by hand for the years 1000-9999 (a formatter per
     * transaction was a sixth of the writing thread's time).
     */
    static void appendTime(StringBuilder out, java.time.Instant t) {
        long sec = t.getEpochSecond();
        java.time.LocalDate d = java.time.LocalDate.ofEpochDay(Math.floorDiv(sec, 86400));
        if (d.getYear() < 1000 || d.getYear() > 9999) {
            out.append(TIME.format(t));
            return;
        }
        int sod = (int) Math.floorMod(sec, 86400);
        out.append(d.getYear()).append('-');
        two(out, d.getMonthValue()).append('-');
        two(out, d.getDayOfMonth()).append(' ');
        two(out, sod / 3600).append(':');
        two(out, sod / 60 % 60).append(':');
        two(out, sod % 60).append('.');
        int micros = t.getNano() / 1000;
        for (int div = 100000; div > 0; div /= 10) {
            out.append((char) ('0' + micros / div % 10));
        }
        out.append("+00:00");
    }

    private static StringBuilder two(StringBuilder out, int v) {
        return out.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }

    /** Writes the gathered UNDO statements, newest first, as one unit. */
    private void flushPart() {
        if (statementCount == 0) {
            return;
        }
        startUnit();
        int end = part.size;
        for (int i = statementCount - 1; i >= 0; i--) {
            int start = statementStarts[i];
            pending.add(part.data, start, end - start);
            end = start;
        }
        statementCount = 0;
        part.size = 0;
        writePendingIfLarge();
    }

    private void unit(CharSequence s) {
        startUnit();
        pending.addUtf8(s);
        writePendingIfLarge();
    }

    private void startUnit() {
        if (unitCount == units.length) {
            units = Arrays.copyOf(units, unitCount * 2);
        }
        units[unitCount++] = written + pending.size;
    }

    private void writePendingIfLarge() {
        if (pending.size >= PART_BYTES) {
            writePending();
        }
    }

    private void writePending() {
        try {
            undoData.seek(written);
            undoData.write(pending.data, 0, pending.size);
            written += pending.size;
            pending.size = 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void emit(CharSequence s) {
        if (outBytes != null) {
            redoBytes(s);
            return;
        }
        try {
            out.append(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Gathers REDO text as UTF-8 for the byte stream, written a chunk at a time: no encoder, no chars. */
    private void redoBytes(CharSequence s) {
        redo.addUtf8(s);
        if (redo.size >= OUT_CHUNK) {
            writeRedo();
        }
    }

    private void writeRedo() {
        if (redo.size == 0) {
            return;
        }
        try {
            out.flush(); // what went through the writer comes first
            outBytes.write(redo.data, 0, redo.size);
            redo.size = 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * For UNDO, copies the units out newest first, reading the file backwards a window of 1 MB at
     * a time (a larger unit is read in slices), so that memory stays small. Flushes.
     */
    public void finish() {
        try {
            if (!undo && outBytes != null) {
                writeRedo();
                outBytes.flush();
            }
            if (undo) {
                writePending();
                if (outBytes != null) {
                    out.flush(); // what went through the writer comes first
                }
                long end = written;
                byte[] window = new byte[PART_BYTES];
                long windowStart = end;
                long windowEnd = end;
                for (int i = unitCount - 1; i >= 0; i--) {
                    long start = units[i];
                    if (start >= windowStart && end <= windowEnd) {
                        writeUtf8(window, (int) (start - windowStart), (int) (end - start));
                    } else if (end - start <= window.length) {
                        windowEnd = end;
                        windowStart = Math.max(0, end - window.length);
                        undoData.seek(windowStart);
                        undoData.readFully(window, 0, (int) (windowEnd - windowStart));
                        writeUtf8(window, (int) (start - windowStart), (int) (end - start));
                    } else {
                        for (long pos = start; pos < end; ) {
                            int n = (int) Math.min(window.length, end - pos);
                            undoData.seek(pos);
                            undoData.readFully(window, 0, n);
                            int cut = pos + n < end ? completeUtf8(window, 0, n) : n;
                            writeUtf8(window, 0, cut);
                            pos += cut;
                        }
                        windowStart = windowEnd = start;
                    }
                    end = start;
                }
                if (outBytes != null) {
                    outBytes.flush();
                }
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes UTF-8 bytes to the byte stream, else to the writer a few kB of text at a time. */
    private void writeUtf8(byte[] b, int off, int len) throws IOException {
        if (outBytes != null) {
            outBytes.write(b, off, len);
            return;
        }
        while (len > 0) {
            int n = len <= OUT_CHUNK ? len : completeUtf8(b, off, OUT_CHUNK);
            out.write(new String(b, off, n, StandardCharsets.UTF_8));
            off += n;
            len -= n;
        }
    }

    /** The longest prefix of {@code b[off, off+len)} that does not end inside a UTF-8 sequence. */
    static int completeUtf8(byte[] b, int off, int len) {
        int k = off + len - 1;
        while (k > off && (b[k] & 0xC0) == 0x80) {
            k--; // back to the lead byte of the last sequence
        }
        int lead = b[k] & 0xFF;
        int need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return k + need <= off + len ? len : k - off > 0 ? k - off : len;
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
