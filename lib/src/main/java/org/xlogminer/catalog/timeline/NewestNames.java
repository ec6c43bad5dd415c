package org.xlogminer.catalog.timeline;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.wal.Lsn;

/**
 * The names UNDO gives tables and columns: UNDO is applied to the database as it is now, so it
 * names them as the newest catalog known does, while a change was decoded, and REDO and JSON name
 * it, as of its LSN. A table is followed by its OID and a column by its attnum from the state of
 * the {@link CatalogTimeline} the change was decoded under to the {@linkplain CatalogTimeline#newest()
 * newest} one; what no longer exists there is said so, with the LSN of the commit that dropped it.
 *
 * <p>Thread-safe: the answers are kept per table and catalog state, in a concurrent map.
 */
public final class NewestNames {

    private final CatalogTimeline timeline;
    private final CatalogSnapshot newest;
    private final Map<Key, Table> cache = new ConcurrentHashMap<>();

    private NewestNames(CatalogTimeline timeline) {
        this.timeline = timeline;
        this.newest = timeline.newest();
    }

    /**
     * The newest names of this timeline's tables, or null when no table or column of it was
     * renamed, moved to another schema or dropped after an earlier state (the names as of every LSN
     * are then the newest ones: nothing to do).
     */
    public static NewestNames of(CatalogTimeline timeline) {
        for (var e : timeline.events()) {
            switch (e.kind()) {
                case TABLE_DROPPED, TABLE_RENAMED, COLUMN_DROPPED, COLUMN_RENAMED -> {
                    return new NewestNames(timeline);
                }
                default -> { }
            }
        }
        return null;
    }

    /** The newest catalog known, whose names UNDO uses. */
    public CatalogSnapshot newest() {
        return newest;
    }

    /**
     * A table as the newest catalog has it.
     *
     * @param schema  its schema now (the change's when the table is not known)
     * @param table   its name now
     * @param gone    why it no longer exists (dropped, with the LSN), or null when it does
     * @param columns each column name as of the change to its name now; a column missing from the
     *                map is not known to the state the change was decoded under (kept as it is)
     * @param dropped each column name as of the change that no longer exists, with why
     */
    public record Table(String schema, String table, String gone, Map<String, String> columns,
                        Map<String, String> dropped) {
        public Table {
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(table, "table");
            columns = Map.copyOf(columns);
            dropped = Map.copyOf(dropped);
        }

        /** Whether the table and every column keep their names (nothing to rename, nothing gone). */
        public boolean same(String schema, String table) {
            if (gone != null || !dropped.isEmpty() || !this.schema.equals(schema) || !this.table.equals(table)) {
                return false;
            }
            for (var e : columns.entrySet()) {
                if (!e.getKey().equals(e.getValue())) {
                    return false;
                }
            }
            return true;
        }

        /** The column's name now, or null when it no longer exists. */
        public String column(String name) {
            return dropped.containsKey(name) ? null : columns.getOrDefault(name, name);
        }
    }

    /**
     * The newest names of the table a change names {@code schema.table}, decoded at {@code lsn}
     * in the transaction committed at {@code commitLsn}: the table is looked up in the catalog as of
     * the change (the state before its transaction, then the one after it, for a table its own
     * transaction made or renamed), then found by OID in the newest.
     */
    public Table table(long lsn, long commitLsn, String schema, String table) {
        CatalogSnapshot at = timeline.at(lsn);
        String qualified = schema + "." + table;
        TableInfo then = at.table(qualified);
        if (then == null) {
            at = timeline.at(commitLsn);
            then = at.table(qualified);
        }
        if (then == null) {
            return new Table(schema, table, null, Map.of(), Map.of()); // not known: left as it is
        }
        TableInfo found = then;
        return cache.computeIfAbsent(new Key(at, found.oid()), k -> resolve(found, commitLsn));
    }

    private Table resolve(TableInfo then, long commitLsn) {
        TableInfo now = newest.tableByOid(then.oid());
        if (now == null) {
            return new Table(then.schema(), then.name(), "table " + then.qualifiedName() + " was dropped"
                + at(droppedAt(then.oid(), 0, commitLsn)), Map.of(), Map.of());
        }
        Map<String, String> columns = new HashMap<>();
        Map<String, String> dropped = new HashMap<>();
        for (ColumnInfo c : then.columns()) {
            if (c.dropped()) {
                continue;
            }
            ColumnInfo n = now.column(c.attnum());
            if (n == null || n.dropped()) {
                dropped.put(c.name(), "column " + c.name() + " of " + then.qualifiedName() + " was dropped"
                    + at(droppedAt(then.oid(), c.attnum(), commitLsn)));
            } else {
                columns.put(c.name(), n.name());
            }
        }
        return new Table(now.schema(), now.name(), null, columns, dropped);
    }

    /** The LSN of the first commit after {@code after} whose state lacks the table (attnum 0) or column, or 0. */
    private long droppedAt(long oid, int attnum, long after) {
        List<Long> lsns = timeline.changeLsns();
        for (long l : lsns) {
            if (Long.compareUnsigned(l, after) <= 0) {
                continue;
            }
            TableInfo t = timeline.at(l).tableByOid(oid);
            ColumnInfo c = t == null ? null : t.column(attnum);
            if (t == null || attnum > 0 && (c == null || c.dropped())) {
                return l;
            }
        }
        return 0;
    }

    private static String at(long lsn) {
        return lsn == 0 ? " later" : " at " + Lsn.format(lsn);
    }

    /** A table as one state knows it: states are compared by identity, as the timeline holds them. */
    private record Key(CatalogSnapshot state, long oid) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.state == state && k.oid == oid;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(state) * 31 + Long.hashCode(oid);
        }
    }
}
