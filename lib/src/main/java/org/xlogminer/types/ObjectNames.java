package org.xlogminer.types;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.catalog.TypeInfo;
import org.xlogminer.sql.SqlText;

/**
 * The names the reg* types and {@code aclitem} print for the OIDs they store, as far as the catalog
 * knows them: relations ({@code regclass}), types ({@code regtype}), schemas ({@code regnamespace})
 * and roles ({@code regrole}, the grantee and grantor of {@code aclitem}). An OID it does not know
 * gives null, and the formatters print the number, as the server does for an OID it cannot find.
 *
 * <p>Relation names are kept as {@code regclassout()} prints them under the default search_path
 * ({@code "$user", public}, pg_catalog implicitly first): unqualified for pg_catalog, and for public
 * unless pg_catalog has a relation of the same name; else {@code schema.name}; parts quoted as
 * {@code quote_identifier()} does. Type names are the snapshot's {@code format_type()}. Immutable and
 * thread-safe once built.
 */
public final class ObjectNames {

    /** Knows no names: every reg* value prints as its OID. */
    public static final ObjectNames NONE = new ObjectNames(Map.of(), Map.of(), Map.of(), Map.of());

    // the names as given (kept to build extended copies), and the same in sorted arrays for lookups
    private final Map<Long, String> relations;
    private final Map<Long, String> types;
    private final Map<Long, String> namespaces;
    private final Map<Long, String> roles;
    private final ByOid relationNames;
    private final ByOid typeNames;
    private final ByOid namespaceNames;
    private final ByOid roleNames;

    private ObjectNames(Map<Long, String> relations, Map<Long, String> types, Map<Long, String> namespaces,
                        Map<Long, String> roles) {
        this.relations = Map.copyOf(relations);
        this.types = Map.copyOf(types);
        this.namespaces = Map.copyOf(namespaces);
        this.roles = Map.copyOf(roles);
        this.relationNames = new ByOid(relations);
        this.typeNames = new ByOid(types);
        this.namespaceNames = new ByOid(namespaces);
        this.roleNames = new ByOid(roles);
    }

    /** Names by OID in sorted arrays: a lookup boxes nothing. */
    private static final class ByOid {
        private final long[] oids;
        private final String[] names;

        ByOid(Map<Long, String> map) {
            oids = new long[map.size()];
            names = new String[map.size()];
            int i = 0;
            for (Long oid : new TreeSet<>(map.keySet())) {
                oids[i] = oid;
                names[i++] = map.get(oid);
            }
        }

        String get(long oid) {
            int i = Arrays.binarySearch(oids, oid);
            return i >= 0 ? names[i] : null;
        }
    }

    /** Type names only, from a snapshot's types (what {@link ValueFormatters} knows by itself). */
    public static ObjectNames of(Map<Long, TypeInfo> types) {
        return new ObjectNames(Map.of(), typeNames(types), Map.of(), Map.of());
    }

    /** Relations and types of a snapshot. */
    public static ObjectNames of(CatalogSnapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        Map<Long, String[]> tables = new HashMap<>();
        for (TableInfo t : snapshot.tables()) {
            tables.put(t.oid(), new String[] {t.schema(), t.name()});
        }
        return new ObjectNames(relationTexts(tables), typeNames(snapshot.types()), Map.of(), Map.of());
    }

    /**
     * A copy that also knows these relations, schemas and roles (e.g. from another source than the
     * snapshot): {@code moreRelations} as (schema, name) pairs, {@code moreNamespaces} and
     * {@code moreRoles} as raw names; relations are printed by the rule above.
     */
    public ObjectNames with(Map<Long, String[]> moreRelations, Map<Long, String> moreNamespaces,
                            Map<Long, String> moreRoles) {
        Map<Long, String> rel = new HashMap<>(relations);
        rel.putAll(relationTexts(moreRelations));
        Map<Long, String> ns = new HashMap<>(namespaces);
        for (Map.Entry<Long, String> e : moreNamespaces.entrySet()) {
            ns.put(e.getKey(), SqlText.quoteIdentifier(e.getValue()));
        }
        Map<Long, String> ro = new HashMap<>(roles);
        ro.putAll(moreRoles);
        return new ObjectNames(rel, types, ns, ro);
    }

    private static Map<Long, String> typeNames(Map<Long, TypeInfo> snapshotTypes) {
        Map<Long, String> names = new HashMap<>();
        for (TypeInfo t : snapshotTypes.values()) {
            names.put(t.oid(), t.sqlName());
        }
        return names;
    }

    /** regclassout's texts of relations given as (schema, name). */
    private static Map<Long, String> relationTexts(Map<Long, String[]> relations) {
        Set<String> catalogNames = new HashSet<>();
        for (String[] r : relations.values()) {
            if ("pg_catalog".equals(r[0])) {
                catalogNames.add(r[1]);
            }
        }
        Map<Long, String> texts = new HashMap<>();
        for (Map.Entry<Long, String[]> e : relations.entrySet()) {
            String[] r = e.getValue();
            texts.put(e.getKey(), relationText(r[0], r[1], catalogNames.contains(r[1])));
        }
        return texts;
    }

    private static String relationText(String schema, String name, boolean hiddenByCatalog) {
        boolean visible = "pg_catalog".equals(schema) || "public".equals(schema) && !hiddenByCatalog;
        return visible ? SqlText.quoteIdentifier(name) : SqlText.qualifiedName(schema, name);
    }

    /** regclassout's text of a pg_class OID, or null. */
    String relation(long oid) {
        return relationNames.get(oid);
    }

    /** regtypeout's text (format_type) of a pg_type OID, or null. */
    String type(long oid) {
        return typeNames.get(oid);
    }

    /** regnamespaceout's text (the quoted schema name) of a pg_namespace OID, or null. */
    String namespace(long oid) {
        return namespaceNames.get(oid);
    }

    /** The raw name of a role, or null. */
    String role(long oid) {
        return roleNames.get(oid);
    }
}
