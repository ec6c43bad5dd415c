package org.xlogminer.live;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The newest bytes of a replication stream, in memory: a ring over the last {@code capacity} bytes
 * received. The miner reads what has just arrived from here instead of from the spool files, and
 * the receiver writes the spool files in large pieces instead of a write per message: under a busy
 * server a message is a few hundred bytes, and a write and a read per message were most of the
 * follower's system time.
 *
 * <p>Thread-safety: one thread {@linkplain #put puts} (the receiver) and writes out
 * ({@link #writeTo}, without the lock: only it changes the bytes), another {@linkplain #copy copies}
 * (the miner); put and copy hold the lock, so a copy never sees bytes being overwritten.
 */
final class RecentBytes {

    private final byte[] ring;
    private final int mask;
    /** The oldest LSN still held. */
    private long start;

    /** @param capacity a power of two */
    RecentBytes(int capacity, long streamStart) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity " + capacity + " is not a power of two");
        }
        this.ring = new byte[capacity];
        this.mask = capacity - 1;
        this.start = streamStart;
    }

    int capacity() {
        return ring.length;
    }

    /**
     * Takes {@code n} bytes of {@code src} (from its position, which moves on) as those at
     * {@code lsn}, which continue what was put before; forgets the oldest bytes to make room: the
     * caller has written them out first.
     */
    synchronized void put(long lsn, ByteBuffer src, int n) {
        if (n > ring.length) {
            throw new IllegalArgumentException(n + " bytes do not fit in " + ring.length);
        }
        start = Math.max(start, lsn + n - ring.length);
        int at = (int) (lsn & mask);
        int first = Math.min(n, ring.length - at);
        src.get(ring, at, first);
        src.get(ring, 0, n - first);
    }

    /**
     * Copies the bytes from {@code lsn} on, up to {@code n}, as far as they are still held and
     * have been put (the caller asks only for bytes received); returns how many: 0 when those at
     * {@code lsn} are gone already (then they are in the spool files).
     */
    synchronized int copy(long lsn, byte[] dst, int off, int n) {
        if (Long.compareUnsigned(lsn, start) < 0) {
            return 0;
        }
        int at = (int) (lsn & mask);
        int first = Math.min(n, ring.length - at);
        System.arraycopy(ring, at, dst, off, first);
        System.arraycopy(ring, 0, dst, off + first, n - first);
        return n;
    }

    /** Writes the {@code n} bytes from {@code lsn} (still held) to the file at {@code pos}. Receiver only. */
    void writeTo(FileChannel f, long pos, long lsn, int n) throws IOException {
        int at = (int) (lsn & mask);
        int first = Math.min(n, ring.length - at);
        write(f, ByteBuffer.wrap(ring, at, first), pos);
        write(f, ByteBuffer.wrap(ring, 0, n - first), pos + first);
    }

    private static void write(FileChannel f, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            pos += f.write(b, pos);
        }
    }
}
