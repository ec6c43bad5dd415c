package org.xlogminer.live;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.catalog.CatalogConnector;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.reader.TimelineHistory;

/**
 * The receiver's gathering ({@link Follower.Builder#gatherFor}) against a real PostgreSQL 15 under
 * pgbench: the server sends a message per WAL flush, and a receiver that gathers appends them all
 * but wakes the reader of the stream once per look at the socket, not once per message. The
 * gathering time is long here (50 ms) so that many messages gather on any host that runs pgbench at
 * more than a few dozen transactions a second; a receiver that woke the reader for every message
 * appended would fail it. (A receiver that parked after every message slow to read, as in a JVM
 * that has not compiled pgjdbc's code yet, had received two thirds of the WAL 30 s after the run.)
 */
class WalReceiverGatheringIT {

    @TempDir
    Path tmp;

    @Test
    void messagesThatArriveTogetherWakeTheReaderOnce() throws Exception {
        try (PgServer server = PgServer.builder(15).start()) {
            server.runBinary("pgbench", "-i", "-s", "1", "-q").requireSuccess();
            long start = server.currentWalInsertLsn();
            start -= start % server.walSegmentSize();
            CatalogConnector.Login login = CatalogConnector.resolve(server.jdbcUrl(), null, Map.of(), tmp.toString());
            TimelineHistory history = TimelineHistory.single(server.timelineId());
            long[] counts;
            try (ReplicationConnection rc = ReplicationConnection.open(login, "xlogminer-gathering-test");
                 TimelineStreams streams = new TimelineStreams(rc, history, null, notice -> { });
                 StreamedSegments segments = new StreamedSegments(tmp, (int) server.walSegmentSize(), history, start)) {
                WalReceiver receiver = new WalReceiver(streams.first(start), streams, segments, segments::receivedEnd,
                    64 << 20, Duration.ofMillis(50).toNanos());
                Thread t = new Thread(receiver, "gathering-test-receiver");
                t.start();
                try {
                    server.runBinary("pgbench", "-n", "-c", "2", "-j", "2", "-T", "3").requireSuccess();
                    long end = server.flushWal();
                    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                    while (Long.compareUnsigned(segments.receivedEnd(), end) < 0 && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    assertTrue(Long.compareUnsigned(segments.receivedEnd(), end) >= 0,
                        () -> "the stream reached the end of the workload: " + Lsn.format(segments.receivedEnd()) + " of "
                            + Lsn.format(end)
                        + (segments.failure() == null ? "" : ", the receiver failed: " + segments.failure())
                        + "; the receiver at " + Arrays.toString(t.getStackTrace()));
                } finally {
                    receiver.stop();
                    t.join(10_000);
                }
                counts = segments.appendsAndWakeUps();
            }
            long appends = counts[0];
            long wakeUps = counts[1];
            assertTrue(appends >= 30, "the workload came in many messages: " + appends);
            assertTrue(wakeUps * 3 <= appends,
                "the reader woken once for the messages gathered, not per message: " + wakeUps + " wake-ups for "
                    + appends + " messages");
        }
    }
}
