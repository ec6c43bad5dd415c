package org.xlogminer.catalog.timeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.catalog.TypeInfo;
import org.xlogminer.catalog.timeline.CatalogRows.ClassRow;
import org.xlogminer.catalog.timeline.CatalogRows.EnumRow;
import org.xlogminer.catalog.timeline.CatalogRows.IndexRow;

/**
 * The catalog being moved along the WAL: the rows of the followed system catalogs that make up a
 * {@link CatalogSnapshot}'s tables and types, started from a snapshot, changed by
 * {@linkplain #apply applying} committed catalog row changes (forward in time) or
 * {@linkplain #undo undoing} them (backward), and turned back into a snapshot as of any point
 * ({@link #snapshot}). A change is a row removed (its key taken from the row before, or after) and a
 * row added; undoing swaps the two rows.
 *
 * <p>What a snapshot does not hold by row is kept by what it holds: index OIDs are not captured, so
 * a table's primary key and replica-identity index stand as index rows of made-up keys until the
 * WAL names their real ones; a mapped catalog's relfilenode (0 in pg_class) is the snapshot's. A row
 * the WAL read did not recover (an old row whose page was not tracked) changes nothing: its
 * relation's (or type's) history is then {@linkplain #unknownHistory() unknown}, never guessed.
 *
 * <p>Not thread-safe.
 */
public final class CatalogState {

    private final CatalogSnapshot base;
    private final Map<Long, ClassRow> classes = new HashMap<>();
    private final Map<Long, TreeMap<Integer, ColumnInfo>> attributes = new HashMap<>();
    /** By indexrelid; made-up keys (below 0) for the snapshot's keys, whose index OIDs it lacks. */
    private final Map<Long, IndexRow> indexes = new HashMap<>();
    private final Map<Long, String> namespaces;
    private final Map<Long, TypeInfo> types;
    private final Map<Long, EnumRow> enums = new HashMap<>();
    private final Map<Long, Long> mappedFilenodes = new HashMap<>();
    /**
     * pg_inherits.inhparent by inhrelid, of the rows of inhseqno 1: a partition's parent (it has that
     * one row). The snapshot gives its partitions'; the WAL adds any, inheritance children's too,
     * which count only while pg_class says relispartition.
     */
    private final Map<Long, Long> parents = new HashMap<>();
    /** The tables as last built, by OID; {@link #dirty} ones are built again at the next snapshot. */
    private final TreeMap<Long, TableInfo> tables = new TreeMap<>();
    private final Set<Long> dirty = new HashSet<>();
    private final Map<Long, String> unknownHistory = new LinkedHashMap<>();
    private int typeChanges;

    /** The state of this snapshot. */
    public CatalogState(CatalogSnapshot s) {
        this.base = s;
        this.namespaces = new HashMap<>(s.namespaces());
        this.types = new HashMap<>(s.types());
        Map<String, Long> namespaceOids = new HashMap<>();
        s.namespaces().forEach((oid, name) -> namespaceOids.put(name, oid));
        for (TableInfo t : s.tables()) {
            classes.put(t.oid(), new ClassRow(t.oid(), t.name(), namespaceOids.getOrDefault(t.schema(), 0L), t.schema(),
                t.relkind(), t.relfilenode(), t.tablespace(), t.persistence(), t.toastRelid(), t.replicaIdentity(), 0,
                t.partitionParent() != 0));
            if (t.partitionParent() != 0) {
                parents.put(t.oid(), t.partitionParent());
            }
            mappedFilenodes.put(t.oid(), t.relfilenode());
            TreeMap<Integer, ColumnInfo> cs = new TreeMap<>();
            for (ColumnInfo c : t.columns()) {
                cs.put(c.attnum(), c);
            }
            attributes.put(t.oid(), cs);
            if (!t.primaryKey().isEmpty()) {
                indexes.put(-2 * t.oid(), new IndexRow(t.oid(), true, false, t.primaryKey()));
            }
            if (t.replicaIdentity() == 'i') {
                indexes.put(-2 * t.oid() - 1, new IndexRow(t.oid(), false, true, t.identityKey()));
            }
            tables.put(t.oid(), t);
        }
        for (TypeInfo t : s.types().values()) {
            t.enumLabels().forEach((oid, label) -> enums.put(oid, new EnumRow(oid, t.oid(), label)));
        }
    }

    /** Applies a committed change: the state as it is after it. */
    public void apply(CatalogChange c) {
        change(c.catalog(), c.before(), c.after(), c.lsn());
    }

    /** Undoes a committed change: the state as it was before it. */
    public void undo(CatalogChange c) {
        change(c.catalog(), c.after(), c.before(), c.lsn());
    }

