package org.xlogminer.page;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The temporary file the overlays of the least recently used pages go to when memory is past the
 * budget, and come back from: written at its end, through a buffer (one write for many overlays,
 * not a seek and a write each; an overlay read back while still in the buffer comes from there),
 * and compacted when most of it is dead. Its byte format is written and read only here.
 *
 * <table>
 * <caption>one spilled overlay, at {@link TrackedPage#spillAt}, {@link TrackedPage#spillLength}
 *   bytes; little-endian</caption>
 * <tr><th>offset</th><th>size</th><th>field</th></tr>
 * <tr><td>0</td><td>4</td><td>n: how many tuples</td></tr>
 * <tr><td>4</td><td>2</td><td>the first tuple's offset number</td></tr>
 * <tr><td>6</td><td>4</td><td>its length, len</td></tr>
 * <tr><td>10</td><td>len</td><td>the tuple (or patch) as the overlay holds it</td></tr>
 * <tr><td>..</td><td></td><td>the other n - 1 tuples, likewise</td></tr>
 * </table>
 *
 * <p>The file is made on the first spill, in the directory given, and deleted on {@link #close}.
 * Not thread-safe.
 */
final class SpillFile implements Closeable {

    static final int COUNT_SIZE = 4;
    /** Offset number (u16) and length (i32) before each tuple. */
    static final int ENTRY_HEADER_SIZE = 6;

    private final Path dir;
    private final ByteBuffer buffer;
    private FileChannel channel;
    private Path path;
    /** Where in the file the buffer's first byte goes: the file's length so far. */
    private long flushed;
    /** Bytes of the file and its buffer that pages still point at; the rest were read back or dropped. */
    private long live;
    private long appended;
    private int compactions;

    SpillFile(Path dir, int bufferBytes) {
        this.dir = dir;
        this.buffer = ByteBuffer.allocate(bufferBytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Bytes an overlay takes in the file. */
    static int size(Overlay o) {
        return COUNT_SIZE + o.tupleBytes(ENTRY_HEADER_SIZE);
    }

    /** Writes the page's overlay at the end of the file; the page then says where it is. */
    void write(TrackedPage p) {
        try {
            if (channel == null) {
                Files.createDirectories(dir);
                path = Files.createTempFile(dir, "xlogminer-pages-", ".spill");
                path.toFile().deleteOnExit();
                channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            Overlay o = p.overlay;
            int size = size(o);
            ByteBuffer out = buffer;
            if (size > out.remaining()) {
                flush();
            }
            if (size > out.remaining()) {
                out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN); // larger than the buffer: on its own
            }
            p.spillAt = flushed + (out == buffer ? out.position() : 0);
            p.spillLength = size;
            live += size;
            appended += size;
            encode(o, out);
            if (out != buffer) {
                writeFully(out.flip(), flushed);
                flushed += size;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("spilling tracked pages to " + dir, e);
        }
    }

    /** The page's overlay, read back; the page no longer points into the file. */
    Overlay read(TrackedPage p) {
        long at = p.spillAt;
        int length = p.spillLength;
        try {
            ByteBuffer in;
            if (at >= flushed) {
                in = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN)
                    .position((int) (at - flushed)).limit((int) (at - flushed) + length);
            } else {
                in = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
                readFully(in, at);
                in.flip();
            }
            Overlay o = decode(in);
            release(p);
            return o;
        } catch (IOException e) {
            throw new UncheckedIOException("reading tracked pages back from " + path, e);
        }
    }

    /** Forgets the page's overlay in the file (its bytes become dead), if it has one there. */
    void release(TrackedPage p) {
        if (p.spillAt >= 0) {
            live -= p.spillLength;
            p.spillAt = -1;
        }
    }

    private static void encode(Overlay o, ByteBuffer out) {
        out.putInt(o.n);
        for (int s = 0, slots = o.slots(); s < slots; s++) {
            byte[] t = o.tupleInSlot(s);
            if (t != null) {
                out.putShort((short) o.offnumInSlot(s)).putInt(t.length).put(t);
            }
        }
    }

    private static Overlay decode(ByteBuffer in) {
        Overlay o = new Overlay();
        int n = in.getInt();
        for (int i = 0; i < n; i++) {
            int off = in.getShort() & 0xFFFF;
            byte[] t = new byte[in.getInt()];
            in.get(t);
            o.put(off, t);
        }
        return o;
    }

    /**
     * Whether it is time to {@link #compact}: when the dead bytes exceed both the live ones and
     * {@code budget}, so that the copying is paid for by at least as many bytes appended since the
     * last time.
     */
    boolean worthCompacting(long budget) {
        return fileBytes() - live > Math.max(live, budget);
    }

    /**
     * Moves the overlays pages still point at to the front of the file, in file order, and cuts
     * the file there. Every eviction appends, and an overlay read back leaves its old copy behind,
     * so without this the file grows with every eviction of a long run, not with what is spilled.
     *
     * @param pages every tracked page (those without an overlay in the file are passed over)
     */
    void compact(Iterable<TrackedPage> pages) {
        try {
            flush();
            List<TrackedPage> spilled = new ArrayList<>();
            for (TrackedPage p : pages) {
                if (p.spillAt >= 0) {
                    spilled.add(p);
                }
            }
            spilled.sort((a, b) -> Long.compare(a.spillAt, b.spillAt));
            // Every page's bytes move down or stay: what is written (up to where the bytes read so
            // far ended) never reaches a page not read yet.
            long to = 0; // where the buffer's first byte goes
            for (TrackedPage p : spilled) {
                int len = p.spillLength;
                if (len > buffer.remaining()) {
                    to += drain(to);
                }
                if (len > buffer.remaining()) { // larger than the buffer: straight across
                    ByteBuffer big = ByteBuffer.allocate(len);
                    readFully(big, p.spillAt);
                    writeFully(big.flip(), to);
                    p.spillAt = to;
                    to += len;
                } else {
                    int at = buffer.position();
                    readFully(buffer.slice(at, len), p.spillAt);
                    buffer.position(at + len);
                    p.spillAt = to + at;
                }
            }
            to += drain(to);
            channel.truncate(to);
            flushed = to;
            compactions++;
        } catch (IOException e) {
            throw new UncheckedIOException("compacting the spill file " + path, e);
        }
    }

    /** How many times the file was compacted. */
    int compactions() {
        return compactions;
    }

    /** The file's length, its buffer included: where the next spilled overlay goes. */
    long fileBytes() {
        return flushed + buffer.position();
    }

    /** Bytes of overlays ever written to the file. */
    long appendedBytes() {
        return appended;
    }

    /** The file, once made (for tests); null before the first spill. */
    Path path() {
        return path;
    }

    /** Moves the buffered overlays to the end of the file. */
    void flush() throws IOException {
        flushed += drain(flushed);
    }

    private void readFully(ByteBuffer dst, long at) throws IOException {
        while (dst.hasRemaining()) {
            if (channel.read(dst, at + dst.position()) < 0) {
                throw new IOException("the spill file ends before " + (at + dst.limit()));
            }
        }
    }

    /** Writes the buffer at {@code at} and empties it; how many bytes it held. */
    private int drain(long at) throws IOException {
        ByteBuffer b = buffer.flip();
        int n = b.remaining();
        writeFully(b, at);
        buffer.clear();
        return n;
    }

    private void writeFully(ByteBuffer b, long at) throws IOException {
        long pos = at;
        while (b.hasRemaining()) {
            pos += channel.write(b, pos);
        }
    }

    @Override
    public void close() {
        try {
            if (channel != null) {
                channel.close();
                Files.deleteIfExists(path);
                channel = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
