package org.xlogminer.catalog.timeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.event.SchemaChange;

/**
 * The catalog as of every LSN of a range: one or more {@link CatalogSnapshot}s moved along the
 * committed changes of the system catalogs' own rows ({@link CatalogCommit}s, as a
 * {@link CatalogChangeCollector} gathers them from the WAL). Each snapshot is true from its
 * {@code captureLsn}: from there it is moved forward, applying each later commit in commit order,
 * up to the next snapshot's capture; the first one is also moved backward, undoing each earlier
 * commit newest first (which needs each change's old row: at wal_level=replica the miner recovers
 * it from the tracked pages). Each commit that changed the catalog starts a new state, held from
 * its commit LSN; {@link #at} finds the state of an LSN with one floor lookup.
 *
 * <p>The {@link SchemaChange}s are the differences between each commit's state and the one before
 * ({@link SchemaDiff}). Relations whose history the WAL read does not tell (a row change whose rows
 * are not recovered) are listed in {@link #unknownHistory()}: their states are not to be trusted.
 *
 * <p>Immutable once built; thread-safe.
 */
public final class CatalogTimeline {

    /** The states by the LSN from which each holds; the earliest by 0. */
    private final TreeMap<Long, CatalogSnapshot> states;
    private final List<SchemaChange> events;
    private final Map<Long, String> unknownHistory;

    private CatalogTimeline(TreeMap<Long, CatalogSnapshot> states, List<SchemaChange> events,
                            Map<Long, String> unknownHistory) {
        this.states = states;
        this.events = List.copyOf(events);
        this.unknownHistory = Map.copyOf(unknownHistory);
    }

    /**
     * The timeline of these snapshots (any order, at least one) and the catalog changes of the
     * transactions committed around them (in commit order).
     */
    public static CatalogTimeline build(List<CatalogSnapshot> snapshots, List<CatalogCommit> commits) {
        if (snapshots.isEmpty()) {
            throw new IllegalArgumentException("a timeline needs a snapshot");
        }
        List<CatalogSnapshot> sorted = new ArrayList<>(snapshots);
        sorted.sort(Comparator.comparingLong(CatalogSnapshot::captureLsn));
        TreeMap<Long, CatalogSnapshot> states = new TreeMap<>(Long::compareUnsigned);
        TreeMap<Long, List<SchemaChange>> events = new TreeMap<>(Long::compareUnsigned);
        Map<Long, String> unknown = new LinkedHashMap<>();
        int next = backward(sorted.get(0), commits, states, events, unknown);
        for (int i = 0; i < sorted.size(); i++) {
            long until = i + 1 < sorted.size() ? sorted.get(i + 1).captureLsn() : -1L;
            next = forward(sorted.get(i), commits, next, until, states, events, unknown);
        }
        List<SchemaChange> all = new ArrayList<>();
        events.values().forEach(all::addAll);
        return new CatalogTimeline(states, all, unknown);
    }

    /** Undoes the commits before the snapshot's capture, newest first; returns the index of the first after. */
    private static int backward(CatalogSnapshot s, List<CatalogCommit> commits, TreeMap<Long, CatalogSnapshot> states,
                                TreeMap<Long, List<SchemaChange>> events, Map<Long, String> unknown) {
        int first = 0;
        while (first < commits.size() && Long.compareUnsigned(commits.get(first).commitLsn(), s.captureLsn()) < 0) {
            first++;
        }
        CatalogState state = new CatalogState(s);
        CatalogSnapshot later = s;
        for (int i = first - 1; i >= 0; i--) {
            CatalogCommit c = commits.get(i);
            List<CatalogChange> changes = c.changes();
            for (int j = changes.size() - 1; j >= 0; j--) {
                state.undo(changes.get(j));
            }
            long from = i > 0 ? commits.get(i - 1).commitLsn() : 0;
            CatalogSnapshot earlier = state.snapshot(from);
            states.put(c.commitLsn(), later);
            events.put(c.commitLsn(), SchemaDiff.between(earlier, later, c, rewritten(c)));
            later = earlier;
        }
        states.put(0L, later);
        unknown.putAll(state.unknownHistory());
        return first;
    }

    /**
     * Applies the commits from index {@code next} that lie before {@code until} (-1: all) to the
     * snapshot, in commit order; returns the index of the first commit not applied.
     */
    private static int forward(CatalogSnapshot s, List<CatalogCommit> commits, int next, long until,
                               TreeMap<Long, CatalogSnapshot> states, TreeMap<Long, List<SchemaChange>> events,
                               Map<Long, String> unknown) {
        if (!states.isEmpty() && Long.compareUnsigned(s.captureLsn(), states.firstKey()) > 0) {
            states.put(s.captureLsn(), s); // a later snapshot takes over from its capture
        }
        CatalogState state = new CatalogState(s);
        CatalogSnapshot earlier = s;
        int i = next;
        for (; i < commits.size(); i++) {
            CatalogCommit c = commits.get(i);
            if (until != -1L && Long.compareUnsigned(c.commitLsn(), until) >= 0) {
                break;
            }
            for (CatalogChange change : c.changes()) {
                state.apply(change);
            }
            CatalogSnapshot later = state.snapshot(c.commitLsn());
            states.put(c.commitLsn(), later);
            events.put(c.commitLsn(), SchemaDiff.between(earlier, later, c, rewritten(c)));
            earlier = later;
        }
        unknown.putAll(state.unknownHistory());
        return i;
    }

    /** The tables a commit rewrote: those its transient relations' pg_class.relrewrite names. */
    private static Set<Long> rewritten(CatalogCommit c) {
        Set<Long> oids = new HashSet<>();
        for (CatalogChange change : c.changes()) {
            if (change.catalog().equals("pg_class")) {
                for (CatalogRow r : new CatalogRow[] {change.before(), change.after()}) {
                    if (r != null && r.known("relrewrite") && r.number("relrewrite") != 0) {
                        oids.add(r.number("relrewrite"));
                    }
                }
            }
        }
        return oids;
    }

    /** The catalog as of {@code lsn}: the state of the last commit at or before it (or the earliest). */
    public CatalogSnapshot at(long lsn) {
        var e = states.floorEntry(lsn);
        return e != null ? e.getValue() : states.firstEntry().getValue();
    }

    /** The newest state known: what the database is now, as far as the WAL read and the snapshots tell. */
    public CatalogSnapshot newest() {
        return states.lastEntry().getValue();
    }

    /** The earliest state: the catalog before the first commit that changed it. */
    public CatalogSnapshot earliest() {
        return states.firstEntry().getValue();
    }

    /** The LSNs from which a new state holds (0 for the earliest), ascending. */
    public List<Long> changeLsns() {
        return List.copyOf(states.keySet());
    }

    /** The schema changes, in commit order. */
    public List<SchemaChange> events() {
        return events;
    }

    /** OIDs of relations (or types) whose history the WAL read does not tell, with why. */
    public Map<Long, String> unknownHistory() {
        return unknownHistory;
    }
}