    /** Replaces row {@code from} (null: none) by row {@code to} (null: none). */
    private void change(String catalog, CatalogRow from, CatalogRow to, long lsn) {
        String[] required = CatalogRows.required(catalog);
        if (required == null) {
            return;
        }
        String key = CatalogRows.keyColumn(catalog);
        CatalogRow keyed = from != null && from.known(key) ? from : to != null && to.known(key) ? to : null;
        boolean attribute = catalog.equals("pg_attribute");
        if (keyed == null || to != null && !to.known(required)
            || attribute && !(from != null && from.known("attnum") || to != null && to.known("attnum"))) {
            long owner = Math.max(CatalogRows.owner(catalog, from), CatalogRows.owner(catalog, to));
            unknownHistory.putIfAbsent(owner, catalog + " row of " + (owner < 0 ? "an unknown relation" : owner)
                + " at " + org.xlogminer.wal.Lsn.format(lsn) + ": the " + (to == null || to.known(required)
                ? "changed" : "earlier") + " row is not in the WAL read");
            return;
        }
        long k = keyed.number(key);
        switch (catalog) {
            case "pg_class" -> classes(k, to);
            case "pg_attribute" -> attribute(k, (int) (from != null && from.known("attnum") ? from : to)
                .number("attnum"), to);
            case "pg_index" -> index(k, from, to);
            case "pg_type" -> type(k, to);
            case "pg_enum" -> enumLabel(k, to);
            case "pg_namespace" -> namespace(k, to);
            case "pg_inherits" -> inherits(k, from, to);
            default -> { }
        }
    }

    private void classes(long oid, CatalogRow to) {
        if (to == null) {
            classes.remove(oid);
        } else {
            classes.put(oid, ClassRow.of(to));
        }
        dirty.add(oid);
    }

    /**
     * A child's first parent row replaced (ATTACH / DETACH PARTITION, CREATE TABLE ... PARTITION OF,
     * a table dropped); rows of a later inhseqno (multiple inheritance) name no partition's parent.
     */
    private void inherits(long inhrelid, CatalogRow from, CatalogRow to) {
        if (from != null && (!from.known("inhseqno") || from.number("inhseqno") == 1)) {
            parents.remove(inhrelid);
        }
        if (to != null && to.number("inhseqno") == 1) {
            parents.put(inhrelid, to.number("inhparent"));
        }
        dirty.add(inhrelid);
    }

    private void attribute(long relid, int attnum, CatalogRow to) {
        if (attnum <= 0) {
            return; // system columns
        }
        TreeMap<Integer, ColumnInfo> cs = attributes.computeIfAbsent(relid, r -> new TreeMap<>());
        if (to == null) {
            cs.remove(attnum);
        } else {
            cs.put(attnum, CatalogRows.column(to));
        }
        dirty.add(relid);
    }

    private void index(long indexrelid, CatalogRow from, CatalogRow to) {
        IndexRow old = indexes.remove(indexrelid);
        if (old == null && from != null && from.known(CatalogRows.INDEX)) {
            // an index the snapshot knew only as its table's key: drop the made-up row standing for it
            IndexRow f = IndexRow.of(from);
            indexes.remove(f.primary() ? -2 * f.indrelid() : -2 * f.indrelid() - 1);
            dirty.add(f.indrelid());
        }
        if (old != null) {
            dirty.add(old.indrelid());
        }
        if (to != null) {
            IndexRow row = IndexRow.of(to);
            indexes.put(indexrelid, row);
            dirty.add(row.indrelid());
        }
    }

    private void type(long oid, CatalogRow to) {
        typeChanges++;
        if (to == null) {
            types.remove(oid);
            return;
        }
        String schema = namespaces.getOrDefault(to.number("typnamespace"), "");
        TypeInfo was = types.get(oid);
        String name = to.text("typname");
        String sqlName = was != null && was.name().equals(name) && was.schema().equals(schema) ? was.sqlName()
            : sqlName(schema, name, to.number("typelem"), to.character("typcategory"));
        types.put(oid, new TypeInfo(oid, schema, name, sqlName, to.character("typtype"), to.character("typcategory"),
            (int) to.number("typlen"), to.bool("typbyval"), to.character("typalign"), to.number("typelem"),
            to.number("typarray"), to.number("typbasetype"), (int) to.number("typtypmod"), labels(oid),
            was != null ? was.attributes() : List.of(), was != null ? was.rangeSubtype() : 0));
    }

