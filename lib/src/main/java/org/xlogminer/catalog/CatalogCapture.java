package org.xlogminer.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import org.xlogminer.wal.Lsn;

/**
 * Captures a {@link CatalogSnapshot} of the database a JDBC connection is connected to, on
 * PostgreSQL 13 to 18.
 *
 * <h2>Never writes</h2>
 * xlogminer must never write to the source database. The capture runs in one transaction that is
 * {@code REPEATABLE READ, READ ONLY} (set on the JDBC connection and again with
 * {@code SET TRANSACTION}), after {@code SET SESSION default_transaction_read_only = on}; it checks
 * that the server agrees before reading anything else, and runs nothing but {@code SELECT} and
 * {@code SET}. The connection is left read-only ({@link Connection#isReadOnly()} true, session
 * default read-only) with its auto-commit mode and isolation level restored: close it, or know that
 * it stays so.
 *
 * <h2>Consistency</h2>
 * Every query sees the transaction's one snapshot, taken by the first query, which also reads
 * {@link CatalogSnapshot#captureLsn() pg_current_wal_insert_lsn()}: the snapshot describes WAL from
 * that LSN on. Five set-based queries after it (relations, attributes, types with their closure,
 * enum labels, composite attributes) make the cost grow with the catalog's size, not with round
 * trips: a database of thousands of tables is captured in well under a second.
 *
 * <p>Needs no privilege beyond LOGIN and CONNECT (see {@link CatalogQueries}). Stateless and
 * thread-safe; a connection must not be used by two captures at once.
 */
public final class CatalogCapture {

    private CatalogCapture() {
    }

