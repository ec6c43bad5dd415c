package org.xlogminer.mine;

import java.util.Map;
import java.util.TreeMap;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.TableInfo;

/**
 * Which relations' row changes are kept: those of the catalog's database that the catalog knows
 * (tables and their TOAST tables), system catalogs only when asked for. Row records of other
 * databases and of relations the catalog does not know are counted, within the range asked for,
 * for the {@link Miner.MiningSummary}. The same rule tells the {@link org.xlogminer.page.PageTracker}
 * which pages to track.
 *
 * <p>Not thread-safe: the mining thread's alone.
 */
final class KeptRelations {

    private final CatalogSnapshot catalog;
    private final long fromLsn;
    private final boolean includeSystemCatalogs;
    private final TreeMap<String, Long> unknownRelations = new TreeMap<>();
    private final TreeMap<Long, Long> otherDatabases = new TreeMap<>();
    private long ownDatabaseRecords;

    KeptRelations(CatalogSnapshot catalog, long fromLsn, boolean includeSystemCatalogs) {
        this.catalog = catalog;
        this.fromLsn = fromLsn;
        this.includeSystemCatalogs = includeSystemCatalogs;
    }

    /** The OID of the database whose changes are mined. */
    long databaseOid() {
        return catalog.databaseOid();
    }

    /**
     * The table of a row change at {@code lsn} to relation (spcId, dbId, relId), as a block reference
     * holds them (signed ints), when it is kept; else null, and the record is counted when it lies at
     * or after the start LSN.
     */
    TableInfo kept(long lsn, int spcId, int dbId, int relId) {
        long db = Integer.toUnsignedLong(dbId);
        boolean counted = Long.compareUnsigned(lsn, fromLsn) >= 0; // counts speak of the range asked for
        if (db != catalog.databaseOid()) {
            if (db != 0 && counted) {
                otherDatabases.merge(db, 1L, Long::sum);
            }
            return null;
        }
        if (counted) {
            ownDatabaseRecords++;
        }
        long spc = Integer.toUnsignedLong(spcId);
        long rel = Integer.toUnsignedLong(relId);
        TableInfo t = catalog.tableByRelfilenode(spc, db, rel);
        if (t == null) {
            if (counted) {
                unknownRelations.merge(spc + "/" + db + "/" + rel, 1L, Long::sum);
            }
            return null;
        }
        return wanted(t) ? t : null;
    }

    /** Whether the pages of a relation are tracked: those whose changes {@link #kept} keeps. Counts nothing. */
    boolean tracked(long spc, long db, long rel) {
        if (db != catalog.databaseOid()) {
            return false;
        }
        TableInfo t = catalog.tableByRelfilenode(spc, db, rel);
        return t != null && wanted(t);
    }

    /** Whether a table of the catalog is mined: any but a system catalog, and those too when asked. */
    private boolean wanted(TableInfo t) {
        return includeSystemCatalogs || !isSystemCatalog(t);
    }

    /** pg_catalog and information_schema tables: DDL's own row changes, noise when mining data. */
    private static boolean isSystemCatalog(TableInfo t) {
        return t.relkind() != 't' && (t.schema().equals("pg_catalog") || t.schema().equals("information_schema"));
    }

    /** A copy of "spc/db/relfilenode" of the unknown relations of the catalog's database, with counts. */
    Map<String, Long> unknownRelations() {
        return new TreeMap<>(unknownRelations);
    }

    /** A copy of the OIDs of other databases whose row records were passed by, with counts. */
    Map<Long, Long> otherDatabases() {
        return new TreeMap<>(otherDatabases);
    }

    /** Row records of the catalog's database read, within the range. */
    long ownDatabaseRecords() {
        return ownDatabaseRecords;
    }
}
