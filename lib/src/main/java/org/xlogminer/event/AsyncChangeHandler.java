package org.xlogminer.event;

import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Hands changes to another handler on a thread of its own, so that mining (reading, page tracking,
 * decoding) and what is done with the changes (rendering SQL, writing it) run on two cores. The
 * delegate sees exactly the calls this handler got, in the same order, all on one thread.
 *
 * <p>Calls are passed in batches of a thousand through a queue of two batches, so memory stays
 * bounded (a few thousand changes in flight): a producer faster than the delegate waits. A failure of the delegate is thrown
 * to the producer at its next call (or by {@link #finish()}), wrapped as it was thrown when it is
 * unchecked. {@link #finish()} waits for the delegate to have handled everything; after it, the
 * delegate's effects are visible to the caller. {@link #close()} stops the thread without waiting
 * for the rest (after a failure elsewhere).
 *
 * <p>One producer thread.
 */
public final class AsyncChangeHandler implements ChangeHandler, AutoCloseable {

    /** Calls per batch, and batches queued: at most (QUEUED_BATCHES + 2) * BATCH changes in flight. */
    private static final int BATCH = 1024;
    private static final int QUEUED_BATCHES = 2;
    /** The most calls (and {@linkplain #later tasks}) in flight at once: handed over, not yet handled. */
    public static final int IN_FLIGHT = (QUEUED_BATCHES + 2) * BATCH;
    private static final byte BEGIN = 0;
    private static final byte CHANGE = 1;
    private static final byte END = 2;
    private static final byte TASK = 3;

    /** A run of calls: what each was, with its transaction and change. */
    private static final class Batch {
        final byte[] kind = new byte[BATCH];
        final TransactionInfo[] tx = new TransactionInfo[BATCH];
        final RowChange[] change = new RowChange[BATCH];
        @SuppressWarnings("unchecked")
        final Consumer<ChangeHandler>[] task = new Consumer[BATCH];
        int size;
        boolean last;
    }

    private final ChangeHandler delegate;
    private final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(QUEUED_BATCHES);
    private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(QUEUED_BATCHES + 2);
    private final Thread worker;
    private volatile Throwable failure;
    private Batch current;
    private boolean finished;

    public AsyncChangeHandler(ChangeHandler delegate) {
        this(delegate, "xlogminer-handler");
    }

    public AsyncChangeHandler(ChangeHandler delegate, String threadName) {
        this.delegate = delegate;
        for (int i = 0; i < QUEUED_BATCHES + 2; i++) {
            free.add(new Batch());
        }
        current = take(free);
        worker = new Thread(this::work, threadName);
        worker.setDaemon(true);
        worker.start();
    }

    @Override
    public void begin(TransactionInfo tx) {
        add(BEGIN, tx, null);
    }

    @Override
    public void change(TransactionInfo tx, RowChange change) {
        add(CHANGE, tx, change);
    }

    @Override
    public void end(TransactionInfo tx) {
        add(END, tx, null);
    }

    /**
     * Runs {@code task} on the delegate's thread, in its place among the calls, with the delegate:
     * for a producer that hands over the work of making some calls (decoding a transaction, say)
     * instead of the calls. What the task needs must be its own, or no longer changed by the
     * producer. A failure of the task is the delegate's.
     */
    public void later(Consumer<ChangeHandler> task) {
        current.task[current.size] = Objects.requireNonNull(task);
        add(TASK, null, null);
    }

    private void add(byte kind, TransactionInfo tx, RowChange change) {
        Batch b = current;
        int i = b.size++;
        b.kind[i] = kind;
        b.tx[i] = tx;
        b.change[i] = change;
        if (b.size == BATCH) {
            send(false);
        }
    }

    private void send(boolean last) {
        rethrow();
        current.last = last;
        put(current);
        current = last ? null : take(free);
    }

    /** Waits until the delegate has handled every call; rethrows its failure. */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        send(true);
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the change handler", e);
        }
        rethrow();
    }

    /** Stops the thread; calls not yet handled are dropped. */
    @Override
    public void close() {
        if (worker.isAlive()) {
            worker.interrupt();
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void work() {
        try {
            while (true) {
                Batch b = full.take();
                if (failure == null) {
                    try {
                        for (int i = 0; i < b.size; i++) {
                            switch (b.kind[i]) {
                                case BEGIN -> delegate.begin(b.tx[i]);
                                case CHANGE -> delegate.change(b.tx[i], b.change[i]);
                                case END -> delegate.end(b.tx[i]);
                                default -> b.task[i].accept(delegate);
                            }
                        }
                    } catch (Throwable t) {
                        failure = t; // and keep taking batches, so that the producer never waits forever
                    }
                }
                if (recycle(b)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** Empties a handled batch and gives it back to the producer; whether it was the last one. */
    private boolean recycle(Batch b) throws InterruptedException {
        boolean last = b.last;
        java.util.Arrays.fill(b.tx, 0, b.size, null);
        java.util.Arrays.fill(b.change, 0, b.size, null);
        java.util.Arrays.fill(b.task, 0, b.size, null);
        b.size = 0;
        b.last = false;
        free.put(b);
        return last;
    }

    private void rethrow() {
        Throwable t = failure;
        if (t == null) {
            return;
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("the change handler failed", t);
    }

    private void put(Batch b) {
        try {
            full.put(b);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing changes over", e);
        }
    }

    private static Batch take(BlockingQueue<Batch> q) {
        try {
            return q.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing changes over", e);
        }
    }
}
