package org.xlogminer.catalog;

import java.util.List;
import java.util.Objects;

/**
 * A relation whose heap tuples can appear in WAL (pg_class with relkind r, p, m, t).
 *
 * @param oid              pg_class.oid
 * @param schema           namespace name
 * @param name             relname
 * @param relkind          'r' table, 'p' partitioned table (no storage), 'm' matview, 't' TOAST
 * @param relfilenode      pg_relation_filenode(oid): the number WAL block references carry
 *                         (0 for relations without storage)
 * @param tablespace       pg_class.reltablespace, with 0 replaced by the database's default
 *                         tablespace, so that it equals the WAL's spcOid
 * @param persistence      'p' permanent, 'u' unlogged, 't' temporary
 * @param toastRelid       pg_class.reltoastrelid (0 if none)
 * @param replicaIdentity  'd' default (primary key), 'n' nothing, 'f' full, 'i' index
 * @param identityKey      attnums of the replica-identity key (the primary key for 'd', the
 *                         index's columns for 'i'), empty when there is none
 * @param primaryKey       attnums of the primary key, empty when there is none
 * @param columns          every attribute with attnum &gt; 0, dropped ones included, by attnum
 * @param rowEstimate      pg_class.reltuples at capture: the planner's estimate of the number of
 *                         rows (kept up to date by VACUUM and ANALYZE); -1 when not known (never
 *                         vacuumed or analyzed on 14+, a snapshot written before it was captured,
 *                         a table made by DDL read from the WAL)
 * @param partitionParent  for a partition (pg_class.relispartition), the pg_class OID of the
 *                         partitioned table it is a partition of (pg_inherits.inhparent); 0 for
 *                         every other relation, inheritance children included (and in snapshots
 *                         written before it was captured). Its parents up to the top name the
 *                         partition's root ({@link CatalogSnapshot#partitionRoot})
 * @param catalogXmin      the newest ({@linkplain TransactionIds#newer circularly}) xmin of the catalog
 *                         rows that define the relation at capture: its pg_class row, its pg_namespace
 *                         row, its pg_attribute rows (attnum &gt; 0), its row type's pg_type row and the
 *                         pg_index rows of its primary key and replica-identity index. A transaction
 *                         that changed its definition wrote one of them, so a relation whose value
 *                         was over before some point was not changed after it (which tells which
 *                         tables a gap in the WAL may have changed). 0 when not known (snapshots
 *                         written before it was captured, relations made by DDL read from the WAL)
 */
public record TableInfo(long oid, String schema, String name, char relkind, long relfilenode, long tablespace,
                        char persistence, long toastRelid, char replicaIdentity, List<Integer> identityKey,
                        List<Integer> primaryKey, List<ColumnInfo> columns, double rowEstimate,
                        long partitionParent, long catalogXmin) {

    /** A relation whose catalog rows' xmin is not known. */
    public TableInfo(long oid, String schema, String name, char relkind, long relfilenode, long tablespace,
                     char persistence, long toastRelid, char replicaIdentity, List<Integer> identityKey,
                     List<Integer> primaryKey, List<ColumnInfo> columns, double rowEstimate,
                     long partitionParent) {
        this(oid, schema, name, relkind, relfilenode, tablespace, persistence, toastRelid, replicaIdentity, identityKey,
            primaryKey, columns, rowEstimate, partitionParent, 0);
    }

    /** A relation that is not a partition. */
    public TableInfo(long oid, String schema, String name, char relkind, long relfilenode, long tablespace,
                     char persistence, long toastRelid, char replicaIdentity, List<Integer> identityKey,
                     List<Integer> primaryKey, List<ColumnInfo> columns, double rowEstimate) {
        this(oid, schema, name, relkind, relfilenode, tablespace, persistence, toastRelid, replicaIdentity, identityKey,
            primaryKey, columns, rowEstimate, 0);
    }

    /** A table whose number of rows is not known. */
    public TableInfo(long oid, String schema, String name, char relkind, long relfilenode, long tablespace,
                     char persistence, long toastRelid, char replicaIdentity, List<Integer> identityKey,
                     List<Integer> primaryKey, List<ColumnInfo> columns) {
        this(oid, schema, name, relkind, relfilenode, tablespace, persistence, toastRelid, replicaIdentity, identityKey,
            primaryKey, columns, -1, 0);
    }

    public TableInfo {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
        identityKey = List.copyOf(identityKey);
        primaryKey = List.copyOf(primaryKey);
        columns = List.copyOf(columns);
    }

    /** This relation with {@link #catalogXmin()} set. */
    public TableInfo withCatalogXmin(long xmin) {
        return new TableInfo(oid, schema, name, relkind, relfilenode, tablespace, persistence, toastRelid,
            replicaIdentity, identityKey, primaryKey, columns, rowEstimate, partitionParent, xmin);
    }

    /** "schema.name" unquoted, for messages and filters. */
    public String qualifiedName() {
        return schema + "." + name;
    }

    /** The column with this attnum (1-based), or null. */
    public ColumnInfo column(int attnum) {
        int i = attnum - 1;
        if (i >= 0 && i < columns.size() && columns.get(i).attnum() == attnum) {
            return columns.get(i);
        }
        for (ColumnInfo c : columns) {
            if (c.attnum() == attnum) {
                return c;
            }
        }
        return null;
    }

    /**
     * A table of pg_catalog or information_schema (not a TOAST table): whose row changes are what
     * DDL wrote, noise when mining data.
     */
    public boolean isSystemCatalog() {
        return relkind != 't' && (schema.equals("pg_catalog") || schema.equals("information_schema"));
    }
}
