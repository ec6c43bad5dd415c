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
 * <p>A {@link Triage} run on the reading thread may leave records out, or hand over bytes of its
 * own (a summary) in a record's place: then read with {@link #advance()}, {@link #view()} and
 * {@link #summary()}, or ask for the whole record, images included ({@link #WHOLE}): a few records
 * whose pages the consumer tracks.
 *
 * <p>The reader and its {@link SegmentSource} belong to the reading thread until {@link #close()},
 * which stops it and waits for it: nothing else may use them meanwhile. One consumer thread.
 */
public final class ReadAheadWithoutImages implements Closeable {

    private static final int QUEUED = 2;
    static final int DEFAULT_BATCH_BYTES = 1 << 20;
    /** Entries per batch at most (summaries take no room in the batch's bytes). */
    private static final int MAX_ENTRIES = 8192;

    /** What the reading thread hands over of each record; it runs there, and may keep state. */
    public interface Triage {
        /**
         * Null to hand the record over (as an image-less copy), {@link #WHOLE} to hand it over with
         * its images, {@link #SKIP} to leave it out, or bytes to hand over in its place
         * ({@link #summary()}), which the triage gives up.
         */
        byte[] summarize(XLogRecordView r);
    }

    /** What {@link Triage#summarize} returns for a record left out. */
    public static final byte[] SKIP = new byte[0];
    /** What {@link Triage#summarize} returns for a record to hand over whole, images included. */
    public static final byte[] WHOLE = new byte[0];

    /** Copied records, back to back, with where each starts and its LSNs. */
    private static final class Batch {
        byte[] data;
        int used;
        int count;
        int[] offset = new int[1024];
        long[] lsn = new long[1024];
        long[] endLsn = new long[1024];
        int[] xid = new int[1024];
        /** Records left out just before each entry. */
        int[] skippedBefore = new int[1024];
        /** On the last batch: records left out after its last entry. */
        int skippedAfter;
        /** A summary in the record's place, or null for a copied record. */
        byte[][] summary = new byte[1024][];
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
            return count == 0 || used + size <= data.length && count < MAX_ENTRIES;
        }

        void add(XLogRecordView r, int size, byte[] summarized, int skipped) {
            if (used + size > data.length) {
                data = Arrays.copyOf(data, used + size); // a record larger than a batch
            }
            if (count == offset.length) {
                int n = count * 2;
                offset = Arrays.copyOf(offset, n);
                lsn = Arrays.copyOf(lsn, n);
                endLsn = Arrays.copyOf(endLsn, n);
                xid = Arrays.copyOf(xid, n);
                skippedBefore = Arrays.copyOf(skippedBefore, n);
                summary = Arrays.copyOf(summary, n);
            }
            if (summarized == WHOLE) {
                r.copyInto(data, used);
                summarized = null;
            } else if (summarized == null) {
                r.copyWithoutImagesInto(data, used);
            }
            offset[count] = used;
            lsn[count] = r.lsn();
            endLsn[count] = r.endLsn();
            xid[count] = r.xid();
            skippedBefore[count] = skipped;
            summary[count] = summarized;
            count++;
            used += size;
        }

        void clear() {
            Arrays.fill(summary, 0, count, null);
            used = 0;
            count = 0;
        }
    }

    private final WalReader reader;
    private final Triage triage;
    private final int batchBytes;
    private final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(QUEUED);
    private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(QUEUED + 2);
    private final XLogRecordView view = new XLogRecordView();
    private Thread thread;
    private volatile boolean closing;

    private Batch current;
    private int index;
    private boolean viewWrapped;
    private int skipped;
    private EndOfWal end;
    private long systemIdentifier;
    private WalVersion version;

    public ReadAheadWithoutImages(WalReader reader) {
        this(reader, null, DEFAULT_BATCH_BYTES);
    }

    /** With a triage run on the reading thread (null: every record, copied). */
    public ReadAheadWithoutImages(WalReader reader, Triage triage) {
        this(reader, triage, DEFAULT_BATCH_BYTES);
    }

    ReadAheadWithoutImages(WalReader reader, Triage triage, int batchBytes) {
        this.reader = reader;
        this.triage = triage;
        this.batchBytes = batchBytes;
    }

    /**
     * The next record (without its images), or null at the end; without a triage that summarises.
     *
     * @throws org.xlogminer.wal.WalException when the WAL read is corrupt, has a gap or mixes clusters
     */
    public XLogRecordView next() {
        if (!advance()) {
            return null;
        }
        XLogRecordView v = view();
        if (v == null) {
            throw new IllegalStateException("a summary, not a record: read with advance()");
        }
        return v;
    }

    /**
     * Moves to the next record handed over, a copy ({@link #view()}) or a summary
     * ({@link #summary()}); false at the end.
     *
     * @throws org.xlogminer.wal.WalException when the WAL read is corrupt, has a gap or mixes clusters
     */
    public boolean advance() {
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
                skipped = end == null ? current.skippedAfter : 0; // counted once, at the first false
                end = current.end;
                return false;
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
        skipped = current.skippedBefore[i];
        viewWrapped = false;
        return true;
    }

    /**
     * The current record, a copy (image-less unless the triage asked for it {@link #WHOLE}); null
     * when a summary stands in its place.
     */
    public XLogRecordView view() {
        int i = index - 1;
        if (current.summary[i] != null) {
            return null;
        }
        if (!viewWrapped) {
            view.wrapCopy(current.data, current.offset[i], current.lsn[i], current.endLsn[i], version);
            viewWrapped = true;
        }
        return view;
    }

    /** The triage's summary of the current record, or null when the record itself was handed over. */
    public byte[] summary() {
        return current.summary[index - 1];
    }

    /** The current record's LSN. */
    public long lsn() {
        return current.lsn[index - 1];
    }

    /** Where the current record ends. */
    public long endLsn() {
        return current.endLsn[index - 1];
    }

    /** The current record's xid. */
    public int xid() {
        return current.xid[index - 1];
    }

    /** The WAL's version (known with the first record). */
    public WalVersion version() {
        return version;
    }

    /**
     * Records the triage left out just before the current one; when {@link #advance()} first returns
     * false, those after the last one (then 0), so that adding it after each call counts each once.
     */
    public int skipped() {
        return skipped;
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
                int skipped = 0;
                while (!closing && (r = reader.next()) != null) {
                    byte[] summarized = triage == null ? null : triage.summarize(r);
                    if (summarized == SKIP) {
                        skipped++;
                        continue;
                    }
                    int size = summarized == null ? r.sizeWithoutImages()
                        : summarized == WHOLE ? r.totalLength() : 0;
                    if (!b.fits(size)) {
                        publish(b);
                        b = free.take();
                    }
                    b.add(r, size, summarized, skipped);
                    skipped = 0;
                }
                b.skippedAfter = skipped;
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
