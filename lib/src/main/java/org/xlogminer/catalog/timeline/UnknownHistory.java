package org.xlogminer.catalog.timeline;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.event.TableName;

/**
 * The tables whose schema history the WAL read does not tell: their rows may have been decoded under
 * a catalog that is not the one they were written with, so they are marked incomplete (never
 * guessed right): the relations named, whose catalog rows were changed where the WAL read did not
 * hold the row changed, or may have been changed in a gap in the WAL before a snapshot's capture.
 *
 * <p>Thread-safe: asked from the writing thread; remembers the tables it was asked about and said
 * were unknown ({@link #marked()}), for the run's report.
 */
public final class UnknownHistory {

    private final Map<TableName, String> tables;
    private final Set<TableName> marked = ConcurrentHashMap.newKeySet();

    private UnknownHistory(Map<TableName, String> tables) {
        this.tables = Map.copyOf(tables);
    }

    /**
     * @param oids       relations (pg_class OIDs) whose history is unknown, with why
     * @param catalogs   where their names are looked up (each name a catalog knows the OID by is marked)
     * @return null when everything is known
     */
    public static UnknownHistory of(Map<Long, String> oids, CatalogSnapshot... catalogs) {
        Map<TableName, String> tables = new LinkedHashMap<>();
        for (var e : oids.entrySet()) {
            for (CatalogSnapshot c : catalogs) {
                TableInfo t = c.tableByOid(e.getKey());
                if (t != null) { // under every name a catalog knows: rows are named as of their LSN
                    tables.putIfAbsent(new TableName(t.schema(), t.name()), e.getValue());
                }
            }
        }
        return tables.isEmpty() ? null : new UnknownHistory(tables);
    }

    /** Why the history of the table {@code schema.table} is unknown, or null when it is known. */
    public String why(String schema, String table) {
        TableName n = new TableName(schema, table);
        String why = tables.get(n);
        if (why != null) {
            marked.add(n);
        }
        return why;
    }

    /** The relations named unknown, with why. */
    public Map<TableName, String> tables() {
        return tables;
    }

    /** The tables whose rows were marked so far, sorted by name. */
    public Set<String> marked() {
        Set<String> out = new TreeSet<>();
        marked.forEach(n -> out.add(n.toString()));
        return out;
    }
}
