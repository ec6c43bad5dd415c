package org.xlogminer.catalog;

import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The immutable list behind {@link CatalogSnapshot#tables()}: a plain list to everyone (equal to any
 * list of the same tables), which also carries the snapshot's {@link CatalogIndex}, built on first
 * use. A record cannot hold a lazily computed field of its own; its list can.
 *
 * <p>Thread-safe: the index is immutable and published through a volatile field; two threads may
 * both build it the first time, which is harmless.
 */
final class TableList extends AbstractList<TableInfo> implements RandomAccess {

    private final TableInfo[] tables;
    private volatile CatalogIndex index;

    private TableList(TableInfo[] tables) {
        this.tables = tables;
    }

    static List<TableInfo> copyOf(List<TableInfo> tables) {
        if (tables instanceof TableList t) {
            return t;
        }
        TableInfo[] a = tables.toArray(new TableInfo[0]);
        for (TableInfo t : a) {
            Objects.requireNonNull(t, "null table");
        }
        return new TableList(a);
    }

    CatalogIndex index() {
        CatalogIndex i = index;
        if (i == null) {
            i = new CatalogIndex(this);
            index = i;
        }
        return i;
    }

    @Override
    public TableInfo get(int i) {
        return tables[i];
    }

    @Override
    public int size() {
        return tables.length;
    }
}