    /** format_type(oid, NULL) of a type the snapshot did not have, as far as its row tells it. */
    private String sqlName(String schema, String name, long element, char category) {
        TypeInfo e = types.get(element);
        if (category == 'A' && e != null) {
            return e.sqlName() + "[]";
        }
        return schema.equals("pg_catalog") ? name : org.xlogminer.sql.SqlText.qualifiedName(schema, name);
    }

    private void enumLabel(long oid, CatalogRow to) {
        EnumRow old = enums.remove(oid);
        if (to != null) {
            EnumRow row = EnumRow.of(to);
            enums.put(oid, row);
            relabel(row.type());
        }
        if (old != null) {
            relabel(old.type());
        }
    }

    private void relabel(long type) {
        typeChanges++;
        TypeInfo t = types.get(type);
        if (t != null) {
            types.put(type, new TypeInfo(t.oid(), t.schema(), t.name(), t.sqlName(), t.kind(), t.category(), t.len(),
                t.byval(), t.align(), t.elementOid(), t.arrayOid(), t.baseTypeOid(), t.baseTypmod(), labels(type),
                t.attributes(), t.rangeSubtype()));
        }
    }

    private Map<Long, String> labels(long type) {
        Map<Long, String> m = new HashMap<>();
        for (EnumRow e : enums.values()) {
            if (e.type() == type) {
                m.put(e.oid(), e.label());
            }
        }
        return m;
    }

    private void namespace(long oid, CatalogRow to) {
        if (to == null) {
            namespaces.remove(oid);
        } else {
            namespaces.put(oid, to.text("nspname"));
        }
        for (ClassRow c : classes.values()) {
            if (c.namespace() == oid) {
                dirty.add(c.oid());
            }
        }
    }

    /** How many times a type or an enum label changed so far: the formatters chosen before may be stale. */
    public int typeChanges() {
        return typeChanges;
    }

    /** The relations (or types) whose history is not known, with why. */
    public Map<Long, String> unknownHistory() {
        return unknownHistory;
    }

    /**
     * The state as a snapshot true at {@code lsn} (the base snapshot's header; its capture time is the
     * base's: the WAL does not tell one).
     */
    public CatalogSnapshot snapshot(long lsn) {
        for (Long oid : dirty) {
            TableInfo t = table(oid);
            if (t == null) {
                tables.remove(oid);
            } else {
                tables.put(oid, t);
            }
        }
        dirty.clear();
        return new CatalogSnapshot(base.systemIdentifier(), base.serverVersionNum(), base.serverVersion(),
            base.databaseOid(), base.databaseName(), base.defaultTablespace(), base.timeline(), lsn,
            base.capturedAt(), new ArrayList<>(tables.values()), types, namespaces);
    }

    /** The table of pg_class OID {@code oid} as the rows say, or null when it is not one a snapshot holds. */
    private TableInfo table(long oid) {
        ClassRow c = classes.get(oid);
        if (c == null || "rpmt".indexOf(c.relkind()) < 0 || c.persistence() == 't' || c.relrewrite() != 0) {
            return null; // not a relation with rows, another session's, or a rewrite's transient relation
        }
        String schema = namespaces.getOrDefault(c.namespace(), c.schema() != null ? c.schema() : "?" + c.namespace());
        long relfilenode = c.relfilenode() != 0 || c.relkind() == 'p' ? c.relfilenode()
            : mappedFilenodes.getOrDefault(oid, 0L);
        long tablespace = c.tablespace() == 0 ? base.defaultTablespace() : c.tablespace();
        List<Integer> pk = List.of();
        List<Integer> ri = List.of();
        for (IndexRow i : indexes.values()) {
            if (i.indrelid() == oid && i.primary()) {
                pk = i.key();
            }
            if (i.indrelid() == oid && i.replicaIdentity()) {
                ri = i.key();
            }
        }
        List<Integer> identity = switch (c.replicaIdentity()) {
            case 'd' -> pk;
            case 'i' -> ri;
            default -> List.of();
        };
        TreeMap<Integer, ColumnInfo> cs = attributes.getOrDefault(oid, new TreeMap<>());
        // the row estimate is the captured one while the table keeps its storage (not after a rewrite)
        TableInfo known = tables.get(oid);
        double rowEstimate = known != null && known.relfilenode() == relfilenode ? known.rowEstimate() : -1;
        long parent = c.partition() ? parents.getOrDefault(oid, 0L) : 0;
        return new TableInfo(oid, schema, c.name(), c.relkind(), relfilenode, tablespace, c.persistence(),
            c.toastRelid(), c.replicaIdentity(), identity, pk, new ArrayList<>(cs.values()), rowEstimate, parent);
    }

    /** The pg_class row of a relation as the state has it (relrewrite included), or null. */
    ClassRow classRow(long oid) {
        return classes.get(oid);
    }
}
