package org.xlogminer.catalog.pgdata;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

import org.xlogminer.catalog.CatalogCapture;
import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.catalog.TransactionIds;
import org.xlogminer.catalog.TypeInfo;
import org.xlogminer.catalog.pgdata.StoredRows.AttributeRow;
import org.xlogminer.catalog.pgdata.StoredRows.ClassRow;
import org.xlogminer.catalog.pgdata.StoredRows.EnumRow;
import org.xlogminer.catalog.pgdata.StoredRows.IndexRow;
import org.xlogminer.catalog.pgdata.StoredRows.RangeRow;
import org.xlogminer.catalog.pgdata.StoredRows.TypeRow;
import org.xlogminer.types.FormatWarnings;
import org.xlogminer.types.ValueFormatters;

/**
 * Turns the live rows of one database's catalogs into a snapshot's tables, types and schemas, by
 * the rules of the JDBC capture's queries ({@code CatalogQueries}), so that both give the same
 * snapshot: relations of kind r, p, m, t outside temporary schemas, ordered by OID; mapped
 * catalogs' relfilenodes from the relation mapper; keys from pg_index; the type closure over
 * element, domain base, range subtype, multirange and composite attribute types; missing values
 * as {@code array_to_string}; type names as {@code format_type}; a partition's parent from
 * pg_inherits. Single use, not thread-safe.
 */
final class SnapshotAssembler {

    /**
     * The rows read, by catalog.
     *
     * @param parents pg_inherits.inhparent by inhrelid, of the rows of inhseqno 1 (a partition has
     *                that one row; an inheritance child may have more, and is no partition)
     * @param namespaceXmins the raw t_xmin of each pg_namespace row, by OID
     */
    record Rows(List<ClassRow> classes, List<AttributeRow> attributes, List<TypeRow> types, Map<Long, String> namespaces,
                List<EnumRow> enums, List<IndexRow> indexes, List<RangeRow> ranges, Map<Long, Long> parents,
                Map<Long, Long> namespaceXmins) {
    }

    /** What the assembler makes. */
    record Result(List<TableInfo> tables, Map<Long, TypeInfo> types, Map<Long, String> namespaces) {
    }

    private final Rows rows;
    private final int major;
    private final Consumer<String> warnings;
    private final Map<Long, TypeRow> typeRows = new HashMap<>();
    private final Map<Long, List<AttributeRow>> attributesByRel = new HashMap<>();
    private final Map<Long, Map<Long, String>> labels = new HashMap<>();
    private final Map<Long, IndexRow> primaryKeys = new HashMap<>();
    private final Map<Long, IndexRow> identityIndexes = new HashMap<>();

    SnapshotAssembler(Rows rows, int major, Consumer<String> warnings) {
        this.rows = rows;
        this.major = major;
        this.warnings = warnings;
        for (TypeRow t : rows.types()) {
            typeRows.put(t.oid(), t);
        }
        for (AttributeRow a : rows.attributes()) {
            if (a.column().attnum() > 0) {
                attributesByRel.computeIfAbsent(a.relid(), k -> new ArrayList<>()).add(a);
            }
        }
        attributesByRel.values().forEach(l -> l.sort(Comparator.comparingInt(a -> a.column().attnum())));
        List<EnumRow> enums = new ArrayList<>(rows.enums());
        enums.sort(Comparator.comparingLong(EnumRow::type).thenComparingDouble(EnumRow::sortOrder));
        for (EnumRow e : enums) {
            labels.computeIfAbsent(e.type(), k -> new LinkedHashMap<>()).put(e.oid(), e.label());
        }
        for (IndexRow i : rows.indexes()) {
            if (i.primary()) {
                primaryKeys.put(i.relid(), i);
            }
            if (i.replicaIdentity()) {
                identityIndexes.put(i.relid(), i);
            }
        }
    }

    /**
     * @param defaultTablespace the database's dattablespace
     * @param localMap          the database's relation map
     * @param sharedMap         global/pg_filenode.map
     */
    Result assemble(long defaultTablespace, Map<Long, Long> localMap, Map<Long, Long> sharedMap) {
        Map<Long, TypeInfo> plain = new HashMap<>();
        for (TypeRow t : rows.types()) {
            plain.put(t.oid(), typeInfo(t, List.of()));
        }
        MissingValues missing = new MissingValues(typeRows, new ValueFormatters(plain, major, new FormatWarnings()));
        Map<Long, List<ColumnInfo>> columns = new HashMap<>();
        attributesByRel.forEach((rel, list) -> {
            List<ColumnInfo> cs = new ArrayList<>(list.size());
            for (AttributeRow a : list) {
                cs.add(withMissing(a, missing));
            }
            columns.put(rel, cs);
        });
        List<TableInfo> tables = new ArrayList<>();
        TreeMap<Long, ClassRow> classes = new TreeMap<>();
        for (ClassRow c : rows.classes()) {
            if (classes.putIfAbsent(c.oid(), c) != null) {
                warnings.accept("pg_class has two live rows of OID " + c.oid() + ": the first read is kept");
            }
        }
        TreeSet<Long> used = new TreeSet<>();
        for (ClassRow c : classes.values()) {
            String schema = rows.namespaces().get(c.namespace());
            if ("rpmt".indexOf(c.relkind()) < 0 || schema == null || schema.startsWith("pg_temp_")
                || schema.startsWith("pg_toast_temp_")) {
                continue;
            }
            tables.add(table(c, schema, defaultTablespace, c.tablespace() == 1664 ? sharedMap : localMap,
                columns.getOrDefault(c.oid(), List.of())).withCatalogXmin(catalogXmin(c)));
            for (ColumnInfo col : columns.getOrDefault(c.oid(), List.of())) {
                if (col.typeOid() != 0) {
                    used.add(col.typeOid());
                }
            }
        }
        Map<Long, TypeInfo> types = new HashMap<>();
        for (long oid : closure(used)) {
            TypeRow t = typeRows.get(oid);
            if (t != null && rows.namespaces().containsKey(t.namespace())) {
                types.put(oid, typeInfo(t, t.kind() == 'c' && t.relid() != 0
                    ? columns.getOrDefault(t.relid(), List.of()) : List.of()));
            }
        }
        return new Result(tables, types, rows.namespaces());
    }