    /**
     * Captures the catalog of the connection's database.
     *
     * @param c a connection to PostgreSQL 13..18, not inside a transaction
     * @throws SQLException          what the server or driver reported
     * @throws IllegalStateException if the server is not 13..18, or the transaction would not be
     *                               read-only and repeatable-read (nothing is read then)
     */
    public static CatalogSnapshot capture(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        int isolation = c.getTransactionIsolation();
        c.setReadOnly(true);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        c.setAutoCommit(false);
        CatalogSnapshot snapshot;
        try {
            snapshot = captureInTransaction(c);
            c.commit(); // a read-only transaction: nothing to commit but its end
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
                restore(c, autoCommit, isolation);
            } catch (SQLException e2) {
                e.addSuppressed(e2);
            }
            throw e;
        }
        restore(c, autoCommit, isolation);
        return snapshot;
    }

    private static void restore(Connection c, boolean autoCommit, int isolation) throws SQLException {
        if (!c.isClosed()) {
            c.setAutoCommit(autoCommit);
            c.setTransactionIsolation(isolation);
        }
    }

    private static CatalogSnapshot captureInTransaction(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            st.execute("SET SESSION default_transaction_read_only = on");
            for (String sql : CatalogQueries.LOCAL_SETTINGS) {
                st.execute(sql);
            }
            Header h;
            try (ResultSet rs = st.executeQuery(CatalogQueries.HEADER)) {
                if (!rs.next()) {
                    throw new IllegalStateException("current_database() not found in pg_database");
                }
                h = header(rs);
            }
            Map<Long, Long> attributeXmins = new HashMap<>();
            List<TableInfo> tables = relations(st, columns(st, attributeXmins), attributeXmins);
            Map<Long, TypeInfo> types = types(c, st, h.versionNum / 10000);
            Map<Long, String> namespaces = new LinkedHashMap<>();
            try (ResultSet rs = st.executeQuery(CatalogQueries.NAMESPACES)) {
                while (rs.next()) {
                    namespaces.put(rs.getLong("oid"), rs.getString("nspname"));
                }
            }
            return new CatalogSnapshot(h.systemIdentifier, h.versionNum, h.version, h.databaseOid, h.databaseName,
                h.defaultTablespace, h.timeline, h.lsn, h.capturedAt, tables, types, namespaces);
        }
    }

    private record Header(long systemIdentifier, int versionNum, String version, long databaseOid,
                          String databaseName, long defaultTablespace, int timeline, long lsn, Instant capturedAt) {
    }

    private static Header header(ResultSet rs) throws SQLException {
        String readOnly = rs.getString("read_only");
        String isolation = rs.getString("isolation");
        if (!"on".equals(readOnly) || !"repeatable read".equals(isolation)) {
            throw new IllegalStateException("the capture transaction is not read-only and repeatable read"
                + " (transaction_read_only=" + readOnly + ", transaction_isolation=" + isolation + ")");
        }
        int versionNum = rs.getInt("version_num");
        if (versionNum < 130000 || versionNum >= 190000) {
            throw new IllegalStateException("PostgreSQL " + rs.getString("version") + " is not supported (13 to 18)");
        }
        String walfile = rs.getString("walfile");
        int timeline = walfile != null
            ? Integer.parseUnsignedInt(walfile.substring(0, 8), 16)
            : rs.getInt("checkpoint_timeline");
        OffsetDateTime at = rs.getObject("captured_at", OffsetDateTime.class);
        return new Header(Long.parseLong(rs.getString("system_identifier")), versionNum,
            rs.getString("version").trim().split("\\s+")[0], rs.getLong("database_oid"), rs.getString("database_name"),
            rs.getLong("database_tablespace"), timeline, Lsn.parse(rs.getString("lsn")).value(), at.toInstant());
    }

    /**
     * Attributes of every captured relation, by attrelid, each list by attnum; the newest xmin of
     * each relation's attribute rows put in {@code xmins}.
     */
    private static Map<Long, List<ColumnInfo>> columns(Statement st, Map<Long, Long> xmins) throws SQLException {
        Map<Long, List<ColumnInfo>> byRel = new HashMap<>();
        try (ResultSet rs = st.executeQuery(CatalogQueries.ATTRIBUTES)) {
            while (rs.next()) {
                long rel = rs.getLong("attrelid");
                byRel.computeIfAbsent(rel, k -> new ArrayList<>()).add(column(rs));
                xmins.merge(rel, rs.getLong("xmin"), TransactionIds::newer);
            }
        }
        return byRel;
    }

    private static ColumnInfo column(ResultSet rs) throws SQLException {
        return new ColumnInfo(rs.getInt("attnum"), rs.getString("attname"), rs.getLong("atttypid"),
            rs.getInt("atttypmod"), rs.getInt("attlen"), rs.getBoolean("attbyval"), oneChar(rs, "attalign"),
            oneChar(rs, "attstorage"), rs.getBoolean("attnotnull"), rs.getBoolean("attisdropped"),
            rs.getBoolean("atthasmissing"), rs.getString("missing"), oneChar(rs, "attgenerated"),
            oneChar(rs, "attidentity"));
    }

    private static List<TableInfo> relations(Statement st, Map<Long, List<ColumnInfo>> columns,
                                             Map<Long, Long> attributeXmins) throws SQLException {
        List<TableInfo> tables = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(CatalogQueries.RELATIONS)) {
            while (rs.next()) {
                long oid = rs.getLong("oid");
                char replident = oneChar(rs, "replident");
                List<Integer> pk = keyAttnums(rs.getString("pk_key"), rs.getInt("pk_nkey"));
                List<Integer> identity = switch (replident) {
                    case 'd' -> pk;
                    case 'i' -> keyAttnums(rs.getString("ri_key"), rs.getInt("ri_nkey"));
                    default -> List.of();
                };
                tables.add(new TableInfo(oid, rs.getString("nspname"), rs.getString("relname"), oneChar(rs, "relkind"),
                    rs.getLong("relfilenode"), rs.getLong("tablespace"), oneChar(rs, "persistence"),
                    rs.getLong("toastrelid"), replident, identity, pk, columns.getOrDefault(oid, List.of()),
                    rowEstimate(rs.getDouble("reltuples"), oneChar(rs, "relkind")), rs.getLong("partition_parent"),
                    catalogXmin(rs, attributeXmins.getOrDefault(oid, TransactionIds.FROZEN))));
            }
        }
        return tables;
    }

    /** The newest of a relation's attribute rows' xmin and those of its other defining rows in this result row. */
    private static long catalogXmin(ResultSet rs, long attributes) throws SQLException {
        long newest = attributes;
        for (String column : new String[] {"class_xmin", "namespace_xmin", "type_xmin", "pk_xmin", "ri_xmin"}) {
            long x = rs.getLong(column);
            if (!rs.wasNull()) {
                newest = TransactionIds.newer(newest, x);
            }
        }
        return newest;
    }

    /**
     * reltuples as an estimate, or -1: -1 means "never vacuumed or analyzed" on 14+; before 14 a
     * table never vacuumed or analyzed has 0, which cannot be told from an empty one: taken as not
     * known. Partitioned tables (no storage) have none of their own. (The capture from files reads
     * the same column and makes the same estimate of it.)
     */
    public static double rowEstimate(double reltuples, char relkind) {
        return reltuples <= 0 || relkind == 'p' ? -1 : reltuples;
    }

    /** The key columns of an index: the first indnkeyatts entries of indkey (the rest are INCLUDE columns). */
    public static List<Integer> keyAttnums(String indkey, int nkey) {
        if (indkey == null || indkey.isBlank()) {
            return List.of();
        }
        String[] parts = indkey.trim().split("\\s+");
        List<Integer> key = new ArrayList<>(nkey);
        for (int i = 0; i < Math.min(nkey, parts.length); i++) {
            key.add(Integer.parseInt(parts[i]));
        }
        return key;
    }

    private static Map<Long, TypeInfo> types(Connection c, Statement st, int major) throws SQLException {
        record Row(long oid, String schema, String name, String sqlName, char kind, char category, int len,
                   boolean byval, char align, long elem, long array, long base, int typmod, long relid, long subtype) {
        }
        List<Row> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(CatalogQueries.types(major))) {
            while (rs.next()) {
                rows.add(new Row(rs.getLong("oid"), rs.getString("nspname"), rs.getString("typname"),
                    rs.getString("sql_name"), oneChar(rs, "typtype"), oneChar(rs, "typcategory"), rs.getInt("typlen"),
                    rs.getBoolean("typbyval"), oneChar(rs, "typalign"), rs.getLong("typelem"), rs.getLong("typarray"),
                    rs.getLong("typbasetype"), rs.getInt("typtypmod"), rs.getLong("typrelid"),
                    rs.getLong("range_subtype")));
            }
        }
        List<Long> enums = new ArrayList<>();
        List<Long> relids = new ArrayList<>();
        for (Row r : rows) {
            if (r.kind == 'e') {
                enums.add(r.oid);
            }
            if (r.kind == 'c' && r.relid != 0) {
                relids.add(r.relid);
            }
        }
        Map<Long, Map<Long, String>> labels = enumLabels(c, enums);
        Map<Long, List<ColumnInfo>> attributes = compositeAttributes(c, relids);
        Map<Long, TypeInfo> types = new LinkedHashMap<>();
        for (Row r : rows) {
            types.put(r.oid, new TypeInfo(r.oid, r.schema, r.name, r.sqlName, r.kind, r.category, r.len, r.byval,
                r.align, r.elem, r.array, r.base, r.typmod, labels.getOrDefault(r.oid, Map.of()),
                r.kind == 'c' ? attributes.getOrDefault(r.relid, List.of()) : List.of(), r.subtype));
        }
        return types;
    }

    private static Map<Long, Map<Long, String>> enumLabels(Connection c, List<Long> enumTypes) throws SQLException {
        Map<Long, Map<Long, String>> labels = new HashMap<>();
        if (enumTypes.isEmpty()) {
            return labels;
        }
        try (PreparedStatement ps = c.prepareStatement(CatalogQueries.ENUM_LABELS)) {
            ps.setString(1, oidArray(enumTypes));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    labels.computeIfAbsent(rs.getLong("enumtypid"), k -> new LinkedHashMap<>())
                        .put(rs.getLong("oid"), rs.getString("enumlabel"));
                }
            }
        }
        return labels;
    }

    private static Map<Long, List<ColumnInfo>> compositeAttributes(Connection c, List<Long> relids) throws SQLException {
        Map<Long, List<ColumnInfo>> byRel = new HashMap<>();
        if (relids.isEmpty()) {
            return byRel;
        }
        try (PreparedStatement ps = c.prepareStatement(CatalogQueries.COMPOSITE_ATTRIBUTES)) {
            ps.setString(1, oidArray(relids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byRel.computeIfAbsent(rs.getLong("attrelid"), k -> new ArrayList<>()).add(column(rs));
                }
            }
        }
        return byRel;
    }

    private static String oidArray(List<Long> oids) {
        StringJoiner j = new StringJoiner(",", "{", "}");
        for (Long o : oids) {
            j.add(Long.toString(o));
        }
        return j.toString();
    }

    /** A "char" column as text: its one character, or {@link ColumnInfo#NONE} for '\0' (empty text). */
    private static char oneChar(ResultSet rs, String column) throws SQLException {
        String s = rs.getString(column);
        return s == null || s.isEmpty() ? ColumnInfo.NONE : s.charAt(0);
    }
}
