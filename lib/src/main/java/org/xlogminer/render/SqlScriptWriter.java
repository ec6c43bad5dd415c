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
 * transactions newest first and statements newest first inside each, with bounded memory: each
 * piece of the script as it arrives ({@code COMMIT}, then the statements, then header +
 * {@code BEGIN}) is laid down in front of the one before, in a chunk of 1 MB filled from its end,
 * so that a chunk reads newest first. A full chunk goes to a temporary file, and {@link #finish()}
 * copies the chunk in memory out, then the file's chunks, last written first, each read forwards.
 * So neither the number of transactions nor the size of one (a 10-million-row UPDATE) grows the
 * heap, and a script that fits in one chunk never touches the disk.
 *
 * <p>Not thread-safe.
 */
public final class SqlScriptWriter implements ChangeHandler, Closeable {

    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);
    /** UNDO script kept in memory before it goes to the file (and the file's read window). */
    private static final int CHUNK_BYTES = 1 << 20;
    /** Bytes of UTF-8 turned into one String on the way out. */
    private static final int OUT_CHUNK = 1 << 16;

    private final Writer out;
    private final java.io.OutputStream outBytes;
    private final java.nio.channels.WritableByteChannel outChannel;
    private final SqlRenderer renderer;
    private final boolean undo;
    private final StringBuilder text = new StringBuilder(4096);
    private final StringBuilder statement = new StringBuilder(1024);
    private char[] chars = new char[1024];
    /** REDO statements, as UTF-8, not yet written to {@link #outBytes} (when given). */
    private final Bytes redo = new Bytes(OUT_CHUNK + 4096);
    /**
     * The newest UNDO script, UTF-8, filled from the end: {@code chunk[chunkPos..]} reads newest
     * piece first. Null for REDO.
     */
    private final byte[] chunk;
    private int chunkPos;
    /** Where the temporary file goes, and, once a chunk went there, the file and where each chunk starts. */
    private final Path tmpDir;
    private Path undoFile;
    private RandomAccessFile undoData;
    private long written;
    private long[] chunkStarts = new long[64];
    private int chunkCount;

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
            if (asciiInto(s, data, size)) {
                size += n;
                return;
            }
            byte[] b = s.toString().getBytes(StandardCharsets.UTF_8); // what went in past size is overwritten
            add(b, 0, b.length);
        }
    }

    /**
     * Copies the text to {@code dst} at {@code at}, a byte per char, while it is ASCII (most SQL);
     * false at the first char that is not, and the caller encodes the text as UTF-8 instead.
     */
    private static boolean asciiInto(CharSequence s, byte[] dst, int at) {
        int n = s.length();
        for (int k = 0; k < n; k++) {
            char c = s.charAt(k);
            if (c >= 0x80) {
                return false;
            }
            dst[at + k] = (byte) c;
        }
        return true;
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
        this(out, outBytes, null, renderer, undo, tmpDir, CHUNK_BYTES);
    }

    /**
     * @param outChannel the file or pipe {@code outBytes} writes to (stdout's), or null: given with
     *                   {@code outBytes}, UNDO's read-back goes from the temporary file to it with
     *                   {@link java.nio.channels.FileChannel#transferTo}, in the kernel where it can
     *                   (after flushing {@code outBytes}), instead of through a buffer here
     */
    public SqlScriptWriter(Writer out, java.io.OutputStream outBytes, java.nio.channels.WritableByteChannel outChannel,
        SqlRenderer renderer, boolean undo, Path tmpDir) {
        this(out, outBytes, outChannel, renderer, undo, tmpDir, CHUNK_BYTES);
    }

    /** With UNDO chunks of {@code chunkBytes}: small ones let a test reach the file with little SQL. */
    SqlScriptWriter(Writer out, java.io.OutputStream outBytes, java.nio.channels.WritableByteChannel outChannel,
        SqlRenderer renderer, boolean undo, Path tmpDir, int chunkBytes) {
        this.outBytes = outBytes;
        this.outChannel = outBytes != null ? outChannel : null;
        this.out = out;
        this.renderer = renderer;
        this.undo = undo;
        this.tmpDir = tmpDir;
        this.chunk = undo ? new byte[chunkBytes] : null;
        this.chunkPos = undo ? chunkBytes : 0;
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
            prepend(tx.committed() ? "COMMIT;\n\n" : "ROLLBACK;\n\n");
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
            prepend(statement.append('\n'));
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
            prepend(header(tx));
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

    /** Lays the text down, as UTF-8, in front of the UNDO script so far. */
    private void prepend(CharSequence s) {
        int n = s.length();
        if (n <= chunkPos && asciiInto(s, chunk, chunkPos - n)) {
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
     * For UNDO, copies the script out newest first: the chunk in memory, then the file's chunks,
     * last written first, each read forwards a window of 1 MB at a time, so that memory stays
     * small. Flushes.
     */
    public void finish() {
        try {
            if (!undo && outBytes != null) {
                writeRedo();
                outBytes.flush();
            }
            if (undo) {
                if (outBytes != null) {
                    out.flush(); // what went through the writer comes first
                }
                writeUtf8(chunk, chunkPos, chunk.length - chunkPos); // whole pieces: whole UTF-8 sequences
                chunkPos = chunk.length;
                if (outChannel != null) {
                    outBytes.flush(); // what went through the stream comes first
                }
                for (int i = chunkCount - 1; i >= 0; i--) {
                    long end = i + 1 < chunkCount ? chunkStarts[i + 1] : written;
                    long pos = chunkStarts[i];
                    if (outChannel != null) {
                        long n;
                        while (pos < end && (n = undoData.getChannel().transferTo(pos, end - pos, outChannel)) > 0) {
                            pos += n;
                        }
                    }
                    if (pos < end) {
                        copyOut(pos, end); // what the channel did not take
                        if (outChannel != null) {
                            outBytes.flush(); // before the next chunk goes by the channel
                        }
                    }
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

    /** Copies the temporary file's bytes [pos, end) out, a window (the chunk's array) at a time. */
    private void copyOut(long pos, long end) throws IOException {
        byte[] window = chunk;
        while (pos < end) {
            int n = (int) Math.min(window.length, end - pos);
            undoData.seek(pos);
            undoData.readFully(window, 0, n);
            int cut = pos + n < end ? completeUtf8(window, 0, n) : n;
            writeUtf8(window, 0, cut);
            pos += cut;
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