    private ColumnInfo withMissing(AttributeRow a, MissingValues missing) {
        ColumnInfo c = a.column();
        if (a.missingArray() == null) {
            return c;
        }
        String text;
        try {
            text = missing.text(a.missingArray(), "pg_attribute row " + a.relid() + "/" + c.attnum());
        } catch (IllegalArgumentException e) {
            warnings.accept("the missing value of column " + c.name() + " of relation " + a.relid()
                + " is not known: " + e.getMessage());
            text = null;
        }
        return new ColumnInfo(c.attnum(), c.name(), c.typeOid(), c.typmod(), c.len(), c.byval(), c.align(),
            c.storage(), c.notNull(), c.dropped(), c.hasMissing(), text, c.generated(), c.identity());
    }

    private TableInfo table(ClassRow c, String schema, long defaultTablespace, Map<Long, Long> map,
                            List<ColumnInfo> columns) {
        long relfilenode = c.relfilenode() != 0 || c.relkind() == 'p' ? c.relfilenode() : map.getOrDefault(c.oid(), 0L);
        IndexRow p = primaryKeys.get(c.oid());
        IndexRow r = identityIndexes.get(c.oid());
        List<Integer> pk = p == null ? List.of() : key(p);
        List<Integer> ri = r == null ? List.of() : key(r);
        List<Integer> identity = switch (c.replicaIdentity()) {
            case 'd' -> pk;
            case 'i' -> ri;
            default -> List.of();
        };
        return new TableInfo(c.oid(), schema, c.name(), c.relkind(), relfilenode,
            c.tablespace() == 0 ? defaultTablespace : c.tablespace(), c.persistence(), c.toastRelid(),
            c.replicaIdentity(), identity, pk, columns, CatalogCapture.rowEstimate(c.reltuples(), c.relkind()),
            c.partition() ? rows.parents().getOrDefault(c.oid(), 0L) : 0);
    }

    /**
     * The newest xmin of the rows defining a relation, as the JDBC capture's RELATIONS and
     * ATTRIBUTES queries take it: pg_class, pg_namespace, the row type's pg_type, the primary key's
     * and replica-identity index's pg_index rows, and pg_attribute (attnum &gt; 0).
     */
    private long catalogXmin(ClassRow c) {
        long newest = c.xmin();
        Long ns = rows.namespaceXmins().get(c.namespace());
        if (ns != null) {
            newest = TransactionIds.newer(newest, ns);
        }
        TypeRow rowType = typeRows.get(c.reltype());
        if (rowType != null) {
            newest = TransactionIds.newer(newest, rowType.xmin());
        }
        for (IndexRow i : new IndexRow[] {primaryKeys.get(c.oid()), identityIndexes.get(c.oid())}) {
            if (i != null) {
                newest = TransactionIds.newer(newest, i.xmin());
            }
        }
        for (AttributeRow a : attributesByRel.getOrDefault(c.oid(), List.of())) {
            newest = TransactionIds.newer(newest, a.xmin());
        }
        return newest;
    }

    private static List<Integer> key(IndexRow i) {
        StringBuilder sb = new StringBuilder();
        for (int k : i.key()) {
            sb.append(k).append(' ');
        }
        return CatalogCapture.keyAttnums(sb.toString(), i.keyCount());
    }

    /** The used types and, transitively, their element, base, subtype, range and attribute types. */
    private TreeSet<Long> closure(TreeSet<Long> used) {
        TreeSet<Long> all = new TreeSet<>();
        Deque<Long> todo = new ArrayDeque<>(used);
        while (!todo.isEmpty()) {
            long oid = todo.pop();
            TypeRow t = typeRows.get(oid);
            if (!all.add(oid) || t == null) {
                continue;
            }
            List<Long> next = new ArrayList<>(List.of(t.elem(), t.base()));
            for (RangeRow r : rows.ranges()) {
                if (r.type() == oid) {
                    next.add(r.subtype());
                }
                if (major >= 14 && r.multirange() == oid) {
                    next.add(r.type());
                }
            }
            if (t.relid() != 0) {
                for (AttributeRow a : attributesByRel.getOrDefault(t.relid(), List.of())) {
                    next.add(a.column().typeOid());
                }
            }
            for (long n : next) {
                if (n != 0 && !all.contains(n)) {
                    todo.push(n);
                }
            }
        }
        return all;
    }

    private TypeInfo typeInfo(TypeRow t, List<ColumnInfo> attributes) {
        long subtype = 0;
        for (RangeRow r : rows.ranges()) {
            if (r.type() == t.oid()) {
                subtype = r.subtype();
                break;
            }
        }
        if (subtype == 0 && major >= 14) {
            for (RangeRow r : rows.ranges()) {
                if (r.multirange() == t.oid()) {
                    subtype = r.type();
                    break;
                }
            }
        }
        return new TypeInfo(t.oid(), rows.namespaces().getOrDefault(t.namespace(), ""), t.name(),
            FormatType.of(t.oid(), typeRows, rows.namespaces()), t.kind(), t.category(), t.len(), t.byval(),
            t.align(), t.elem(), t.array(), t.base(), t.typmod(), labels.getOrDefault(t.oid(), Map.of()),
            attributes, subtype);
    }
}
