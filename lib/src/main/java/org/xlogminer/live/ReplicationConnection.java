package org.xlogminer.live;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.postgresql.Driver;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.util.HostSpec;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.fluent.physical.ChainedPhysicalStreamBuilder;
import org.xlogminer.catalog.CatalogConnector;
import org.xlogminer.wal.Lsn;

/**
 * A physical replication connection ({@code replication=true}, as {@code pg_receivewal} opens):
 * {@code IDENTIFY_SYSTEM}, a physical slot's creation when asked, and the stream. It only reads,
 * except that it creates a slot when asked to.
 *
 * <p>Not thread-safe; the stream it starts belongs to the receiving thread.
 */
final class ReplicationConnection implements AutoCloseable {

    /** PostgreSQL's rule for slot names: lower-case letters, digits and underscores, at most 63. */
    static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");

    /** What {@code IDENTIFY_SYSTEM} answers. */
    record Identity(String systemId, int timeline, long flushLsn) {

        /**
         * A later session must find the cluster and timeline of the first: after a failover (a
         * standby promoted, reached through a multi-host URL) the server is on a new timeline,
         * which is not followed yet (the stream would need {@code TIMELINE_HISTORY} and
         * {@code START_REPLICATION ... TIMELINE}): a clear error rather than a stream of the wrong
         * history.
         *
         * @param position the follower's position, for the message
         */
        void checkSameHistory(Identity first, String url, long position) throws SQLException {
            if (!first.systemId.equals(systemId)) {
                throw new SQLException("the server reached through " + url + " is another cluster (system "
                    + systemId + ", was " + first.systemId + "); stopped after " + Lsn.format(position));
            }
            if (first.timeline != timeline) {
                throw new SQLException("the server reached through " + url + " is on timeline " + timeline
                    + ", the WAL followed was on timeline " + first.timeline + " (a standby was promoted?): following"
                    + " a timeline switch is not done yet; stopped after " + Lsn.format(position)
                    + " (mine the new primary's WAL after that offline, then follow it from where that ended)");
            }
        }
    }

    private final Connection connection;

    private ReplicationConnection(Connection connection) {
        this.connection = connection;
    }

    /**
     * Connects for physical replication as the login's user.
     *
     * @throws ReplicationDeniedException when the role may not replicate (SQLSTATE 42501, or
     *                                    pg_hba.conf has no replication line for it: 28000)
     */
    static ReplicationConnection open(CatalogConnector.Login login, String applicationName) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", login.user());
        if (login.password() != null) {
            p.setProperty("password", login.password());
        }
        p.setProperty("ApplicationName", applicationName);
        p.setProperty("replication", "true");
        p.setProperty("assumeMinServerVersion", "13");
        p.setProperty("preferQueryMode", "simple");
        p.setProperty("connectTimeout", "10");
        try {
            Connection c = new Driver().connect(singleHost(login, applicationName), p);
            if (c == null) {
                throw new SQLException("not a PostgreSQL JDBC URL: " + login.url());
            }
            return new ReplicationConnection(c);
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState()) || "28000".equals(e.getSQLState())) {
                throw new ReplicationDeniedException("role " + login.user() + " may not start physical replication on "
                    + login.host() + ":" + login.port() + " (it needs the REPLICATION attribute, and pg_hba.conf a "
                    + "'replication' line for it): " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /**
     * The URL to replicate from. pgjdbc chooses among the hosts of a multi-host URL by asking each
     * {@code SHOW transaction_read_only} as SQL, which a physical WAL sender refuses ("cannot execute
     * SQL commands in WAL sender for physical replication"): so an ordinary read-only session
     * chooses the host ({@code targetServerType} as the URL says), and the replication connection
     * goes to that one, without {@code targetServerType}.
     */
    static String singleHost(CatalogConnector.Login login, String applicationName) throws SQLException {
        String url = login.url();
        int hosts = url.indexOf("//");
        if (hosts < 0 || !url.contains("targetServerType=") && url.indexOf(',', hosts) < 0) {
            return url;
        }
        HostSpec h;
        try (Connection c = CatalogConnector.connect(login, applicationName, null)) {
            h = c.unwrap(BaseConnection.class).getQueryExecutor().getHostSpec();
        }
        return replaceHosts(url, h.getHost(), h.getPort());
    }

    /** The URL with this one host instead of its host list, and no {@code targetServerType}. */
    static String replaceHosts(String url, String host, int port) {
        int start = url.indexOf("//") + 2;
        int end = start;
        while (end < url.length() && url.charAt(end) != '/' && url.charAt(end) != '?') {
            end++;
        }
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        String rest = url.substring(end).replaceAll("([?&])targetServerType=[^&]*(&|$)", "$1")
            .replaceAll("[?&]$", "");
        return url.substring(0, start) + h + ":" + port + rest;
    }

    Identity identify() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("IDENTIFY_SYSTEM")) {
            r.next();
            return new Identity(r.getString("systemid"), r.getInt("timeline"),
                LogSequenceNumber.valueOf(r.getString("xlogpos")).asLong());
        }
    }

    /**
     * Creates a physical slot that keeps the WAL from the last checkpoint's REDO point on
     * ({@code RESERVE_WAL}). The name must be a valid slot name (checked by the caller).
     */
    void createSlot(String name) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE_REPLICATION_SLOT " + name + " PHYSICAL RESERVE_WAL");
        }
    }

    /** Starts streaming the WAL from {@code start} (a segment's start), through the slot when one is named. */
    PGReplicationStream start(long start, String slot) throws SQLException {
        ChainedPhysicalStreamBuilder b = connection.unwrap(PGConnection.class).getReplicationAPI()
            .replicationStream().physical()
            .withStartPosition(LogSequenceNumber.valueOf(start))
            .withStatusInterval(10, TimeUnit.SECONDS);
        if (slot != null) {
            b.withSlotName(slot);
        }
        return b.start();
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
