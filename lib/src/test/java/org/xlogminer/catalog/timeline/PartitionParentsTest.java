package org.xlogminer.catalog.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.io.StringWriter;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.xlogminer.catalog.CatalogJson;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.event.TableName;

/**
 * A partition's parent in a snapshot, its file, and the catalog moved along pg_inherits and
 * pg_class.relispartition changes (ATTACH, DETACH) both ways; the root named by following the
 * parents up. The server's side of it is PartitionRootIT.
 */
class PartitionParentsTest {

    static final long ROOT = 16400, MID = 16401, LEAF = 16402, OTHER = 16403, CHILD = 16404;

    static TableInfo table(long oid, String name, char relkind, long parent) {
        return new TableInfo(oid, "public", name, relkind, relkind == 'p' ? 0 : oid + 100, 1663, 'p', 0, 'd',
            List.of(1), List.of(1), List.of(CatalogStateTest.ID), -1, parent);
    }

    /** root &lt;- mid &lt;- leaf partitioned in two levels; other a plain table; child an inheritance child of it. */
    static CatalogSnapshot snapshot() {
        return new CatalogSnapshot(1, 150018, "15.18", 5, "postgres", 1663, 1, 0x1000, Instant.EPOCH,
            List.of(table(ROOT, "root", 'p', 0), table(MID, "mid", 'p', ROOT), table(LEAF, "leaf", 'r', MID),
                table(OTHER, "other", 'r', 0), table(CHILD, "child", 'r', 0)),
            Map.of(), Map.of(2200L, "public"));
    }

    static CatalogRow pgClass(long oid, String name, char relkind, boolean partition) {
        Map<String, String> m = new HashMap<>(Map.of("oid", Long.toString(oid), "relname", name,
            "relnamespace", "2200", "relkind", String.valueOf(relkind), "relfilenode",
            Long.toString(relkind == 'p' ? 0 : oid + 100), "reltablespace", "0", "relpersistence", "p",
            "reltoastrelid", "0", "relreplident", "d"));
        m.put("relrewrite", "0");
        m.put("relispartition", partition ? "t" : "f");
        return CatalogRow.of(m);
    }

    static CatalogRow inherits(long child, long parent, int seqno) {
        return CatalogRow.of(Map.of("inhrelid", Long.toString(child), "inhparent", Long.toString(parent),
            "inhseqno", Integer.toString(seqno)));
    }

    @Test
    void theRootIsTheTopOfTheParentsAndOnlyPartitionsHaveOne() {
        CatalogSnapshot s = snapshot();
        TableName root = new TableName("public", "root");
        assertEquals(root, s.partitionRoot(s.tableByOid(LEAF)), "two levels up");
        assertEquals(root, s.partitionRoot(s.tableByOid(MID)));
        assertNull(s.partitionRoot(s.tableByOid(ROOT)), "the root is no partition");
        assertNull(s.partitionRoot(s.tableByOid(OTHER)));
        assertNull(s.partitionRoot(s.tableByOid(CHILD)));

        CatalogSnapshot orphan = new CatalogSnapshot(1, 150018, "15.18", 5, "postgres", 1663, 1, 0x1000,
            Instant.EPOCH, List.of(table(LEAF, "leaf", 'r', MID)), Map.of(), Map.of());
        assertNull(orphan.partitionRoot(orphan.tableByOid(LEAF)), "a parent not known: no root guessed");
    }

    @Test
    void attachAndDetachMoveTheParentForwardAndBack() {
        CatalogSnapshot s = snapshot();
        List<CatalogChange> changes = List.of(
            // ALTER TABLE mid ATTACH PARTITION other
            new CatalogChange(0x2000, "pg_inherits", null, inherits(OTHER, MID, 1)),
            new CatalogChange(0x2010, "pg_class", pgClass(OTHER, "other", 'r', false),
                pgClass(OTHER, "other", 'r', true)),
            // ALTER TABLE mid DETACH PARTITION leaf
            new CatalogChange(0x2100, "pg_inherits", inherits(LEAF, MID, 1), null),
            new CatalogChange(0x2110, "pg_class", pgClass(LEAF, "leaf", 'r', true), pgClass(LEAF, "leaf", 'r', false)),
            // CREATE TABLE child2 () INHERITS (child): an inheritance row, no partition
            new CatalogChange(0x2200, "pg_inherits", null, inherits(CHILD, OTHER, 1)));
        CatalogState state = new CatalogState(s);
        changes.forEach(state::apply);
        CatalogSnapshot later = state.snapshot(0x3000);
        assertEquals(new TableName("public", "root"), later.partitionRoot(later.tableByOid(OTHER)));
        assertEquals(MID, later.tableByOid(OTHER).partitionParent());
        assertEquals(0, later.tableByOid(LEAF).partitionParent(), "detached");
        assertNull(later.partitionRoot(later.tableByOid(LEAF)));
        assertEquals(0, later.tableByOid(CHILD).partitionParent(), "an inheritance child is no partition");

        for (int i = changes.size() - 1; i >= 0; i--) {
            state.undo(changes.get(i));
        }
        assertEquals(s.tables(), state.snapshot(0x1000).tables(), "walked back to the snapshot");
        assertTrue(state.unknownHistory().isEmpty(), state.unknownHistory().toString());
    }

    @Test
    void aSnapshotWalkedBackFromAfterADetachKnowsTheParentBefore() {
        // taken after DETACH: leaf is no partition; undoing the detach makes it one again
        CatalogSnapshot s = snapshot();
        CatalogSnapshot after = new CatalogSnapshot(1, 150018, "15.18", 5, "postgres", 1663, 1, 0x3000,
            Instant.EPOCH, List.of(s.tableByOid(ROOT), s.tableByOid(MID), table(LEAF, "leaf", 'r', 0)), Map.of(),
            s.namespaces());
        CatalogState state = new CatalogState(after);
        state.undo(new CatalogChange(0x2110, "pg_class", pgClass(LEAF, "leaf", 'r', true),
            pgClass(LEAF, "leaf", 'r', false)));
        state.undo(new CatalogChange(0x2100, "pg_inherits", inherits(LEAF, MID, 1), null));
        CatalogSnapshot before = state.snapshot(0x1000);
        assertEquals(new TableName("public", "root"), before.partitionRoot(before.tableByOid(LEAF)));
    }

    @Test
    void theFileKeepsPartitionsParentsAndAnOlderFileReadsAsNone() throws Exception {
        CatalogSnapshot s = snapshot();
        StringWriter out = new StringWriter();
        CatalogJson.write(s, out);
        String text = out.toString();
        assertEquals(s, CatalogJson.read(new StringReader(text)));
        assertEquals(2, text.split("\"partitionParent\"", -1).length - 1, "written for the two partitions only");

        CatalogSnapshot older = CatalogJson.read(new StringReader(text.replaceAll(",\\s*\"partitionParent\" : \\d+", "")));
        assertFalse(older.tables().stream().anyMatch(t -> t.partitionParent() != 0));
        assertNull(older.partitionRoot(older.tableByOid(LEAF)));
    }
}
