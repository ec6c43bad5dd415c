package org.xlogminer.types;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The live heap tuples of a table as pageinspect shows them, rebuilt into what WAL logs after
 * xl_heap_header: the null bitmap (from t_bits), zero padding up to t_hoff, then t_data.
 */
final class PageTuples {

    /** One tuple: its ctid and header fields, and its bytes from offset 23 on. */
    record RawTuple(long block, int lp, int infomask2, int infomask, int hoff, byte[] bytes) {
        String ctid() {
            return "(" + block + "," + lp + ")";
        }
    }

    private PageTuples() {
    }

    static List<RawTuple> read(Connection c, String table) throws SQLException {
        List<RawTuple> out = new ArrayList<>();
        long blocks;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_relation_size('" + table + "') / current_setting('block_size')::int")) {
            rs.next();
            blocks = rs.getLong(1);
        }
        for (long b = 0; b < blocks; b++) {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT lp, t_infomask2, t_infomask, t_hoff, t_bits, t_data "
                         + "FROM heap_page_items(get_raw_page('" + table + "', " + b + ")) "
                         + "WHERE lp_flags = 1 AND t_data IS NOT NULL AND t_xmax = 0 ORDER BY lp")) {
                while (rs.next()) {
                    int hoff = rs.getInt(4);
                    String bits = rs.getString(5);
                    byte[] data = rs.getBytes(6);
                    byte[] bytes = new byte[hoff - 23 + data.length];
                    if (bits != null) {
                        for (int i = 0; i < bits.length(); i++) {
                            if (bits.charAt(i) == '1') {
                                bytes[i >> 3] |= (byte) (1 << (i & 7));
                            }
                        }
                    }
                    System.arraycopy(data, 0, bytes, hoff - 23, data.length);
                    out.add(new RawTuple(b, rs.getInt(1), rs.getInt(2), rs.getInt(3), hoff, bytes));
                }
            }
        }
        return out;
    }
}
