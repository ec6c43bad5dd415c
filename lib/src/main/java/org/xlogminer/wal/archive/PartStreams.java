package org.xlogminer.wal.archive;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Decompressing streams of large segments' files kept open between the parts read from them
 * ({@link SegmentInflater#inflatePart}): the parts of a segment are read in order, each where the
 * last one stopped, so a file is decompressed once however many parts it has. A part before a
 * stream's position (read again) needs a new stream from the file's start.
 *
 * <p>Thread-safe: a stream is taken out for one thread's use and given back after.
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
        long position;

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
    private boolean closed;

    /**
     * The kept stream of the file that is furthest on but not past {@code at}, or a new one from
     * the file's start.
     *
     * @throws WalFormatException naming the file when it cannot be decoded
     */
    Open take(SegmentFile file, long at) throws IOException {
        synchronized (this) {
            Open best = null;
            for (Open o : kept) {
                boolean usable = o.file.path().equals(file.path()) && o.position <= at;
                if (usable && (best == null || o.position > best.position)) {
                    best = o;
                }
            }
            if (best != null) {
                kept.remove(best);
                return best;
            }
        }
        InputStream raw = new BufferedInputStream(Files.newInputStream(file.path()), 1 << 16);
        try {
            MessageDigest sha1 = file.sha1() == null ? null : SegmentInflater.sha1();
            return new Open(file, file.compression().decompress(raw), sha1);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw SegmentInflater.damaged(file, e);
        }
    }

    /** Keeps the stream for the file's next part (closing the oldest kept past {@value #KEPT}). */
    void give(Open o) {
        Open dropped = null;
        synchronized (this) {
            if (closed) {
                dropped = o;
            } else {
                kept.add(o);
                if (kept.size() > KEPT) {
                    dropped = kept.remove(0);
                }
            }
        }
        if (dropped != null) {
            dropped.close();
        }
    }

    /** Closes the kept streams (one given back later is closed then). */
    @Override
    public void close() {
        List<Open> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(kept);
            kept.clear();
        }
        all.forEach(Open::close);
    }
}
