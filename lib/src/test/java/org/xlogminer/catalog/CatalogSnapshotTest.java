package org.xlogminer.catalog;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.xlogminer.wal.CatalogMismatchException;
import org.xlogminer.wal.WalException;

class CatalogSnapshotTest {

    private final CatalogSnapshot s = CatalogSamples.snapshot();

    @Test
    void findsTablesByWalRelation() {
        TableInfo accounts = s.tables().get(0);
        assertSame(accounts, s.tableByRelfilenode(1663, CatalogSamples.DB, 16401));
        assertNull(s.tableByRelfilenode(1663, CatalogSamples.DB + 1, 16401), "another database");
        assertNull(s.tableByRelfilenode(1700, CatalogSamples.DB, 16401), "another tablespace");
        assertNull(s.tableByRelfilenode(1663, CatalogSamples.DB, 16390), "the OID is not the relfilenode");
        assertNull(s.tableByRelfilenode(1663, CatalogSamples.DB, 0), "relations without storage");
        TableInfo pgDatabase = s.tables().get(3);
        assertSame(pgDatabase, s.tableByRelfilenode(1664, 0, 1262));
        assertNull(s.tableByRelfilenode(1664, CatalogSamples.DB, 1262));
    }

    @Test
    void findsTablesByOidAndName() {
        assertSame(s.tables().get(1), s.tableByOid(16393));
        assertNull(s.tableByOid(1));
        assertNull(s.tableByOid(0));
        assertSame(s.tables().get(2), s.table("Odd Schema.Parted.Table"));
        assertSame(s.tables().get(0), s.table("public.accounts"));
        assertNull(s.table("public.ACCOUNTS"));
        assertEquals("public.mood", s.type(16385).sqlName());
        assertNull(s.type(99));
    }

    @Test
    void tablesIsAnOrdinaryImmutableList() {
        List<TableInfo> copy = new ArrayList<>(s.tables());
        assertEquals(copy, s.tables());
        assertEquals(s.tables(), copy);
        assertEquals(copy.hashCode(), s.tables().hashCode());
        assertThrows(UnsupportedOperationException.class, () -> s.tables().add(copy.get(0)));
        assertThrows(NullPointerException.class, () -> new CatalogSnapshot(1, 150000, "15.0", 5, "x", 1663, 1, 0,
            s.capturedAt(), java.util.Arrays.asList((TableInfo) null), Map.of()));
        CatalogSnapshot same = new CatalogSnapshot(s.systemIdentifier(), s.serverVersionNum(), s.serverVersion(),
            s.databaseOid(), s.databaseName(), s.defaultTablespace(), s.timeline(), s.captureLsn(), s.capturedAt(),
            copy, s.types(), s.namespaces());
        assertEquals(s, same);
        assertEquals(s.hashCode(), same.hashCode());
    }

    @Test
    void lookupScalesToManyTables() {
        List<TableInfo> many = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            many.add(new TableInfo(20_000 + i, "s", "t" + i, 'r', 0xFFFF_0000L + i, i % 2 == 0 ? 1663 : 99_999, 'p', 0,
                'd', List.of(), List.of(), List.of()));
        }
        CatalogSnapshot big = new CatalogSnapshot(1, 170000, "17.0", 5, "db", 1663, 1, 0, s.capturedAt(), many, Map.of());
        for (int i = 0; i < 20_000; i++) {
            TableInfo t = many.get(i);
            assertSame(t, big.tableByRelfilenode(t.tablespace(), 5, t.relfilenode()));
            assertSame(t, big.tableByOid(t.oid()));
            assertSame(t, big.table("s.t" + i));
        }
        assertNull(big.tableByRelfilenode(99_999, 5, 0xFFFF_0000L));
    }

    @Test
    void refusesWalOfAnotherCluster() {
        assertDoesNotThrow(() -> s.checkMatches(0xF123_4567_89AB_CDEFL, "000000010000000000000001"));
        CatalogMismatchException e = assertThrows(CatalogMismatchException.class,
            () -> s.checkMatches(7310692519934816283L, "000000010000000000000001"));
        assertEquals("catalog is of another cluster: system identifier 17375808098319191535, the WAL's is"
            + " 7310692519934816283 (segment=000000010000000000000001)", e.getMessage());
        assertEquals("000000010000000000000001", e.segment());
        assertEquals(WalException.class, CatalogMismatchException.class.getSuperclass());
    }
}
