package org.xlogminer.live;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.postgresql.replication.PGReplicationStream;
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.reader.TimelineHistory;

/**
 * The replication streams of one session along the server's timeline history: from where the
 * session starts, the stream of the timeline current there; when that is an older timeline (a
 * failover happened since that WAL was written), up to its switch point, then the next timeline's
 * from there, each on a connection of its own to the same server (the last one is closed first:
 * its sender keeps the slot until it has exited).
 *
 * <p>Not thread-safe: {@link #first} is the session thread's, {@link #open} then the receiver's;
 * {@link #close} after the receiver has ended.
 */
final class TimelineStreams implements WalReceiver.Legs, AutoCloseable {

    /** How often, 100 ms apart, a stream is asked for again while the slot is still the last sender's. */
    private static final int SLOT_BUSY_ATTEMPTS = 50;

    private final ReplicationConnection session;
    private final TimelineHistory history;
    private final String slot;
    private final Consumer<String> notices;
    private final List<ReplicationConnection> opened = new ArrayList<>();
    private ReplicationConnection last;

    /**
     * @param session the session's connection, which the first stream uses (the caller closes it)
     * @param slot    the physical slot to stream through, or null
     */
    TimelineStreams(ReplicationConnection session, TimelineHistory history, String slot, Consumer<String> notices) {
        this.session = session;
        this.history = history;
        this.slot = slot;
        this.notices = notices;
        this.last = session;
    }

    /** The session's first stream, from {@code start}, on the session's connection. */
    WalReceiver.Leg first(long start) throws SQLException {
        return leg(session, start);
    }

    /** The next timeline's stream, from the switch point {@code start}, on a new connection. */
    @Override
    public WalReceiver.Leg open(long start) throws SQLException {
        last.close(); // its sender waits for the copy's end, and holds the slot until it exits
        ReplicationConnection next = session.another();
        synchronized (opened) {
            opened.add(next);
        }
        last = next;
        return leg(next, start);
    }

    /**
     * The stream of the timeline current at {@code start} on the history: an older one's up to its
     * switch point ({@code START_REPLICATION ... TIMELINE}), the server's own without end.
     */
    private WalReceiver.Leg leg(ReplicationConnection c, long start) throws SQLException {
        long until = history.switchAfter(start);
        if (until != TimelineHistory.NO_END) {
            notices.accept("reading timeline " + Integer.toUnsignedString(history.timelineAt(start)) + " from "
                + Lsn.format(start) + " up to its switch point " + Lsn.format(until) + ", then timeline "
                + Integer.toUnsignedString(history.timelineAt(until)) + " (" + history + ")");
        }
        for (int attempt = 1; ; attempt++) {
            try {
                PGReplicationStream stream = until == TimelineHistory.NO_END ? c.start(start, slot)
                    : c.startHistoric(start, slot, history.timelineAt(start));
                return new WalReceiver.Leg(stream, until);
            } catch (SQLException e) {
                // object_in_use: the slot is still the last leg's (or session's) sender's, which is exiting
                if (!"55006".equals(e.getSQLState()) || slot == null || attempt == SLOT_BUSY_ATTEMPTS) {
                    throw e;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Closes the connections opened for later timelines. */
    @Override
    public void close() throws SQLException {
        synchronized (opened) {
            for (ReplicationConnection c : opened) {
                c.close();
            }
        }
    }
}
