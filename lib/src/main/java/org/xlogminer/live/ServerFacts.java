package org.xlogminer.live;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.postgresql.replication.LogSequenceNumber;
import org.xlogminer.catalog.CatalogCapture;
import org.xlogminer.catalog.CatalogSnapshot;

/**
 * What the follower learns over an ordinary read-only session before it streams: the catalog
 * snapshot, the segment size, the last checkpoint (its record and REDO point, from
 * {@code pg_control_checkpoint()}, when the role may call it) and a slot's {@code restart_lsn}.
 *
 * @param checkpointLsn 0 when not known
 * @param checkpointRedo 0 when not known
 * @param slotRestart   the slot's restart_lsn, 0 when there is no slot or it keeps nothing yet
 */
record ServerFacts(CatalogSnapshot catalog, int segmentSize, long checkpointLsn, long checkpointRedo, long slotRestart) {

    static ServerFacts read(Connection c, String slot) throws SQLException {
        CatalogSnapshot catalog = CatalogCapture.capture(c);
        int segmentSize;
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'")) {
            r.next();
            segmentSize = Integer.parseInt(r.getString(1));
        }
        long checkpointLsn = 0;
        long checkpointRedo = 0;
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT checkpoint_lsn::text, redo_lsn::text FROM pg_control_checkpoint()")) {
            if (r.next()) {
                checkpointLsn = lsn(r.getString(1));
                checkpointRedo = lsn(r.getString(2));
            }
        } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) {
                throw e;
            }
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        }
        long slotRestart = 0;
        if (slot != null) {
            try (PreparedStatement s = c.prepareStatement(
                "SELECT restart_lsn::text FROM pg_replication_slots WHERE slot_name = ? AND slot_type = 'physical'")) {
                s.setString(1, slot);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        throw new SQLException("there is no physical replication slot " + slot
                            + " (create it with --create-slot)", "42704");
                    }
                    slotRestart = lsn(r.getString(1));
                }
            }
        }
        return new ServerFacts(catalog, segmentSize, checkpointLsn, checkpointRedo, slotRestart);
    }

    private static long lsn(String text) {
        return text == null ? 0 : LogSequenceNumber.valueOf(text).asLong();
    }

    /**
     * Where to stream from so that the checkpoint at or before {@code position} is read: the last
     * checkpoint's REDO point when it lies at or before it, else the slot's restart_lsn when that
     * does, else the position itself (then no checkpoint is read before it: transactions open there
     * are marked incomplete).
     */
    long streamStart(long position) {
        long start = position;
        if (checkpointLsn != 0 && Long.compareUnsigned(checkpointLsn, position) <= 0) {
            start = checkpointRedo;
        } else if (slotRestart != 0 && Long.compareUnsigned(slotRestart, position) <= 0) {
            start = slotRestart;
        }
        return start - start % segmentSize;
    }
}
