package org.xlogminer.live;

import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.xlogminer.wal.reader.TimelineHistory;

/**
 * The receiving thread: takes WAL off a physical replication stream into {@link StreamedSegments},
 * and reports back to the server what the follower has {@linkplain #acknowledge acknowledged}.
 *
 * <p>Bounded: while more than {@code maxAhead} bytes have arrived beyond where the miner is reading,
 * it stops reading the socket (the server then waits: back-pressure), answering the server's
 * keep-alives with status updates meanwhile. Only this thread touches the stream (pgjdbc's stream is
 * not thread-safe): the positions to report are handed over through volatile fields.
 *
 * <p>Across timelines: a stream of an older timeline of the server's history ends at its switch
 * point ({@link Leg#until}); the receiver stops reading it there (the server then waits for the
 * client to end the copy, which pgjdbc's stream would wait for in turn) and goes on with the stream
 * of the next timeline from that point, which {@link Legs} opens.
 */
final class WalReceiver implements Runnable {

    /** One timeline's stream, up to {@code until} (exclusive; {@link TimelineHistory#NO_END}: no end). */
    record Leg(PGReplicationStream stream, long until) {
    }

    /** Opens the stream of the timeline current at {@code start} on the server's history. */
    @FunctionalInterface
    interface Legs {
        Leg open(long start) throws SQLException;
    }

    /** Status updates at most this often, besides those pgjdbc sends by itself. */
    private static final long STATUS_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Between looks at a socket that had nothing, at least. */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /**
     * A read that took longer than this waited for its message on the socket (pgjdbc polls it for
     * up to a millisecond): under a busy server, messages of a few hundred bytes then came one
     * wake-up each (some 3,500 a second, a quarter of follow's CPU, in the kernel mostly, taken from
     * the share the mining thread needs). After such a read the receiver waits {@code gatherNanos}
     * and then reads what gathered meanwhile with one read(2), and the mining thread is woken once
     * for all of it.
     */
    private static final long WAITED_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final Legs legs;
    private PGReplicationStream stream;
    private long until;
    private final StreamedSegments segments;
    private final LongSupplier readPosition;
    private final long maxAhead;
    private final long gatherNanos;
    private volatile long flushTo;
    private volatile long applyTo;
    private volatile boolean stop;
    private long sentFlush;
    private long sentApply;
    private long lastStatus;
    /** Bytes appended since the miner was last woken (this and the next: receiving thread only). */
    private boolean unannounced;
    /** When the miner was last woken. */
    private long wokenAt;

    /**
     * @param first        the stream the session started
     * @param legs         opens the next timeline's stream where {@code first} ends
     * @param readPosition where the miner reads (safe to ask from this thread)
     * @param maxAhead     bytes received beyond it before reading stops
     * @param gatherNanos  how long messages gather after one that was waited for, and between looks
     *                     at an idle socket
     */
    WalReceiver(Leg first, Legs legs, StreamedSegments segments, LongSupplier readPosition, long maxAhead,
                long gatherNanos) {
        this.stream = first.stream();
        this.until = first.until();
        this.legs = legs;
        this.segments = segments;
        this.readPosition = readPosition;
        this.maxAhead = maxAhead;
        this.gatherNanos = gatherNanos;
    }

    /**
     * What the server may forget and what has been written out: the slot keeps the WAL from
     * {@code flush} on (reported as flushed), {@code apply} is shown as the replay position.
     */
    void acknowledge(long flush, long apply) {
        this.flushTo = flush;
        this.applyTo = apply;
    }

    void stop() {
        stop = true;
    }

    @Override
    public void run() {
        boolean gathered = false; // parked to gather since a read last found its message there
        try {
            while (!stop) {
                if (until != TimelineHistory.NO_END && Long.compareUnsigned(segments.receivedEnd(), until) >= 0) {
                    announce(System.nanoTime()); // all of it announced before the next stream is opened
                    report(true, true); // the older timeline's stream ends here: the next one's from it
                    Leg next = legs.open(until);
                    stream = next.stream();
                    until = next.until();
                    lastStatus = 0;
                    sentFlush = 0;
                    sentApply = 0;
                    continue;
                }
                long ahead = segments.receivedEnd() - readPosition.getAsLong();
                long asked = System.nanoTime();
                ByteBuffer data = ahead > maxAhead ? null : stream.readPending();
                if (data != null) {
                    long end = stream.getLastReceiveLSN().asLong();
                    segments.append(end - data.remaining(), data, false);
                    unannounced = true;
                    long now = System.nanoTime();
                    if (now - asked <= WAITED_NANOS) {
                        gathered = false; // it was there: taking in what gathered
                    } else if (!gathered) {
                        // it had to wait for this message: let the next ones gather before looking again
                        announce(now);
                        if (gatherNanos > 0) {
                            LockSupport.parkNanos(gatherNanos);
                        }
                        gathered = true;
                    } else if (now - wokenAt >= gatherNanos) {
                        // Slow since the last park, every read: a read is also slow when pgjdbc's code
                        // is not compiled yet or the thread was preempted. Parking after each such
                        // message held a backlog of small ones to one message per park; taking them in
                        // and waking the miner once per gathering time does not.
                        announce(now);
                    }
                } else {
                    gathered = false;
                    if (unannounced) { // what was taken in a row, announced once
                        announce(System.nanoTime());
                    }
                    LockSupport.parkNanos(Math.max(gatherNanos, IDLE_NANOS)); // nothing to read now
                }
                report(data == null, false);
            }
            report(true, true);
        } catch (Throwable t) {
            if (!stop) {
                segments.fail(t);
            }
        }
    }

    /** Wakes the miner for what was appended since it was last woken ({@code now}: the time). */
    private void announce(long now) {
        segments.wakeUp();
        unannounced = false;
        wokenAt = now;
    }

    /** Sends a status update when an acknowledged position moved (or on pgjdbc's interval, when idle). */
    private void report(boolean idle, boolean last) throws SQLException {
        long f = flushTo;
        long a = applyTo;
        long now = System.nanoTime();
        if ((f != sentFlush || a != sentApply) && (last || now - lastStatus >= STATUS_NANOS)) {
            if (f != 0) {
                stream.setFlushedLSN(LogSequenceNumber.valueOf(f));
            }
            if (a != 0) {
                stream.setAppliedLSN(LogSequenceNumber.valueOf(a));
            }
            stream.forceUpdateStatus();
            sentFlush = f;
            sentApply = a;
            lastStatus = now;
        } else if (idle && now - lastStatus >= TimeUnit.SECONDS.toNanos(5)) {
            stream.forceUpdateStatus(); // keep the server's wal_sender_timeout away while reading is held back
            lastStatus = now;
        }
    }
}
