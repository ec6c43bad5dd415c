package org.xlogminer.tx;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import org.xlogminer.tx.TxAssembler.StoredRecord;

/**
 * The spill file of one xid's kept records: a private format, written and read only here. Records
 * are appended in WAL order each time the buffer spills and read back once, in the same order,
 * when the transaction ends. Integers are big-endian ({@link DataOutputStream}); the file lives
 * only as long as its transaction and never leaves the machine.
 *
 * <table>
 * <caption>One entry per kept record, one after another (this class)</caption>
 * <tr><th>offset</th><th>size</th><th>field</th></tr>
 * <tr><td>0</td><td>1</td><td>kind: {@value #COPY} a {@link StoredRecord.Copy},
 *   {@value #SUMMARY} a {@link StoredRecord.Summary}</td></tr>
 * <tr><td>1</td><td>8</td><td>lsn</td></tr>
 * <tr><td>9</td><td>8</td><td>end lsn</td></tr>
 * <tr><td>17</td><td>4 + n</td><td>bytes: length n, then the record's (or the summary's) n bytes</td></tr>
 * <tr><td>..</td><td>4 + n</td><td>page old tuple: length n ({@value #NONE}: none), then n bytes</td></tr>
 * <tr><td>..</td><td>4 + n</td><td>page new tuple: the same</td></tr>
 * <tr><td>..</td><td>4 + ..</td><td>a copy only: the page's MULTI_INSERT tuples, count m
 *   ({@value #NONE}: none), then m times length n ({@value #NONE}: not known) and n bytes</td></tr>
 * </table>
 *
 * <p>Not thread-safe.
 */
final class TxSpillFile {

    /** Kinds of entry. */
    static final byte COPY = 0;
    static final byte SUMMARY = 1;
    /** The length of an absent array, the count of absent tuples. */
    static final int NONE = -1;

    private static final int BUFFER = 1 << 16;

    private final Path path;
    /** Entries written. */
    private long written;

    private TxSpillFile(Path path) {
        this.path = path;
    }

    /** A new, empty spill file for the records of {@code xid}, in {@code dir} (made if need be). */
    static TxSpillFile create(Path dir, int xid) throws IOException {
        Files.createDirectories(dir);
        Path p = Files.createTempFile(dir, "xlogminer-tx-" + Integer.toUnsignedString(xid) + "-", ".spill");
        p.toFile().deleteOnExit();
        return new TxSpillFile(p);
    }

    Path path() {
        return path;
    }

    /** Appends the records, in their order. */
    void append(List<StoredRecord> records) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
            Files.newOutputStream(path, StandardOpenOption.APPEND), BUFFER))) {
            for (StoredRecord s : records) {
                write(out, s);
            }
        }
        written += records.size();
    }

    private static void write(DataOutputStream out, StoredRecord s) throws IOException {
        byte[][] multi = s instanceof StoredRecord.Copy c ? c.pageMultiTuples() : null;
        out.writeByte(s instanceof StoredRecord.Summary ? SUMMARY : COPY);
        out.writeLong(s.lsn());
        out.writeLong(s.endLsn());
        writeBytes(out, s.bytes());
        writeBytes(out, s.pageOldTuple());
        writeBytes(out, s.pageNewTuple());
        if (s instanceof StoredRecord.Copy) {
            out.writeInt(multi == null ? NONE : multi.length);
            if (multi != null) {
                for (byte[] t : multi) {
                    writeBytes(out, t);
                }
            }
        }
    }

    /** Reads every record written back, in order; the file is closed after the last. */
    Iterator<StoredRecord> read() {
        DataInputStream in;
        try {
            in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path), BUFFER));
        } catch (IOException e) {
            throw new UncheckedIOException("opening spill file " + path, e);
        }
        long total = written;
        return new Iterator<>() {
            private long left = total;

            @Override
            public boolean hasNext() {
                return left > 0;
            }

            @Override
            public StoredRecord next() {
                if (left <= 0) {
                    throw new NoSuchElementException();
                }
                try {
                    StoredRecord s = readOne(in);
                    if (--left == 0) {
                        in.close();
                    }
                    return s;
                } catch (EOFException e) {
                    throw new IllegalStateException("spill file " + path + " is shorter than written", e);
                } catch (IOException e) {
                    throw new UncheckedIOException("reading spill file " + path, e);
                }
            }
        };
    }

    private StoredRecord readOne(DataInputStream in) throws IOException {
        byte kind = in.readByte();
        long lsn = in.readLong();
        long end = in.readLong();
        byte[] bytes = readBytes(in);
        byte[] oldT = readBytes(in);
        byte[] newT = readBytes(in);
        if (kind == SUMMARY) {
            return new StoredRecord.Summary(lsn, end, bytes, oldT, newT);
        }
        if (kind != COPY) {
            throw new IllegalStateException("spill file " + path + ": entry kind=" + kind + " is neither copy nor summary");
        }
        int m = in.readInt();
        byte[][] multi = m < 0 ? null : new byte[m][];
        for (int i = 0; i < m; i++) {
            multi[i] = readBytes(in);
        }
        return new StoredRecord.Copy(lsn, end, bytes, oldT, newT, multi);
    }

    void delete() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("deleting spill file " + path, e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b == null ? NONE : b.length);
        if (b != null) {
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
