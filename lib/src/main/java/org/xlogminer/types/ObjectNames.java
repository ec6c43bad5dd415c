package org.xlogminer.types;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
    public static final ObjectNames NONE = new ObjectNames();

    // filled while building, then frozen into sorted arrays that are looked up without boxing
    private final Map<Long, String> relations = new HashMap<>();
    private final Map<Long, String> types = new HashMap<>();
    private final Map<Long, String> namespaces = new HashMap<>();
    private final Map<Long, String> roles = new HashMap<>();
    private ByOid relationNames;
    private ByOid typeNames;
    private ByOid namespaceNames;
    private ByOid roleNames;

    private ObjectNames() {
        freeze();
    }

    /** Names by OID in sorted arrays: a lookup boxes nothing. */
    private static final class ByOid {
        private final long[] oids;
        private final String[] names;

        ByOid(Map<Long, String> map) {
            oids = new long[map.size()];
            names = new String[map.size()];
            int i = 0;
            for (Long oid : new java.util.TreeSet<>(map.keySet())) {
                oids[i] = oid;
                names[i++] = map.get(oid);
            }
        }

        String get(long oid) {
            int i = java.util.Arrays.binarySearch(oids, oid);
            return i >= 0 ? names[i] : null;
        }
    }

    private ObjectNames freeze() {
        relationNames = new ByOid(relations);
        typeNames = new ByOid(types);
        namespaceNames = new ByOid(namespaces);
        roleNames = new ByOid(roles);
        return this;
    }

    /** Type names only, from a snapshot's types (what {@link ValueFormatters} knows by itself). */
    public static ObjectNames of(Map<Long, TypeInfo> types) {
        return new ObjectNames().withTypes(types).freeze();
    }

    /** Relations and types of a snapshot. */
    public static ObjectNames of(CatalogSnapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        ObjectNames n = new ObjectNames().withTypes(snapshot.types());
        Set<String> catalogNames = new HashSet<>();
        for (TableInfo t : snapshot.tables()) {
            if ("pg_catalog".equals(t.schema())) {
                catalogNames.add(t.name());
            }
        }
        for (TableInfo t : snapshot.tables()) {
            n.relations.put(t.oid(), relationText(t.schema(), t.name(), catalogNames.contains(t.name())));
        }
        return n.freeze();
    }

    /**
     * A copy that also knows these relations, schemas and roles (e.g. from another source than the
     * snapshot): {@code relations} as (schema, name) pairs, {@code namespaces} and {@code roles} as raw
     * names; the relation rule is the one above.
     */
    public ObjectNames with(Map<Long, String[]> moreRelations, Map<Long, String> moreNamespaces,
                            Map<Long, String> moreRoles) {
        ObjectNames n = new ObjectNames();
        n.relations.putAll(relations);
        n.types.putAll(types);
        n.namespaces.putAll(namespaces);
        n.roles.putAll(roles);
        Set<String> catalogNames = new HashSet<>();
        for (String[] r : moreRelations.values()) {
            if ("pg_catalog".equals(r[0])) {
                catalogNames.add(r[1]);
            }
        }
        moreRelations.forEach((oid, r) -> n.relations.put(oid, relationText(r[0], r[1], catalogNames.contains(r[1]))));
        moreNamespaces.forEach((oid, s) -> n.namespaces.put(oid, SqlText.quoteIdentifier(s)));
        n.roles.putAll(moreRoles);
        return n.freeze();
    }

    private ObjectNames withTypes(Map<Long, TypeInfo> snapshotTypes) {
        for (TypeInfo t : snapshotTypes.values()) {
            types.put(t.oid(), t.sqlName());
        }
        return this;
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
