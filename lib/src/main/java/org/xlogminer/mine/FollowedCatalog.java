package org.xlogminer.mine;

import java.util.AbstractMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.catalog.TypeInfo;
import org.xlogminer.catalog.timeline.CatalogChange;
import org.xlogminer.catalog.timeline.CatalogCommit;
import org.xlogminer.catalog.timeline.CatalogTimeline;
import org.xlogminer.catalog.timeline.CatalogRow;
import org.xlogminer.catalog.timeline.CatalogState;
import org.xlogminer.catalog.timeline.SchemaDiff;
import org.xlogminer.event.SchemaChange;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.TransactionInfo;

/**
 * The catalog the mining thread decodes under, moved along the WAL: the snapshot it started from,
 * changed by each committed (or committing) transaction's own row changes of the followed system
 * catalogs as they are decoded ({@link #accept}), so that a transaction's later records are read
 * under its earlier catalog changes (CREATE TABLE then INSERT) and every later transaction under all
 * of them. Changes committed before the snapshot's capture LSN are in it already and are passed by.
 *
 * <p>The lookups are the snapshot's ({@link CatalogSnapshot#tableByRelfilenode}, open addressing, no
 * allocation); when nothing changed, {@link #current()} is a field read. After a change the snapshot
 * is made again at the next lookup, once per run of catalog changes.
 *
 * <p>A fixed one ({@link #fixed}) never moves: the decoder of an AsyncChangeHandler's thread gets one
 * of the state at the time. Not thread-safe: the mining thread's alone (a fixed one is immutable).
 */
final class FollowedCatalog {

    private CatalogState state;
    private long startLsn;
    private final boolean quiet;
    /** Snapshots captured later than the one followed, by capture LSN: each takes over from there. */
    private final java.util.ArrayDeque<CatalogSnapshot> later = new java.util.ArrayDeque<>();
    /** Type changes of the states left behind, and one per take-over: formatters are chosen again. */
    private int typeChangesBefore;
    /** The snapshots followed (the first, and each that took over), and the commits applied to them. */
    private final List<CatalogSnapshot> followedSnapshots = new java.util.ArrayList<>();
    private final List<CatalogCommit> commits = new java.util.ArrayList<>();
    private final List<CatalogChange> pending = new java.util.ArrayList<>();
    private long pendingLsn;
    private long pendingXid;
    private final Map<Long, String> unknownBefore = new java.util.LinkedHashMap<>();
    private CatalogSnapshot current;
    private boolean dirty;
    private long lastLsn;
    /** The catalog before the transaction being decoded, and the tables its transient relations rewrote. */
    private CatalogSnapshot beforeTransaction;
    private final Set<Long> rewritten = new HashSet<>();

    private FollowedCatalog(CatalogSnapshot start, boolean moving, boolean quiet) {
        this.quiet = quiet;
        this.current = start;
        this.state = moving ? new CatalogState(start) : null;
        this.startLsn = start.captureLsn();
        followedSnapshots.add(start);
    }

    /**
     * Snapshots captured later than the start (others are passed by): from its capture LSN on, each
     * is the catalog, and the changes committed from there are applied to it.
     */
    void takeOverAt(List<CatalogSnapshot> snapshots) {
        List<CatalogSnapshot> sorted = new java.util.ArrayList<>(snapshots);
        sorted.sort((a, b) -> Long.compareUnsigned(a.captureLsn(), b.captureLsn()));
        for (CatalogSnapshot s : sorted) {
            if (state != null && Long.compareUnsigned(s.captureLsn(), startLsn) > 0) {
                later.add(s);
            }
        }
    }

    /**
     * A transaction committed at {@code commitLsn} is about to be decoded: a later snapshot captured
     * at or before it takes over (the changes before its capture are in it). One compare when none.
     */
    boolean passing(long commitLsn) {
        boolean took = false;
        while (!later.isEmpty() && Long.compareUnsigned(later.peekFirst().captureLsn(), commitLsn) <= 0) {
            CatalogSnapshot s = later.pollFirst();
            flushCommit();
            typeChangesBefore += state.typeChanges() + 1;
            unknownBefore.putAll(state.unknownHistory());
            state = new CatalogState(s);
            startLsn = s.captureLsn();
            current = s;
            dirty = false;
            followedSnapshots.add(s);
            took = true;
        }
        return took;
    }

    /**
     * A catalog moved along the WAL from this snapshot.
     *
     * @param quiet the system catalogs' rows are decoded only to move it: types their columns use
     *              that cannot be decoded are not worth a warning
     */
    static FollowedCatalog from(CatalogSnapshot start, boolean quiet) {
        return new FollowedCatalog(start, true, quiet);
    }

