package org.xlogminer.catalog;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.xlogminer.event.TableName;

/**
 * Lookup maps over a snapshot's tables: by (tablespace, relfilenode), by OID and by
 * {@code "schema.name"}, and each partition's root partitioned table. Obtained from
 * {@link CatalogSnapshot#index()}.
 *
 * <p>The two numeric lookups are open-addressing maps over primitive {@code long} keys, so the
 * miner's per-record lookup allocates nothing. Immutable and thread-safe.
 */
public final class CatalogIndex {

    private final LongMap<TableInfo> byRelfilenode;
    private final LongMap<TableInfo> byOid;
    private final Map<String, TableInfo> byName;
    /** Each partition's root by the partition's OID: worked out once per snapshot, not per row. */
    private final LongMap<TableName> roots;

    /**
     * Bounds the walk up a partition's parents: PostgreSQL has no such limit, but a chain longer
     * than this can only be a cycle (a state made of rows read half way through a change).
     */
    private static final int MAX_DEPTH = 10_000;

    CatalogIndex(List<TableInfo> tables) {
        byRelfilenode = new LongMap<>(tables.size());
        byOid = new LongMap<>(tables.size());
        byName = new HashMap<>(tables.size() * 2);
        for (TableInfo t : tables) {
            byOid.put(t.oid(), t);
            if (t.relfilenode() != 0) {
                byRelfilenode.put(key(t.tablespace(), t.relfilenode()), t);
            }
            byName.put(t.qualifiedName(), t);
        }
        LongMap<TableName> r = null;
        for (TableInfo t : tables) {
            if (t.partitionParent() != 0) {
                TableInfo top = root(t);
                if (top != null) {
                    if (r == null) {
                        r = new LongMap<>(tables.size());
                    }
                    r.put(t.oid(), new TableName(top.schema(), top.name()));
                }
            }
        }
        roots = r;
    }

    /** The topmost of a partition's parents; null when a parent is not in the snapshot (never guessed). */
    private TableInfo root(TableInfo t) {
        TableInfo top = t;
        for (int depth = 0; top.partitionParent() != 0; depth++) {
            top = depth < MAX_DEPTH ? byOid(top.partitionParent()) : null;
            if (top == null) {
                return null;
            }
        }
        return top;
    }

    /**
     * The root partitioned table of the partition with this OID (its parents followed up to the
     * top), or null when it is not a partition or a parent is not known. Allocates nothing.
     */
    public TableName partitionRoot(long oid) {
        return roots == null || oid == 0 ? null : roots.get(oid);
    }

    /** The table stored in this tablespace with this relfilenode, or null. The caller checks the database. */
    public TableInfo byRelfilenode(long tablespace, long relfilenode) {
        return relfilenode == 0 ? null : byRelfilenode.get(key(tablespace, relfilenode));
    }

    /** The table with this pg_class OID, or null. */
    public TableInfo byOid(long oid) {
        return oid == 0 ? null : byOid.get(oid);
    }

    /** The table named {@code "schema.name"} (unquoted, exact), or null. */
    public TableInfo byQualifiedName(String qualifiedName) {
        return byName.get(qualifiedName);
    }

    /** OIDs and relfilenodes are 32-bit unsigned: the pair fits one long, never 0 when relfilenode is not. */
    private static long key(long tablespace, long relfilenode) {
        return (tablespace << 32) | (relfilenode & 0xFFFF_FFFFL);
    }

    /** A minimal open-addressing map from non-zero long keys to values; linear probing, no removal. */
    static final class LongMap<V> {
        private final long[] keys;
        private final Object[] values;
        private final int mask;

        LongMap(int expected) {
            int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
            keys = new long[capacity];
            values = new Object[capacity];
            mask = capacity - 1;
        }

        void put(long key, V value) {
            if (key == 0) {
                throw new IllegalArgumentException("key 0");
            }
            int i = slot(key);
            while (keys[i] != 0 && keys[i] != key) {
                i = (i + 1) & mask;
            }
            keys[i] = key;
            values[i] = value;
        }

        @SuppressWarnings("unchecked")
        V get(long key) {
            int i = slot(key);
            long k;
            while ((k = keys[i]) != 0) {
                if (k == key) {
                    return (V) values[i];
                }
                i = (i + 1) & mask;
            }
            return null;
        }

        private int slot(long key) {
            long h = key * 0x9E37_79B9_7F4A_7C15L;
            return (int) (h ^ (h >>> 32)) & mask;
        }
    }
}
