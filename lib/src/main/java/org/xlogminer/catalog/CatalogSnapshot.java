package org.xlogminer.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What xlogminer needs to know of one database to turn WAL into rows: its tables, their columns
 * and the types those columns use, as they were at {@link #captureLsn()}. Captured from a live
 * server over a read-only JDBC session, saved as portable JSON, loaded by the miner.
 *
 * <p>Maps WAL relations (tablespace, database, relfilenode) to tables. Immutable and thread-safe.
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
 */
public record CatalogSnapshot(long systemIdentifier, int serverVersionNum, String serverVersion, long databaseOid,
                              String databaseName, long defaultTablespace, int timeline, long captureLsn,
                              Instant capturedAt, List<TableInfo> tables, Map<Long, TypeInfo> types) {

    public CatalogSnapshot {
        Objects.requireNonNull(serverVersion, "serverVersion");
        Objects.requireNonNull(databaseName, "databaseName");
        tables = List.copyOf(tables);
        types = Map.copyOf(types);
    }

    /** The major version, e.g. 15. */
    public int major() {
        return serverVersionNum / 10000;
    }
}
