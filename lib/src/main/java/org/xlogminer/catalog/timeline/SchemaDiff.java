package org.xlogminer.catalog.timeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.event.SchemaChange;
import org.xlogminer.event.SchemaChange.Kind;

/**
 * The schema changes one committed transaction made, told by the catalog before and after it: for
 * each table, partitioned table and materialized view (not TOAST tables, nor system catalogs) that
 * came, went, or changed name, columns or storage. New storage is a rewrite when the transaction
 * made a transient relation whose {@code pg_class.relrewrite} names the table (PostgreSQL's
 * {@code make_new_heap}: ALTER TABLE rewrites, VACUUM FULL, CLUSTER, REFRESH MATERIALIZED VIEW, SET
 * ACCESS METHOD), a move when its tablespace changed (SET TABLESPACE copies the files), and a
 * TRUNCATE otherwise (new storage assigned in place). A partition's parent (pg_inherits, while
 * pg_class.relispartition) that changed is a DETACH PARTITION from the old parent and an ATTACH
 * PARTITION to the new one, each naming the parent as the catalog on its side of the commit does; a
 * table created as a partition (CREATE TABLE ... PARTITION OF) is one event, its creation, whose
 * detail names the parent. The catalog states may come from replaying forward or walking back: only
 * the two states count. Stateless.
 */
public final class SchemaDiff {

    private SchemaDiff() {
    }

    /**
     * The events of commit {@code c} between {@code before} and {@code after}.
     *
     * @param rewritten OIDs of the tables the commit's transient relations rewrote
     */
    static List<SchemaChange> between(CatalogSnapshot before, CatalogSnapshot after, CatalogCommit c,
                                      Set<Long> rewritten) {
        return between(before, after, c.commitLsn(), c.xid(), rewritten);
    }

    /**
     * The events of the transaction {@code xid} committed at {@code commitLsn}, between the catalog
     * {@code before} and {@code after} it.
     *
     * @param rewritten OIDs of the tables its transient relations rewrote
     */
    public static List<SchemaChange> between(CatalogSnapshot before, CatalogSnapshot after, long commitLsn, long xid,
                                             Set<Long> rewritten) {
        if (before == after) {
            return List.of();
        }
        Commit c = new Commit(commitLsn, xid);
        List<SchemaChange> out = new ArrayList<>();
        for (TableInfo b : before.tables()) {
            if (followed(b) && after.tableByOid(b.oid()) == null) {
                out.add(event(c, b, Kind.TABLE_DROPPED, "table dropped"));
            }
        }
        for (TableInfo a : after.tables()) {
            if (!followed(a)) {
                continue;
            }
            TableInfo b = before.tableByOid(a.oid());
            if (b == null) {
                out.add(event(c, a, Kind.TABLE_CREATED, a.partitionParent() == 0 ? "table created"
                    : "table created as partition of " + parentName(after, a.partitionParent())));
                continue;
            }
            if (!a.schema().equals(b.schema()) || !a.name().equals(b.name())) {
                out.add(event(c, a, Kind.TABLE_RENAMED, "table renamed from " + b.qualifiedName()));
            }
            partitionParent(c, b, a, before, after, out);
            columns(c, b, a, before, after, out);
            if (a.relfilenode() != b.relfilenode()) {
                if (rewritten.contains(a.oid())) {
                    out.add(event(c, a, Kind.TABLE_REWRITTEN, "table rewritten"));
                } else if (a.tablespace() != b.tablespace()) {
                    out.add(event(c, a, Kind.TABLE_REWRITTEN, "table moved to tablespace " + a.tablespace()));
                } else {
                    out.add(event(c, a, Kind.TABLE_TRUNCATED, "table truncated"));
                }
            }
        }
        return out;
    }

    /** A parent lost and one gained: DETACH PARTITION, ATTACH PARTITION (both: moved in one transaction). */
    private static void partitionParent(Commit c, TableInfo b, TableInfo a, CatalogSnapshot before,
                                        CatalogSnapshot after, List<SchemaChange> out) {
        if (a.partitionParent() == b.partitionParent()) {
            return;
        }
        if (b.partitionParent() != 0) {
            out.add(event(c, a, Kind.PARTITION_DETACHED, "partition detached from "
                + parentName(before, b.partitionParent())));
        }
        if (a.partitionParent() != 0) {
            out.add(event(c, a, Kind.PARTITION_ATTACHED, "partition attached to "
                + parentName(after, a.partitionParent())));
        }
    }

    /** The parent as that catalog names it; by OID when it does not know it (never guessed). */
    private static String parentName(CatalogSnapshot s, long oid) {
        TableInfo p = s.tableByOid(oid);
        return p == null ? "relation with OID " + oid : p.qualifiedName();
    }

    private static void columns(Commit c, TableInfo b, TableInfo a, CatalogSnapshot before,
                                CatalogSnapshot after, List<SchemaChange> out) {
        for (ColumnInfo ac : a.columns()) {
            ColumnInfo bc = b.column(ac.attnum());
            if (bc == null || bc.dropped() && !ac.dropped()) {
                if (!ac.dropped()) {
                    out.add(event(c, a, Kind.COLUMN_ADDED, "column " + ac.name() + " "
                        + TypeNames.of(after, ac.typeOid(), ac.typmod()) + " added"));
                }
            } else if (ac.dropped() && !bc.dropped()) {
                out.add(event(c, a, Kind.COLUMN_DROPPED, "column " + bc.name() + " dropped"));
            } else if (!ac.dropped()) {
                if (!ac.name().equals(bc.name())) {
                    out.add(event(c, a, Kind.COLUMN_RENAMED, "column " + bc.name() + " renamed to " + ac.name()));
                }
                if (ac.typeOid() != bc.typeOid() || ac.typmod() != bc.typmod()) {
                    out.add(event(c, a, Kind.COLUMN_TYPE_CHANGED, "column " + ac.name() + " type changed from "
                        + TypeNames.of(before, bc.typeOid(), bc.typmod()) + " to "
                        + TypeNames.of(after, ac.typeOid(), ac.typmod())));
                }
            }
        }
    }

    /** Tables, partitioned tables and materialized views outside the system schemas. */
    private static boolean followed(TableInfo t) {
        return t.relkind() != 't' && !t.isSystemCatalog() && !t.schema().equals("pg_toast");
    }

    private static SchemaChange event(Commit c, TableInfo t, Kind kind, String detail) {
        return new SchemaChange(c.commitLsn(), c.xid(), t.schema(), t.name(), kind, detail);
    }

    /** Which commit the events are of. */
    private record Commit(long commitLsn, long xid) {
    }
}
