package org.xlogminer.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The one autocommit connection behind {@link PgServer}'s SQL helpers: opened on first use, reopened
 * after it breaks, closed with the server; and the forced WAL flush of
 * {@link PgServer#captureRange(PgServer.Workload)}.
 *
 * <p>Thread-safe: every call is serialized on this object, so session state (e.g. {@code SET}) persists
 * between calls, and a flush target read here is flushed before another thread's statement runs.
 */
final class AdminConnection {

    private final PgServer server;
    private Connection connection; // guarded by this

    AdminConnection(PgServer server) {
        this.server = server;
    }

    /** Runs each statement in its own autocommit transaction, in order. */
    void execute(String... statements) throws SQLException {
        call(c -> {
            try (Statement st = c.createStatement()) {
                for (String sql : statements) {
                    st.execute(sql);
                }
            }
            return null;
        });
    }

    /** First column of the first row as text, or {@code null} for no row / SQL NULL. */
    String queryString(String sql) throws SQLException {
        return call(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                return rs.next() ? rs.getString(1) : null;
            }
        });
    }

    /** First column of the first row as a {@code long}; fails if there is no row or it is NULL. */
    long queryLong(String sql) throws SQLException {
        return call(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                if (!rs.next()) {
                    throw new SQLException("no row returned by: " + sql);
                }
                long v = rs.getLong(1);
                if (rs.wasNull()) {
                    throw new SQLException("NULL returned by: " + sql);
                }
                return v;
            }
        });
    }

    /** All rows, each as a list of column values in text form (SQL NULL as {@code null}). */
    List<List<String>> queryRows(String sql) throws SQLException {
        return call(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                int n = rs.getMetaData().getColumnCount();
                List<List<String>> rows = new ArrayList<>();
                while (rs.next()) {
                    List<String> row = new ArrayList<>(n);
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getString(i));
                    }
                    rows.add(Collections.unmodifiableList(row));
                }
                return Collections.unmodifiableList(rows);
            }
        });
    }

    /** An LSN-valued query ({@code ...::text}) as an unsigned long; fails on NULL. */
    long queryLsn(String sql) throws SQLException {
        String s = queryString(sql);
        if (s == null) {
            throw new SQLException("NULL LSN from: " + sql);
        }
        return Lsn.parse(s);
    }

    /**
     * Reads {@code pg_current_wal_insert_lsn()}, makes sure the WAL up to it is flushed, and returns it:
     * <ul>
     *   <li>if {@code pg_current_wal_flush_lsn()} is there already (e.g. the workload ended with a
     *       synchronous commit), nothing more is written;</li>
     *   <li>otherwise one transaction runs {@code SET LOCAL synchronous_commit = on} and
     *       {@code SELECT pg_logical_emit_message(true, 'xlogminer-testkit', 'flush')}. A transactional
     *       logical message gets an XID and writes a WAL record, so its commit is a synchronous commit that
     *       calls {@code XLogFlush} up to the commit record, i.e. past the target. (A bare
     *       {@code SELECT txid_current()} would not do: a transaction whose only WAL is its commit record
     *       commits asynchronously.) This adds one LOGICAL_MESSAGE and one COMMIT record; it works with
     *       every {@code wal_level}, and neither switches segments nor checkpoints (so later full-page
     *       images are unaffected);</li>
     *   <li>then {@code pg_current_wal_flush_lsn()} is polled until it reaches the target (10 s limit).</li>
     * </ul>
     * With {@code fsync=off} "flushed" means handed to the kernel, which is what a reader of the files sees.
     */
    synchronized long flushInserted() throws SQLException {
        long target = queryLsn("SELECT pg_current_wal_insert_lsn()::text");
        if (Long.compareUnsigned(flushLsn(), target) < 0) {
            emitSynchronousCommit();
            awaitFlush(target);
        }
        return target;
    }

    private long flushLsn() throws SQLException {
        return queryLsn("SELECT pg_current_wal_flush_lsn()::text");
    }

    /** A transactional logical message: its commit is synchronous, so it flushes the WAL before it. */
    private void emitSynchronousCommit() throws SQLException {
        call(c -> {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL synchronous_commit = on");
                st.execute("SELECT pg_logical_emit_message(true, 'xlogminer-testkit', 'flush')");
                c.commit();
            } catch (SQLException e) {
                try {
                    c.rollback();
                } catch (SQLException e2) {
                    e.addSuppressed(e2);
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            return null;
        });
    }

    private void awaitFlush(long target) throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long flushed;
        while (Long.compareUnsigned(flushed = flushLsn(), target) < 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("WAL flush position " + Lsn.format(flushed)
                        + " did not reach " + Lsn.format(target) + " within 10 s");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a WAL flush", e);
            }
        }
    }

    /** Closes the connection; the next call fails, as the server is closed by then. */
    synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // the server is going away anyway
            }
            connection = null;
        }
    }

    /** Work on the connection. */
    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} on the connection (opened if need be); drops the connection if it broke. */
    private synchronized <T> T call(Work<T> work) throws SQLException {
        Connection c = connection();
        try {
            return work.run(c);
        } catch (SQLException e) {
            dropIfBroken();
            throw e;
        }
    }

    private Connection connection() throws SQLException {
        server.checkOpen();
        if (connection == null || connection.isClosed()) {
            connection = server.connect();
        }
        return connection;
    }

    private void dropIfBroken() {
        try {
            if (connection != null && !connection.isValid(2)) {
                connection.close();
                connection = null;
            }
        } catch (SQLException e) {
            connection = null;
        }
    }
}
