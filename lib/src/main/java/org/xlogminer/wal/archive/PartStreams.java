package org.xlogminer.wal.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Decompressing streams of large segments' files kept open between the parts read from them
 * ({@link SegmentInflater#inflatePart}): the parts of a segment are read in order, each where the
 * last one stopped, so a file is decompressed once however many parts it has. A part before a
 * stream's position (read again) needs a new stream from the file's start.
 *
 * <p>Thread-safe: a stream is taken out for one thread's use and given back after
 * ({@link #release}).
 */
final class PartStreams implements Closeable {

    /** Streams kept at most: the reader's way forward, and a file read again meanwhile. */
    private static final int KEPT = 3;

    /** One file's decompressed contents, at {@link #position}, with the digest of what came before. */
    static final class Open implements Closeable {
        final SegmentFile file;
        final InputStream in;
        /** The SHA-1 of the bytes before position, when the file's name carries one. */
        final MessageDigest sha1;
        volatile long position;

        private Open(SegmentFile file, InputStream in, MessageDigest sha1) {
            this.file = file;
            this.in = in;
            this.sha1 = sha1;
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                // nothing was written: closing a read stream cannot lose anything
            }
        }
    }

    private final List<Open> kept = new ArrayList<>();
    /** The streams taken out and not given back yet. */
    private final List<Open> busy = new ArrayList<>();
    private boolean closed;

    /**
     * The kept stream of the file that is furthest on but not past {@code at}, or a new one from
     * the file's start. While another thread reads on with one that is not past {@code at} (the
     * reader filling the part before while the read-ahead thread wants the next), waits for it:
     * a new stream would decompress the file's start again.
     *
     * @throws WalFormatException naming the file when it cannot be decoded
     */
    Open take(SegmentFile file, long at) throws IOException {
        synchronized (this) {
            while (true) {
                Open best = null;
                for (Open o : kept) {
                    boolean usable = o.file.path().equals(file.path()) && o.position <= at;
                    if (usable && (best == null || o.position > best.position)) {
                        best = o;
                    }
                }
                if (best != null) {
                    kept.remove(best);
                    busy.add(best);
                    return best;
                }
                if (closed || busy.stream().noneMatch(o -> o.file.path().equals(file.path()) && o.position <= at)) {
                    break;
                }
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break; // a stream of its own
                }
            }
        }
        Open o = new Open(file, SegmentInflater.open(file), file.sha1() == null ? null : SegmentInflater.sha1());
        synchronized (this) {
            busy.add(o);
        }
        return o;
    }

    /**
     * Gives a taken stream back: kept for the file's next part ({@code keep}; the oldest kept
     * past {@value #KEPT} is closed), or closed (the file was read to its end, or it failed).
     */
    void release(Open o, boolean keep) {
        Open dropped = null;
        synchronized (this) {
            busy.remove(o);
            if (closed || !keep) {
                dropped = o;
            } else {
                kept.add(o);
                if (kept.size() > KEPT) {
                    dropped = kept.remove(0);
                }
            }
            notifyAll();
        }
        if (dropped != null) {
            dropped.close();
        }
    }

    /** Closes the kept streams (one given back later is closed then) and wakes those waiting. */
    @Override
    public void close() {
        List<Open> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(kept);
            kept.clear();
            notifyAll();
        }
        all.forEach(Open::close);
    }
}
