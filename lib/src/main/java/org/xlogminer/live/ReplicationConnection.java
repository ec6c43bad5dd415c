package org.xlogminer.live;

import java.nio.charset.StandardCharsets;
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
import org.postgresql.copy.CopyDual;
import org.postgresql.core.v3.replication.V3PGReplicationStream;
import org.postgresql.replication.ReplicationType;
import org.postgresql.util.HostSpec;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.fluent.physical.ChainedPhysicalStreamBuilder;
import org.xlogminer.catalog.CatalogConnector;
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.archive.TimelineHistoryParser;
import org.xlogminer.wal.reader.TimelineHistory;

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
         * A later session must find the cluster of the first: a server of another cluster reached
         * through the same URL is a clear stop. Its timeline may differ (a standby promoted behind a
         * multi-host URL): the follower checks it against the server's history.
         *
         * @param position the follower's position, for the message
         */
        void checkSameSystem(Identity first, String url, long position) throws SQLException {
            if (!first.systemId.equals(systemId)) {
                throw new SQLException("the server reached through " + url + " is another cluster (system "
                    + systemId + ", was " + first.systemId + "); stopped after " + Lsn.format(position));
            }
        }
    }

    private final Connection connection;
    /** The one host's URL and the properties it was opened with, to open another to the same server. */
    private final String url;
    private final Properties properties;

    private ReplicationConnection(Connection connection, String url, Properties properties) {
        this.connection = connection;
        this.url = url;
        this.properties = properties;
    }

    /** Another replication connection to the same server (not the host list chosen again). */
    ReplicationConnection another() throws SQLException {
        Connection c = new Driver().connect(url, properties);
        if (c == null) {
            throw new SQLException("not a PostgreSQL JDBC URL: " + url);
        }
        return new ReplicationConnection(c, url, properties);
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
            String url = singleHost(login, applicationName);
            Connection c = new Driver().connect(url, p);
            if (c == null) {
                throw new SQLException("not a PostgreSQL JDBC URL: " + login.url());
            }
            return new ReplicationConnection(c, url, p);
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

    /**
     * The history of {@code timeline} as the server has it ({@code TIMELINE_HISTORY}, which
     * answers with the file's name and content); timeline 1 has none.
     */
    TimelineHistory timelineHistory(int timeline) throws SQLException {
        if (timeline == 1) {
            return TimelineHistory.single(1);
        }
        try (Statement s = connection.createStatement();
             ResultSet r = s.executeQuery("TIMELINE_HISTORY " + Integer.toUnsignedString(timeline))) {
            r.next();
            String name = r.getString(1);
            // the content column is text in recent servers, bytea in older ones
            byte[] content = r.getMetaData().getColumnType(2) == java.sql.Types.BINARY ? r.getBytes(2)
                : r.getString(2).getBytes(StandardCharsets.UTF_8);
            return TimelineHistoryParser.parse(content, timeline, name + " (TIMELINE_HISTORY)");
        }
    }

    /**
     * Streams the WAL of an older timeline of the server's history, from {@code start} up to its
     * switch point, where the server ends the stream ({@code START_REPLICATION ... TIMELINE}, as
     * {@code pg_receivewal} asks; without it the server sends its current timeline, whose files it
     * has only from the switch point's segment on). pgjdbc's stream builder has no timeline
     * option, so the command goes through its copy API, and pgjdbc's own stream reads it.
     * The caller must not read past the switch point: the server then ends the copy and waits for
     * the client to end it too, which pgjdbc's stream does not do (it would wait).
     */
    PGReplicationStream startHistoric(long start, String slot, int timeline) throws SQLException {
        String command = "START_REPLICATION" + (slot == null ? "" : " SLOT " + slot) + " PHYSICAL "
            + LogSequenceNumber.valueOf(start).asString() + " TIMELINE " + Integer.toUnsignedString(timeline);
        CopyDual copy = connection.unwrap(PGConnection.class).getCopyAPI().copyDual(command);
        return new V3PGReplicationStream(copy, LogSequenceNumber.valueOf(start), TimeUnit.SECONDS.toMillis(10), true,
            ReplicationType.PHYSICAL);
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
