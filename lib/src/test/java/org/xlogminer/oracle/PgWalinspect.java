package org.xlogminer.oracle;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.xlogminer.wal.Lsn;

/**
 * Reads the server's own description of its WAL through the pg_walinspect extension (15+):
 * {@code pg_get_wal_records_info} for records and, on 16+, {@code pg_get_wal_block_info} for block
 * references with their restored full-page images.
 */
public final class PgWalinspect {

    private static final String[] FORKS = {"main", "fsm", "vm", "init"};

    private PgWalinspect() {
    }

    /** Records that start in [start, end); with blocks (and page images) on 16+. */
    public static List<OracleRecord> records(Connection c, int major, long start, long end) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect");
        }
        Map<Long, List<OracleRecord.OracleBlock>> blocks = major >= 16 ? blocks(c, start, end) : Map.of();
        List<OracleRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT start_lsn::text, prev_lsn::text, xid::text, resource_manager, record_type, record_length,"
                + " main_data_length, fpi_length FROM pg_get_wal_records_info(?::pg_lsn, ?::pg_lsn)")) {
            ps.setString(1, Lsn.format(start));
            ps.setString(2, Lsn.format(end));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long lsn = Lsn.parse(rs.getString(1)).value();
                    out.add(new OracleRecord(lsn, Lsn.parse(rs.getString(2)).value(), rs.getString(4), rs.getString(5),
                        Long.parseLong(rs.getString(3)), rs.getInt(6), rs.getInt(7), rs.getInt(8),
                        major >= 16 ? blocks.getOrDefault(lsn, List.of()) : null));
                }
            }
        }
        return out;
    }

    private static Map<Long, List<OracleRecord.OracleBlock>> blocks(Connection c, long start, long end) throws SQLException {
        Map<Long, List<OracleRecord.OracleBlock>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT start_lsn::text, block_id, reltablespace, reldatabase, relfilenode, relforknumber, relblocknumber,"
                + " block_data_length, block_fpi_length, block_fpi_info, block_fpi_data"
                + " FROM pg_get_wal_block_info(?::pg_lsn, ?::pg_lsn, true) ORDER BY start_lsn, block_id")) {
            ps.setString(1, Lsn.format(start));
            ps.setString(2, Lsn.format(end));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long lsn = Lsn.parse(rs.getString(1)).value();
                    Integer fpiLen = (Integer) rs.getObject(9);
                    boolean image = fpiLen != null && fpiLen > 0;
                    List<String> info = List.of();
                    Array arr = rs.getArray(10);
                    if (arr != null) {
                        info = Arrays.asList((String[]) arr.getArray());
                    }
                    String method = "none";
                    for (String f : info) {
                        if (f.startsWith("COMPRESS_")) {
                            method = f.substring("COMPRESS_".length()).toLowerCase();
                        }
                    }
                    Integer dataLen = (Integer) rs.getObject(8);
                    out.computeIfAbsent(lsn, k -> new ArrayList<>()).add(new OracleRecord.OracleBlock(
                        rs.getInt(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), FORKS[rs.getInt(6)], rs.getLong(7),
                        image, image ? fpiLen : null, null, null, image ? method : null,
                        image ? info.contains("APPLY") : null, dataLen == null ? 0 : dataLen,
                        image ? rs.getBytes(11) : null));
                }
            }
        }
        return out;
    }
}