    /** A catalog that stays this snapshot. */
    static FollowedCatalog fixed(CatalogSnapshot s) {
        return new FollowedCatalog(s, false, false);
    }

    /** Whether undecodable types of the system catalogs' columns go unreported. */
    boolean quiet() {
        return quiet;
    }

    /** The catalog as of now. */
    CatalogSnapshot current() {
        if (dirty) {
            current = state.snapshot(lastLsn);
            dirty = false;
        }
        return current;
    }

    /**
     * Applies a decoded change of the transaction committed at {@code commitLsn} when it is one to a
     * followed catalog (and the start snapshot does not hold it already); returns whether it was one.
     */
    boolean accept(RowChange change, long commitLsn) {
        CatalogChange c = CatalogChange.of(change);
        if (c == null) {
            return false;
        }
        if (state != null && Long.compareUnsigned(commitLsn, startLsn) >= 0) {
            for (CatalogRow r : new CatalogRow[] {c.before(), c.after()}) {
                if (c.catalog().equals("pg_class") && r != null && r.known("relrewrite") && r.number("relrewrite") != 0) {
                    rewritten.add(r.number("relrewrite"));
                }
            }
            state.apply(c);
            dirty = true;
            lastLsn = commitLsn;
            if (pendingLsn != commitLsn) {
                flushCommit();
                pendingLsn = commitLsn;
                pendingXid = change.source().xid();
            }
            pending.add(c);
        }
        return true;
    }

    /** A transaction that may change the catalog is about to be decoded. */
    void beginTransaction() {
        beforeTransaction = current();
        rewritten.clear();
    }

    /** The schema changes of the transaction decoded since {@link #beginTransaction()}. */
    List<SchemaChange> schemaChanges(TransactionInfo tx) {
        return SchemaDiff.between(beforeTransaction, current(), tx.commitLsn(), tx.xid(), rewritten);
    }

    /** How many times types or enum labels changed: formatters chosen before a change may be stale. */
    int typeChanges() {
        return state == null ? 0 : typeChangesBefore + state.typeChanges();
    }

    private void flushCommit() {
        if (!pending.isEmpty()) {
            commits.add(new CatalogCommit(pendingLsn, pendingXid, pending));
            pending.clear();
        }
    }

    /**
     * The catalog as of every LSN read so far: the snapshots followed and the catalog changes
     * committed after each; null for a fixed catalog.
     */
    CatalogTimeline timeline() {
        if (state == null) {
            return null;
        }
        flushCommit();
        return CatalogTimeline.build(followedSnapshots, commits);
    }

    /** Relations and types whose history the WAL read did not tell, with why. */
    Map<Long, String> unknownHistory() {
        if (state == null) {
            return Map.of();
        }
        if (unknownBefore.isEmpty()) {
            return state.unknownHistory();
        }
        Map<Long, String> all = new java.util.LinkedHashMap<>(unknownBefore);
        state.unknownHistory().forEach(all::putIfAbsent);
        return all;
    }

    /**
     * Whether a later snapshot captured at or before {@code lsn} (-1: any) knows the relation: a row
     * change of it, read before that snapshot takes over (at the release of a transaction committed
     * after its capture), is to be kept and looked up again where it is decoded.
     */
    boolean knownLater(long lsn, long tablespace, long database, long relfilenode) {
        for (CatalogSnapshot s : later) {
            if (lsn != -1L && Long.compareUnsigned(s.captureLsn(), lsn) > 0) {
                break;
            }
            if (s.tableByRelfilenode(tablespace, database, relfilenode) != null) {
                return true;
            }
        }
        return false;
    }

    TableInfo tableByRelfilenode(long tablespace, long database, long relfilenode) {
        return current().tableByRelfilenode(tablespace, database, relfilenode);
    }

    TableInfo tableByOid(long oid) {
        return current().tableByOid(oid);
    }

    long databaseOid() {
        return current.databaseOid();
    }

    Map<Long, TypeInfo> types() {
        return current().types();
    }

    /**
     * The types as of whenever a type is looked up, not as of now: formatters chosen through it know a
     * type created earlier in the transaction being decoded (CREATE TYPE, then a table using it).
     */
    Map<Long, TypeInfo> liveTypes() {
        return new AbstractMap<>() {
            @Override
            public TypeInfo get(Object oid) {
                return current().types().get(oid);
            }

            @Override
            public Set<Entry<Long, TypeInfo>> entrySet() {
                return current().types().entrySet();
            }
        };
    }

    int major() {
        return current.major();
    }
}
