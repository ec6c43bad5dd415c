package org.xlogminer.live;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.reader.SegmentName;
import org.xlogminer.wal.reader.SegmentSource;
import org.xlogminer.wal.reader.TimelineHistory;

/**
 * The segments a replication stream delivers, as a {@link SegmentSource} that grows: the bytes are
 * written, as they arrive, into segment files of a spool directory of their own (as
 * {@code pg_receivewal} does), and read from there. Memory stays small whatever the amount of WAL;
 * the miner can read earlier segments again for full-page images ({@code RecordFetcher}).
 *
 * <p>{@link #receivedEnd()} is where the bytes end: the reader stops before a record that runs past
 * it and resumes once more has arrived ({@link #awaitBeyond}). What lies past it reads as zeros, and
 * a read returns whole pages up to the page it ends in, so the reader copies little more than what
 * has arrived since it last looked.
 *
 * <p>A stream may cross timelines (the server's history says where): the spool then holds the WAL
 * of the path, an older timeline's up to its switch point and the newer one's after it, which is
 * what the newest of those timelines' segment files hold (PostgreSQL copies the older timeline's
 * WAL up to the switch point into the new timeline's first segment at promotion); so each spooled
 * segment is named, and reported ({@link #fileTimeline}), after the newest timeline of the path
 * whose WAL lies in it.
 *
 * <p>The newest bytes are also held in memory ({@link RecentBytes}, 8 MB): the miner, which keeps up,
 * reads them from there, and the files are written a megabyte at a time, and always before memory
 * lets bytes go; what is older is read from the files.
 *
 * <p>Thread-safety: one thread {@linkplain #append appends} (the receiver), one reads (the miner);
 * positional file reads and writes do not disturb each other, and {@link #receivedEnd()} is
 * published after the bytes before it are held. The spool directory is deleted on {@link #close()}.
 */
public final class StreamedSegments implements SegmentSource {

    static final int PAGE = 8192;
    /** The newest bytes held in memory: what the miner reads unless it lags by more. */
    static final int RECENT_BYTES = 8 << 20;
    /** The spool files are written this much at a time. */
    static final int WRITE_BATCH = 1 << 20;

    private final Path dir;
    private final int segmentSize;
    private final TimelineHistory history;
    private final long firstSegno;
    private final Map<Long, FileChannel> files = new ConcurrentHashMap<>();
    private final Object arrival = new Object();
    /** The newest bytes, where the miner reads them from while they are held. */
    private final RecentBytes recent;
    private volatile long received;
    /** Where the bytes written to the spool files end (the rest is in {@link #recent} only). */
    private volatile long written;
    private volatile Throwable failure;
    private volatile boolean closed;
    /** Messages appended (receiving thread only). */
    private long appends;
    /** Times a waiting reader was woken for bytes ({@link #append} with {@code wake}, {@link #wakeUp}). */
    private long wakeUps;

    /**
     * @param spillParent where the spool directory is made
     * @param history     the history of the server's timeline: which timeline each LSN is on
     * @param start       the LSN the stream starts at: a segment's first byte
     */
    public StreamedSegments(Path spillParent, int segmentSize, TimelineHistory history, long start) throws IOException {
        this(spillParent, segmentSize, history, start, RECENT_BYTES);
    }

    /** With {@code recentBytes} (a power of two) of the newest bytes held in memory (tests: few). */
    StreamedSegments(Path spillParent, int segmentSize, TimelineHistory history, long start, int recentBytes) throws IOException {
        if (start % segmentSize != 0) {
            throw new IllegalArgumentException("a stream starts at a segment boundary, not " + Lsn.format(start));
        }
        this.dir = Files.createTempDirectory(spillParent, "xlogminer-follow-");
        this.segmentSize = segmentSize;
        this.history = history;
        this.firstSegno = start / segmentSize;
        this.received = start;
        this.written = start;
        this.recent = new RecentBytes(recentBytes, start);
    }

    /**
     * Takes bytes that arrived at {@code lsn}: they must continue those before (a stream has no
     * gaps), and are visible to the reader once this returns. They are held in memory and written to
     * the spool files a megabyte at a time, and always before memory lets them go. Called by the
     * receiving thread only.
     */
    public void append(long lsn, ByteBuffer data) throws IOException {
        append(lsn, data, true);
    }

    /**
     * As {@link #append(long, ByteBuffer)}, but a reader waiting in {@link #awaitBeyond} is woken
     * only when {@code wake}: a receiver that takes several messages off the socket in a row wakes
     * the reader once after the last ({@link #wakeUp()}), not once per message (a wake-up of the
     * mining thread costs more than the mining of a small message).
     */
    public void append(long lsn, ByteBuffer data, boolean wake) throws IOException {
        if (lsn != received) {
            throw new WalFormatException("the stream sent WAL at " + Lsn.format(lsn) + " after WAL up to "
                + Lsn.format(received) + ": not contiguous", segmentName(received / segmentSize), lsn);
        }
        appends++;
        long at = lsn;
        int chunk = Math.min(WRITE_BATCH, recent.capacity() / 2);
        while (data.hasRemaining()) {
            int n = Math.min(data.remaining(), chunk);
            if (at + n - written > recent.capacity()) {
                writeOut(at); // what the ring is about to let go of
            }
            recent.put(at, data, n);
            at += n;
            if (wake) {
                synchronized (arrival) {
                    received = at;
                    wakeUps++;
                    arrival.notifyAll();
                }
            } else {
                received = at; // seen by a reader that looks; one that waits is woken by wakeUp()
            }
        }
        if (at - written >= chunk) {
            writeOut(at);
        }
    }

