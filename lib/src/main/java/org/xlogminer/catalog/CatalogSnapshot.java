package org.xlogminer.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.xlogminer.event.TableName;
import org.xlogminer.wal.CatalogMismatchException;

/**
 * What xlogminer needs to know of one database to turn WAL into rows: its tables, their columns
 * and the types those columns use, as they were at {@link #captureLsn()}. Captured from a live
 * server over a read-only JDBC session, saved as portable JSON, loaded by the miner.
 *
 * <p>Maps WAL relations (tablespace, database, relfilenode) to tables. Immutable and thread-safe;
 * the lookups ({@link #tableByRelfilenode}, {@link #tableByOid}, {@link #table(String)}) use a
 * {@link CatalogIndex} built on first use and allocate nothing.
 *
 * @param systemIdentifier the cluster's system identifier (pg_control_system()); WAL of another
 *                         cluster is refused
 * @param serverVersionNum server_version_num, e.g. 150018
 * @param serverVersion    server_version, e.g. "15.18"
 * @param databaseOid      OID of the database the snapshot describes
 * @param databaseName     its name
 * @param defaultTablespace OID of the database's default tablespace (pg_database.dattablespace),
 *                         which WAL names where pg_class.reltablespace is 0
 * @param timeline         timeline at capture
 * @param captureLsn       pg_current_wal_insert_lsn() inside the capturing transaction
 * @param capturedAt       server time of the capture
 * @param tables           every table, partition, materialized view and TOAST table
 * @param types            every type a column uses (and their element, base, subtype and
 *                         attribute types), by OID
 * @param namespaces       pg_namespace: every schema's name by OID (what pg_class and pg_type rows
 *                         name their schema by, for catalog changes read from the WAL); empty in
 *                         snapshots written before it was captured
 */
public record CatalogSnapshot(long systemIdentifier, int serverVersionNum, String serverVersion, long databaseOid,
                              String databaseName, long defaultTablespace, int timeline, long captureLsn,
                              Instant capturedAt, List<TableInfo> tables, Map<Long, TypeInfo> types,
                              Map<Long, String> namespaces) {

    /** OID of pg_global, the tablespace of shared catalogs (GLOBALTABLESPACE_OID). */
    public static final long GLOBAL_TABLESPACE = 1664;

    public CatalogSnapshot {
        Objects.requireNonNull(serverVersion, "serverVersion");
        Objects.requireNonNull(databaseName, "databaseName");
        tables = TableList.copyOf(tables);
        types = Map.copyOf(types);
        namespaces = Map.copyOf(namespaces);
    }

    /** A snapshot that does not know the schemas' OIDs (as one written before they were captured). */
    public CatalogSnapshot(long systemIdentifier, int serverVersionNum, String serverVersion, long databaseOid,
                           String databaseName, long defaultTablespace, int timeline, long captureLsn,
                           Instant capturedAt, List<TableInfo> tables, Map<Long, TypeInfo> types) {
        this(systemIdentifier, serverVersionNum, serverVersion, databaseOid, databaseName, defaultTablespace,
            timeline, captureLsn, capturedAt, tables, types, Map.of());
    }

    /** The major version, e.g. 15. */
    public int major() {
        return serverVersionNum / 10000;
    }

    /** The lookup maps over {@link #tables()}, built on first use. */
    public CatalogIndex index() {
        return ((TableList) tables).index();
    }

    /**
     * The table a WAL block reference names, or null when it is not one of this snapshot's (another
     * database, an index, a sequence, a relation created after the capture).
     *
     * @param tablespace  the block reference's spcOid
     * @param database    its dbOid: {@link #databaseOid()}, or 0 for shared catalogs (which live in
     *                    {@link #GLOBAL_TABLESPACE})
     * @param relfilenode its relNumber
     */
    public TableInfo tableByRelfilenode(long tablespace, long database, long relfilenode) {
        boolean shared = tablespace == GLOBAL_TABLESPACE;
        if (database != (shared ? 0 : databaseOid)) {
            return null;
        }
        return index().byRelfilenode(tablespace, relfilenode);
    }

    /** The table with this pg_class OID, or null. */
    public TableInfo tableByOid(long oid) {
        return index().byOid(oid);
    }

    /** The table named {@code "schema.name"} (unquoted, exact case, as {@link TableInfo#qualifiedName()}), or null. */
    public TableInfo table(String qualifiedName) {
        return index().byQualifiedName(qualifiedName);
    }

    /**
     * The root partitioned table of a partition of this snapshot, as of its capture: its
     * {@linkplain TableInfo#partitionParent() parents} followed up to the top (multi-level
     * partitioning); null for a relation that is not a partition (an inheritance child is not one),
     * or whose parents the snapshot does not all know. One field read for a relation that is not a
     * partition; else a lookup in the index, whose roots are worked out once per snapshot.
     */
    public TableName partitionRoot(TableInfo table) {
        return table.partitionParent() == 0 ? null : index().partitionRoot(table.oid());
    }

    /** The type with this OID, or null. */
    public TypeInfo type(long oid) {
        return types.get(oid);
    }

    /**
     * Checks that WAL with this system identifier (from a segment's long page header) is of the
     * cluster this snapshot was captured from.
     *
     * @param walSystemIdentifier xlp_sysid of the WAL
     * @param segment             the segment it was read from, for the message (may be null)
     * @throws CatalogMismatchException naming both identifiers when they differ
     */
    public void checkMatches(long walSystemIdentifier, String segment) {
        if (walSystemIdentifier != systemIdentifier) {
            throw new CatalogMismatchException("catalog is of another cluster: system identifier "
                + Long.toUnsignedString(systemIdentifier) + ", the WAL's is "
                + Long.toUnsignedString(walSystemIdentifier), segment, 0);
        }
    }
}
