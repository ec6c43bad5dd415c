package org.xlogminer.types;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.catalog.TypeInfo;

/**
 * A small test-side catalog reader: the TableInfo of one table and the TypeInfo of every type its
 * columns reach (elements, domain bases, range subtypes, composite attributes), straight from
 * pg_class, pg_attribute, pg_type, pg_enum and pg_range. Independent of the real capture.
 */
final class TestCatalog {

    final TableInfo table;
    final Map<Long, TypeInfo> types;
    /** Names of every relation, schema and role of the server, and of the types above. */
    final ObjectNames names;

    private TestCatalog(TableInfo table, Map<Long, TypeInfo> types, ObjectNames names) {
        this.table = table;
        this.types = types;
        this.names = names;
    }

    static TestCatalog of(Connection c, String tableName) throws SQLException {
        long oid;
        String schema;
        String name;
        char relkind;
        long relfilenode;
        long toast;
        try (PreparedStatement ps = c.prepareStatement("SELECT c.oid, n.nspname, c.relname, c.relkind, "
                + "pg_relation_filenode(c.oid), c.reltoastrelid FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ?::regclass")) {
            ps.setString(1, tableName);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                oid = rs.getLong(1);
                schema = rs.getString(2);
                name = rs.getString(3);
                relkind = rs.getString(4).charAt(0);
                relfilenode = rs.getLong(5);
                toast = rs.getLong(6);
            }
        }
        List<ColumnInfo> columns = attributes(c, oid);
        Map<Long, TypeInfo> types = new HashMap<>();
        Deque<Long> todo = new ArrayDeque<>();
        for (ColumnInfo col : columns) {
            if (!col.dropped()) {
                todo.add(col.typeOid());
            }
        }
        while (!todo.isEmpty()) {
            long t = todo.pop();
            if (t == 0 || types.containsKey(t)) {
                continue;
            }
            TypeInfo ti = type(c, t);
            types.put(t, ti);
            todo.add(ti.elementOid());
            todo.add(ti.baseTypeOid());
            todo.add(ti.rangeSubtype());
            for (ColumnInfo a : ti.attributes()) {
                if (!a.dropped()) {
                    todo.add(a.typeOid());
                }
            }
        }
        TableInfo table = new TableInfo(oid, schema, name, relkind, relfilenode, 1663, 'p', toast, 'd',
                List.of(), List.of(), columns);
        return new TestCatalog(table, types, names(c, types));
    }

    private static ObjectNames names(Connection c, Map<Long, TypeInfo> types) throws SQLException {
        Map<Long, String[]> relations = new HashMap<>();
        Map<Long, String> namespaces = new HashMap<>();
        Map<Long, String> roles = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.oid, n.nspname, c.relname FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                relations.put(rs.getLong(1), new String[] {rs.getString(2), rs.getString(3)});
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT oid, nspname FROM pg_namespace");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                namespaces.put(rs.getLong(1), rs.getString(2));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT oid, rolname FROM pg_roles");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                roles.put(rs.getLong(1), rs.getString(2));
            }
        }
        return ObjectNames.of(types).with(relations, namespaces, roles);
    }

    private static List<ColumnInfo> attributes(Connection c, long relid) throws SQLException {
        List<ColumnInfo> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT attnum, attname, atttypid, atttypmod, attlen, "
                + "attbyval, attalign, attstorage, attnotnull, attisdropped, atthasmissing, "
                + "(attmissingval::text::text[])[1] FROM pg_attribute WHERE attrelid = ? AND attnum > 0 ORDER BY attnum")) {
            ps.setLong(1, relid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ColumnInfo(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getInt(5),
                            rs.getBoolean(6), rs.getString(7).charAt(0), rs.getString(8).charAt(0), rs.getBoolean(9),
                            rs.getBoolean(10), rs.getBoolean(11), rs.getString(12)));
                }
            }
        }
        return out;
    }

    private static boolean multiranges(Connection c) throws SQLException {
        return c.getMetaData().getDatabaseMajorVersion() >= 14;
    }

    private static TypeInfo type(Connection c, long oid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname, t.typname, format_type(t.oid, NULL), "
                + "t.typtype, t.typcategory, t.typlen, t.typbyval, t.typalign, t.typelem, t.typarray, "
                + "t.typbasetype, t.typtypmod, t.typrelid, COALESCE((SELECT rngsubtype FROM pg_range WHERE rngtypid = t.oid), "
                + (multiranges(c) ? "(SELECT rngtypid FROM pg_range WHERE rngmultitypid = t.oid), " : "") + "0) "
                + "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid = ?")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                char kind = rs.getString(4).charAt(0);
                Map<Long, String> labels = new HashMap<>();
                if (kind == 'e') {
                    try (PreparedStatement e = c.prepareStatement(
                            "SELECT oid, enumlabel FROM pg_enum WHERE enumtypid = ?")) {
                        e.setLong(1, oid);
                        try (ResultSet er = e.executeQuery()) {
                            while (er.next()) {
                                labels.put(er.getLong(1), er.getString(2));
                            }
                        }
                    }
                }
                List<ColumnInfo> attrs = kind == 'c' ? attributes(c, rs.getLong(13)) : List.of();
                return new TypeInfo(oid, rs.getString(1), rs.getString(2), rs.getString(3), kind,
                        rs.getString(5).charAt(0), rs.getInt(6), rs.getBoolean(7), rs.getString(8).charAt(0),
                        rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getInt(12), labels, attrs, rs.getLong(14));
            }
        }
    }
}
