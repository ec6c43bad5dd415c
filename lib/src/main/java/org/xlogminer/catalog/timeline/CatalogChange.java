package org.xlogminer.catalog.timeline;

import java.util.Objects;
import java.util.Set;

import org.xlogminer.event.RowChange;
import org.xlogminer.event.Source;

/**
 * One committed row change to a system catalog the timeline follows: an INSERT has only
 * {@code after}, a DELETE only {@code before}, an UPDATE both. Immutable.
 *
 * @param lsn     LSN of the record that made it
 * @param catalog the system catalog's name, one of {@link #FOLLOWED}
 * @param before  the row before (null for an INSERT)
 * @param after   the row after (null for a DELETE)
 */
public record CatalogChange(long lsn, String catalog, CatalogRow before, CatalogRow after) {

    /** The system catalogs (schema pg_catalog) whose rows make up what the timeline knows. */
    public static final Set<String> FOLLOWED = Set.of("pg_class", "pg_attribute", "pg_type", "pg_namespace",
        "pg_enum", "pg_index", "pg_inherits");

    public CatalogChange {
        Objects.requireNonNull(catalog, "catalog");
        if (before == null && after == null) {
            throw new IllegalArgumentException("a change needs a row before or after");
        }
    }

    /** Whether a mined change's table is one of the {@link #FOLLOWED} catalogs. */
    public static boolean followed(String schema, String table) {
        return schema.equals("pg_catalog") && FOLLOWED.contains(table);
    }

    /** The catalog change a mined row change is, or null when it is not one to a followed catalog. */
    public static CatalogChange of(RowChange change) {
        Source s = change.source();
        if (!followed(s.schema(), s.table())) {
            return null;
        }
        if (change instanceof RowChange.Insert i) {
            return new CatalogChange(s.lsn(), s.table(), null, CatalogRow.of(i.after()));
        } else if (change instanceof RowChange.Update u) {
            return new CatalogChange(s.lsn(), s.table(), CatalogRow.of(u.before()), CatalogRow.of(u.after()));
        } else if (change instanceof RowChange.Delete d) {
            return new CatalogChange(s.lsn(), s.table(), CatalogRow.of(d.before()), null);
        }
        return null; // a system catalog is never truncated
    }
}
