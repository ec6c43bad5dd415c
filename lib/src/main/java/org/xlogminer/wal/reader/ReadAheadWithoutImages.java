package org.xlogminer.wal.reader;

import java.io.Closeable;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import org.xlogminer.wal.WalVersion;

/**
 * Reads a {@link WalReader}'s records on a thread of its own (the page reads, CRC checks and
 * framing), and hands them over as copies without their full-page images, for a consumer that
 * needs none: counting changes, as {@code xlogminer stats} does, while the caller's thread
 * decodes them. Each record is copied as {@link XLogRecordView#copyWithoutImages()} makes it, in
 * batches of about a megabyte; at most {@value #QUEUED} full batches wait, so memory stays bounded.
 *
 * <p>{@link #next()} has {@link WalReader#next()}'s contract: the records in order, a view valid
 * until the next call, null at the end (then {@link #endOfWal()}); what the reader threw
 * ({@link org.xlogminer.wal.WalException}, an unchecked I/O error) is thrown by {@code next()}
 * after every record read before it. The copies' CRC is not checked again (the reader checked
 * the records).
 *
 * <p>The reader and its {@link SegmentSource} belong to the reading thread until {@link #close()},
 * which stops it and waits for it: nothing else may use them meanwhile. One consumer thread.
 */
public final class ReadAheadWithoutImages implements Closeable {

    private static final int QUEUED = 2;
    static final int DEFAULT_BATCH_BYTES = 1 << 20;

    /** Copied records, back to back, with where each starts and its LSNs. */
    private static final class Batch {
        byte[] data;
        int used;
        int count;
        int[] offset = new int[1024];
        long[] lsn = new long[1024];
        long[] endLsn = new long[1024];
        WalVersion version;
        long systemIdentifier;
        /** Set on the batch that ends the stream: why reading ended, or what it threw. */
        boolean last;
        EndOfWal end;
        Throwable failure;

        Batch(int bytes) {
            data = new byte[bytes];
        }

        boolean fits(int size) {
            return count == 0 || used + size <= data.length;
        }

        void add(XLogRecordView r, int size) {
            if (used + size > data.length) {
                data = Arrays.copyOf(data, used + size); // a record larger than a batch
            }
            if (count == offset.length) {
                offset = Arrays.copyOf(offset, count * 2);
                lsn = Arrays.copyOf(lsn, count * 2);
                endLsn = Arrays.copyOf(endLsn, count * 2);
            }
            r.copyWithoutImagesInto(data, used);
            offset[count] = used;
            lsn[count] = r.lsn();
            endLsn[count] = r.endLsn();
            count++;
            used += size;
        }

        void clear() {
            used = 0;
            count = 0;
        }
    }

    private final WalReader reader;
    private final int batchBytes;
    private final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(QUEUED);
    private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(QUEUED + 2);
    private final XLogRecordView view = new XLogRecordView();
    private Thread thread;
    private volatile boolean closing;

    private Batch current;
    private int index;
    private EndOfWal end;
    private long systemIdentifier;
    private WalVersion version;

    public ReadAheadWithoutImages(WalReader reader) {
        this(reader, DEFAULT_BATCH_BYTES);
    }

    ReadAheadWithoutImages(WalReader reader, int batchBytes) {
        this.reader = reader;
        this.batchBytes = batchBytes;
    }

    /**
     * The next record (without its images), or null at the end.
     *
     * @throws org.xlogminer.wal.WalException when the WAL read is corrupt, has a gap or mixes clusters
     */
    public XLogRecordView next() {
        if (thread == null) {
            start();
        }
        while (current == null || index == current.count) {
            if (current != null && current.last) {
                if (current.failure != null) {
                    Throwable f = current.failure;
                    current.failure = null;
                    if (f instanceof RuntimeException e) {
                        throw e;
                    }
                    throw (Error) f;
                }
                end = current.end;
                return null;
            }
            if (current != null) {
                current.clear();
                free.add(current);
            }
            current = take();
            index = 0;
            version = current.version;
            systemIdentifier = current.systemIdentifier;
        }
        int i = index++;
        return view.wrapCopy(current.data, current.offset[i], current.lsn[i], current.endLsn[i], version);
    }

    /** Why reading ended, once {@link #next()} has returned null; null before that. */
    public EndOfWal endOfWal() {
        return end;
    }

    /** The cluster's system identifier, as the reader knew it when the current record was read. */
    public long systemIdentifier() {
        return systemIdentifier;
    }

    /** Stops the reading thread and waits for it; the reader is not closed. */
    @Override
    public void close() {
        closing = true;
        Thread t = thread;
        if (t == null) {
            return;
        }
        t.interrupt();
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void start() {
        for (int i = 0; i < QUEUED + 2; i++) {
            free.add(new Batch(batchBytes));
        }
        thread = new Thread(this::read, "xlogminer-wal-reader");
        thread.setDaemon(true);
        thread.start();
    }

    private Batch take() {
        try {
            return full.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for WAL records", e);
        }
    }

    /** The reading thread: fills batches until the end, a failure, or close(). */
    private void read() {
        try {
            Batch b = free.take();
            try {
                XLogRecordView r;
                while (!closing && (r = reader.next()) != null) {
                    int size = r.sizeWithoutImages();
                    if (!b.fits(size)) {
                        publish(b);
                        b = free.take();
                    }
                    b.add(r, size);
                }
                b.end = reader.endOfWal();
            } catch (RuntimeException | Error e) {
                if (closing) {
                    return;
                }
                b.failure = e;
            }
            b.last = true;
            publish(b);
        } catch (InterruptedException e) {
            // close(): the consumer is gone
        }
    }

    private void publish(Batch b) throws InterruptedException {
        b.version = reader.version();
        b.systemIdentifier = reader.systemIdentifier();
        full.put(b);
    }
}
