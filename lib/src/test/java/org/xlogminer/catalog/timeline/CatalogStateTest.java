package org.xlogminer.catalog.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.catalog.TypeInfo;

class CatalogStateTest {

    static final ColumnInfo ID = new ColumnInfo(1, "id", 23, -1, 4, true, 'i', 'p', true, false, false, null);

    static CatalogSnapshot snapshot() {
        TableInfo orders = new TableInfo(16390, "shop", "orders", 'r', 16401, 1663, 'p', 0, 'd', List.of(1),
            List.of(1), List.of(ID));
        TypeInfo int4 = new TypeInfo(23, "pg_catalog", "int4", "integer", 'b', 'N', 4, true, 'i', 0, 1007, 0, -1,
            Map.of(), List.of(), 0);
        return new CatalogSnapshot(1, 150018, "15.18", 5, "postgres", 1663, 1, 0x1000, Instant.EPOCH,
            List.of(orders), Map.of(23L, int4), Map.of(2200L, "public", 16385L, "shop"));
    }

    static CatalogRow pgClass(String name, long relfilenode) {
        Map<String, String> m = new HashMap<>(Map.of("oid", "16390", "relname", name, "relnamespace", "16385",
            "relkind", "r", "relfilenode", Long.toString(relfilenode), "reltablespace", "0", "relpersistence", "p",
            "reltoastrelid", "0", "relreplident", "d"));
        m.put("relrewrite", "0");
        m.put("relispartition", "f");
        return CatalogRow.of(m);
    }

    static CatalogRow attribute(int attnum, String name) {
        Map<String, String> m = new HashMap<>(Map.of("attrelid", "16390", "attnum", Integer.toString(attnum),
            "attname", name, "atttypid", "23", "atttypmod", "-1", "attlen", "4", "attbyval", "t", "attalign", "i",
            "attstorage", "p", "attnotnull", "f"));
        m.putAll(Map.of("attisdropped", "f", "atthasmissing", "t", "attmissingval", "{7}", "attgenerated", "",
            "attidentity", ""));
        return CatalogRow.of(m);
    }

    @Test
    void appliedChangesMakeTheLaterTablesAndUndoneOnesTheEarlier() {
        CatalogSnapshot s = snapshot();
        List<CatalogChange> changes = List.of(
            new CatalogChange(0x2000, "pg_class", pgClass("orders", 16401), pgClass("purchases", 16401)),
            new CatalogChange(0x2100, "pg_attribute", null, attribute(2, "qty")),
            new CatalogChange(0x2200, "pg_class", pgClass("purchases", 16401), pgClass("purchases", 16500)));
        CatalogState state = new CatalogState(s);
        changes.forEach(state::apply);
        TableInfo t = state.snapshot(0x3000).tableByOid(16390);
        assertEquals("shop.purchases", t.qualifiedName());
        assertEquals(16500, t.relfilenode());
        assertEquals(1663, t.tablespace(), "tablespace 0 is the database's default");
        assertEquals(List.of(1), t.primaryKey(), "the snapshot's key stays");
        assertEquals("qty", t.column(2).name());
        assertEquals("7", t.column(2).missingValue());
        assertNull(state.snapshot(0x3000).tableByRelfilenode(1663, 5, 16401), "the old storage is no one's");

        for (int i = changes.size() - 1; i >= 0; i--) {
            state.undo(changes.get(i));
        }
        assertEquals(s.tables(), state.snapshot(0x1000).tables());
        assertTrue(state.unknownHistory().isEmpty());
    }

    @Test
    void aRowTheWalDidNotRecoverChangesNothingAndSaysWhose() {
        CatalogState state = new CatalogState(snapshot());
        Map<String, String> unknown = new HashMap<>(Map.of("oid", "16390"));
        CatalogRow partial = CatalogRow.of(unknown); // relname and the rest absent: not known
        state.undo(new CatalogChange(0x2000, "pg_class", partial, pgClass("purchases", 16401)));
        assertEquals("shop.orders", state.snapshot(0x1000).tableByOid(16390).qualifiedName());
        assertTrue(state.unknownHistory().containsKey(16390L), state.unknownHistory().toString());
    }

    @Test
    void aMissingValueIsTheArraysOneElement() {
        assertEquals("f", CatalogRows.missingValue("{f}"));
        assertEquals("a, \"b\"", CatalogRows.missingValue("{\"a, \\\"b\\\"\"}"));
        assertNull(CatalogRows.missingValue("{NULL}"));
        assertNull(CatalogRows.missingValue(null));
    }
}
