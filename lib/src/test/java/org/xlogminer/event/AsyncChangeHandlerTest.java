package org.xlogminer.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class AsyncChangeHandlerTest {

    private static RowChange insert(long lsn) {
        return new RowChange.Insert(new Source(lsn, lsn + 1, 7, Instant.EPOCH, "public", "t", null, "(0,1)"),
            new Row(List.of()));
    }

    @Test
    void theDelegateSeesEveryCallAndTaskInOrderOnOneOtherThread() {
        List<String> seen = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        ChangeHandler recorder = new ChangeHandler() {
            @Override
            public void begin(TransactionInfo tx) {
                seen.add("begin " + tx.xid());
                threads.add(Thread.currentThread());
            }

            @Override
            public void change(TransactionInfo tx, RowChange change) {
                seen.add("change " + tx.xid() + " " + change.source().lsn());
            }

            @Override
            public void end(TransactionInfo tx) {
                seen.add("end " + tx.xid());
            }
        };
        List<String> expected = new ArrayList<>();
        try (AsyncChangeHandler async = new AsyncChangeHandler(recorder)) {
            long lsn = 0;
            for (int x = 1; x <= 3000; x++) { // many batches, some transactions across batch boundaries
                TransactionInfo tx = new TransactionInfo(x, x, Instant.EPOCH, true, false);
                expected.add("begin " + x);
                if (x % 3 == 0) {
                    // every third transaction handed over as a task that makes its calls there
                    long first = lsn + 1;
                    int n = x % 7;
                    async.later(h -> {
                        threads.add(Thread.currentThread());
                        h.begin(tx);
                        for (int i = 0; i < n; i++) {
                            h.change(tx, insert(first + i));
                        }
                        h.end(tx);
                    });
                    for (int i = 0; i < n; i++) {
                        expected.add("change " + x + " " + ++lsn);
                    }
                    expected.add("end " + x);
                    continue;
                }
                async.begin(tx);
                for (int i = 0; i < x % 7; i++) {
                    async.change(tx, insert(++lsn));
                    expected.add("change " + x + " " + lsn);
                }
                async.end(tx);
                expected.add("end " + x);
            }
            async.finish();
        }
        assertEquals(expected, seen);
        assertTrue(threads.stream().allMatch(t -> t == threads.get(0)) && threads.get(0) != Thread.currentThread());
    }

    @Test
    void aFailureOfTheDelegateReachesTheProducerAndNothingHangs() {
        UncheckedIOException boom = new UncheckedIOException(new java.io.IOException("disk full"));
        ChangeHandler failing = new ChangeHandler() {
            @Override
            public void begin(TransactionInfo tx) {
            }

            @Override
            public void change(TransactionInfo tx, RowChange change) {
                throw boom;
            }

            @Override
            public void end(TransactionInfo tx) {
            }
        };
        try (AsyncChangeHandler async = new AsyncChangeHandler(failing)) {
            TransactionInfo tx = new TransactionInfo(1, 1, Instant.EPOCH, true, false);
            UncheckedIOException thrown = assertThrows(UncheckedIOException.class, () -> {
                for (int i = 0; i < 10_000_000; i++) {
                    async.change(tx, insert(i));
                }
                async.finish();
            });
            assertSame(boom, thrown);
        }
    }

    @Test
    void aFailingTaskReachesTheProducer() {
        IllegalStateException boom = new IllegalStateException("cannot deform a row");
        ChangeHandler quiet = new ChangeHandler() {
            @Override
            public void begin(TransactionInfo tx) {
            }

            @Override
            public void change(TransactionInfo tx, RowChange change) {
            }

            @Override
            public void end(TransactionInfo tx) {
            }
        };
        try (AsyncChangeHandler async = new AsyncChangeHandler(quiet)) {
            async.later(h -> {
                throw boom;
            });
            assertSame(boom, assertThrows(IllegalStateException.class, async::finish));
        }
    }
}
