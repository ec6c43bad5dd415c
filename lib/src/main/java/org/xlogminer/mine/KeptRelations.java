package org.xlogminer.mine;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.catalog.timeline.CatalogChange;

/**
 * Which relations' row changes are kept: those of the catalog's database that the catalog knows
 * (tables and their TOAST tables), system catalogs only when asked for. Row records of other
 * databases and of relations the catalog does not know are counted, within the range asked for,
 * for the {@link Miner.MiningSummary}. The same rule tells the {@link org.xlogminer.page.PageTracker}
 * which pages to track.
 *
 * <p>With values, the rows of the followed system catalogs ({@link CatalogChange#FOLLOWED}) are
 * kept too, whatever is asked: they move the {@link FollowedCatalog} the tables are looked up in.
 * While a transaction that changed them is open, a row change of a relation not (yet) known is kept
 * {@link #PROVISIONAL}ly: the transaction's own catalog changes may make it known (CREATE TABLE, then
 * INSERT; TRUNCATE, then INSERT); where it is decoded, under those changes, it is looked up again.
 * So is one of a relation that a later snapshot, captured before the change, knows: that snapshot
 * takes over before the change's transaction is decoded.
 *
 * <p>Not thread-safe: the mining thread's alone.
 */
final class KeptRelations {

    /** What {@link #kept} gives for a relation unknown while a transaction that changed the catalog is open. */
    static final TableInfo PROVISIONAL = new TableInfo(0, "", "", '?', 0, 0, 'p', 0, 'n', List.of(), List.of(),
        List.of());
    /** FirstNormalObjectId: OIDs below are the system's own (transam.h). */
    static final long FIRST_NORMAL_OBJECT_ID = 16384;

    private final FollowedCatalog catalog;
    private final long fromLsn;
    private final boolean includeSystemCatalogs;
    private final boolean followCatalogs;
    private final boolean values;
    /** (Sub)transactions with kept row changes of followed catalogs, not ended yet. */
    private final Set<Integer> catalogXids = new HashSet<>();
    private final TreeMap<String, Long> unknownRelations = new TreeMap<>();
    private final TreeMap<Long, Long> otherDatabases = new TreeMap<>();
    private long ownDatabaseRecords;

    /** Relations of a catalog that stays as it is; system catalogs kept only when asked. */
    KeptRelations(CatalogSnapshot catalog, long fromLsn, boolean includeSystemCatalogs) {
        this(FollowedCatalog.fixed(catalog), fromLsn, includeSystemCatalogs, false);
    }

    /**
     * @param followCatalogs keep the followed catalogs' rows whatever {@code includeSystemCatalogs}
     *                       says (they are then decoded to move {@code catalog})
     */
    KeptRelations(FollowedCatalog catalog, long fromLsn, boolean includeSystemCatalogs, boolean followCatalogs) {
        this(catalog, fromLsn, includeSystemCatalogs, followCatalogs, true);
    }

    /**
     * @param followCatalogs keep the followed catalogs' rows whatever {@code includeSystemCatalogs}
     *                       says (they are then decoded to move {@code catalog})
     * @param values         whether values are decoded: else only the followed catalogs' pages are
     *                       tracked (the other rows are counted, never read from a page)
     */
    KeptRelations(FollowedCatalog catalog, long fromLsn, boolean includeSystemCatalogs, boolean followCatalogs,
                  boolean values) {
        this.values = values;
        this.catalog = catalog;
        this.fromLsn = fromLsn;
        this.includeSystemCatalogs = includeSystemCatalogs;
        this.followCatalogs = followCatalogs;
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
            if (!catalogXids.isEmpty() || catalog.knownLater(lsn, spc, db, rel)) {
                return PROVISIONAL; // known once its transaction's catalog changes, or a later snapshot, hold
            }
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
        if (!values) {
            return t != null && t.oid() < FIRST_NORMAL_OBJECT_ID && followCatalogs
                && CatalogChange.followed(t.schema(), t.name());
        }
        return t != null ? wanted(t) : !catalogXids.isEmpty() || catalog.knownLater(-1L, spc, db, rel);
    }

    /**
     * Notes a kept row change of a table with a system OID by (sub)transaction {@code xid}; returns
     * whether it is one of a followed catalog (the transaction then moves the catalog when decoded).
     */
    boolean catalogChange(int xid, TableInfo t) {
        if (followCatalogs && CatalogChange.followed(t.schema(), t.name())) {
            catalogXids.add(xid);
            return true;
        }
        return false;
    }

    /** A transaction and its subtransactions ended; whether any of them changed a followed catalog. */
    boolean catalogTransactionEnded(int xid, int[] subxids, int n) {
        if (catalogXids.isEmpty()) {
            return false;
        }
        boolean any = catalogXids.remove(xid);
        for (int i = 0; i < n; i++) {
            any |= catalogXids.remove(subxids[i]);
        }
        return any;
    }

    /** Whether a table of the catalog is mined: any but a system catalog, and those too when asked. */
    private boolean wanted(TableInfo t) {
        return includeSystemCatalogs || !t.isSystemCatalog()
            || followCatalogs && CatalogChange.followed(t.schema(), t.name());
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