    /** Writes the bytes from {@link #written} up to {@code to} to their segment files. */
    private void writeOut(long to) throws IOException {
        long at = written;
        while (at < to) {
            long segno = at / segmentSize;
            int off = (int) (at % segmentSize);
            int n = (int) Math.min(to - at, segmentSize - off);
            recent.writeTo(channel(segno), off, at, n);
            at += n;
        }
        written = to;
    }

    /** The receiving side failed: {@link #awaitBeyond} throws it from now on. */
    public void fail(Throwable t) {
        synchronized (arrival) {
            failure = t;
            arrival.notifyAll();
        }
    }

    /** Wakes a waiting {@link #awaitBeyond}: bytes appended without waking it, or to stop. */
    public void wakeUp() {
        synchronized (arrival) {
            wakeUps++;
            arrival.notifyAll();
        }
    }

    /**
     * Messages appended and reader wake-ups so far: how well arrivals were gathered. Read after the
     * receiving thread has ended (or from it).
     */
    long[] appendsAndWakeUps() {
        synchronized (arrival) {
            return new long[] {appends, wakeUps};
        }
    }

    /**
     * Waits until bytes past {@code lsn} have arrived, at most {@code millis}; returns whether they
     * have. Throws what the receiving side failed with, wrapped (the cause is the original).
     */
    public boolean awaitBeyond(long lsn, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        synchronized (arrival) {
            while (true) {
                if (Long.compareUnsigned(received, lsn) > 0) {
                    return true;
                }
                if (failure != null) {
                    throw new ReceiverFailedException(failure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    return false;
                }
                arrival.wait(Math.max(1, left / 1_000_000L));
            }
        }
    }

    /** The receiving side's failure, or null. */
    public Throwable failure() {
        return failure;
    }

    @Override
    public long receivedEnd() {
        return received;
    }

    @Override
    public int segmentSize() {
        return segmentSize;
    }

    @Override
    public int timeline() {
        return history.timeline();
    }

    @Override
    public TimelineHistory history() {
        return history;
    }

    /** The newest timeline of the path whose WAL lies in the segment. */
    @Override
    public int fileTimeline(long segno) {
        int[] t = history.timelinesOfSegment(segno, segmentSize);
        return t.length == 0 ? history.timeline() : t[0];
    }

    @Override
    public long firstSegno() {
        return firstSegno;
    }

    /** The segment the bytes received end in (the one before when they end at a boundary). */
    @Override
    public long lastSegno() {
        long r = received;
        return r == firstSegno * segmentSize ? firstSegno : (r - 1) / segmentSize;
    }

    @Override
    public boolean contains(long segno) {
        return segno >= firstSegno && segno <= lastSegno();
    }

    @Override
    public String segmentName(long segno) {
        return SegmentName.format(fileTimeline(segno), segno, segmentSize);
    }

    /**
     * Reads what has arrived of the range, then zeros up to the end of the page it ends in (or the
     * one page asked at, when nothing of it has arrived); returns how many bytes that is.
     */
    @Override
    public int read(long segno, long offset, byte[] dst, int dstOffset, int length) throws IOException {
        long from = segno * segmentSize + offset;
        long arrived = Math.max(0, Math.min(length, received - from));
        long pageEnd = ((offset + arrived + PAGE - 1) / PAGE) * PAGE;
        int n = (int) Math.min(length, Math.max(pageEnd - offset, Math.min(length, PAGE)));
        int got = 0;
        while (got < arrived) {
            int k = recent.copy(from + got, dst, dstOffset + got, (int) arrived - got);
            if (k == 0) { // let go of by memory, so written to the file: as much as is there
                int r = readFile(segno, offset + got, dst, dstOffset + got,
                    (int) Math.min(arrived - got, written - (from + got)));
                if (r <= 0) { // never: memory lets bytes go only once they are written
                    throw new IOException("the spool has not the bytes at " + Lsn.format(from + got)
                        + " (written up to " + Lsn.format(written) + ")");
                }
                k = r;
            }
            got += k;
        }
        Arrays.fill(dst, dstOffset + got, dstOffset + n, (byte) 0);
        return n;
    }

    private int readFile(long segno, long offset, byte[] dst, int dstOffset, int length) throws IOException {
        FileChannel f = files.get(segno);
        if (f == null || length <= 0) {
            return 0;
        }
        ByteBuffer b = ByteBuffer.wrap(dst, dstOffset, length);
        int got = 0;
        while (b.hasRemaining()) {
            int r = f.read(b, offset + got);
            if (r < 0) {
                break;
            }
            got += r;
        }
        return got;
    }

    @Override
    public long fileSize(long segno) {
        return segmentSize;
    }

    @Override
    public String describe() {
        return "the replication stream (spooled in " + dir + ")";
    }

    /**
     * The segment's file, made on its first write; not after {@link #close()}: the receiver may
     * still be writing out when the miner closes the spool (the deletion would find a new file).
     */
    private FileChannel channel(long segno) throws IOException {
        FileChannel f = files.get(segno);
        if (f == null) {
            synchronized (files) {
                if (closed) {
                    throw new java.nio.channels.ClosedChannelException();
                }
                f = FileChannel.open(dir.resolve(segmentName(segno)), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
                files.put(segno, f);
            }
        }
        return f;
    }

    /** Closes and deletes the spool; again, nothing. */
    @Override
    public void close() {
        synchronized (files) { // no segment file is made once the spool is being deleted
            if (closed) {
                return;
            }
            closed = true;
        }
        wakeUp();
        for (FileChannel f : files.values()) {
            try {
                f.close();
            } catch (IOException e) {
                // deleted next
            }
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("deleting the spool " + dir, e);
        }
    }

    /** The receiving side failed; the cause says how. */
    public static final class ReceiverFailedException extends RuntimeException {
        ReceiverFailedException(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }
}
