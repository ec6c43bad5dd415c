package org.xlogminer.mine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.TableInfo;

/** Which relations' row changes the miner keeps, and what it counts of the others. */
class KeptRelationsTest {

    private static final long DB = 16384;
    private static final int SPC = 1663;
    private static final long FROM = 0x1_0000_0000L;

    /** A relfilenode above 2^31: a block reference holds it as a negative int. */
    private static final long BIG_RELFILENODE = 3_000_000_000L;

    private static final TableInfo ACCOUNTS = table(16390, "public", "accounts", 'r', BIG_RELFILENODE);
    private static final TableInfo TOAST = table(16393, "pg_toast", "pg_toast_16390", 't', 16393);
    private static final TableInfo PG_CLASS = table(1259, "pg_catalog", "pg_class", 'r', 1259);
    private static final TableInfo VIEWS = table(13400, "information_schema", "sql_features", 'r', 13400);

    private static final CatalogSnapshot CATALOG = new CatalogSnapshot(1, 150018, "15.18", DB, "shop", SPC, 1, 0,
        Instant.EPOCH, List.of(ACCOUNTS, TOAST, PG_CLASS, VIEWS), Map.of());

    private static TableInfo table(long oid, String schema, String name, char relkind, long relfilenode) {
        return new TableInfo(oid, schema, name, relkind, relfilenode, SPC, 'p', 0, 'd', List.of(), List.of(),
            List.of());
    }

    @Test
    void keepsTheCatalogsTablesAndCountsTheirRecords() {
        KeptRelations k = new KeptRelations(CATALOG, FROM, false);
        assertSame(ACCOUNTS, k.kept(FROM, SPC, (int) DB, (int) BIG_RELFILENODE));
        assertSame(TOAST, k.kept(FROM + 1, SPC, (int) DB, 16393));
        assertEquals(2, k.ownDatabaseRecords());
        assertEquals(Map.of(), k.unknownRelations());
        assertEquals(Map.of(), k.otherDatabases());
    }

    @Test
    void systemCatalogsOnlyWhenAsked() {
        KeptRelations without = new KeptRelations(CATALOG, FROM, false);
        assertNull(without.kept(FROM, SPC, (int) DB, 1259));
        assertNull(without.kept(FROM, SPC, (int) DB, 13400));
        assertFalse(without.tracked(SPC, DB, 1259));
        assertEquals(2, without.ownDatabaseRecords(), "read, though not kept");
        KeptRelations with = new KeptRelations(CATALOG, FROM, true);
        assertSame(PG_CLASS, with.kept(FROM, SPC, (int) DB, 1259));
        assertSame(VIEWS, with.kept(FROM, SPC, (int) DB, 13400));
        assertTrue(with.tracked(SPC, DB, 1259));
    }

    @Test
    void countsOtherDatabasesAndUnknownRelationsWithinTheRange() {
        KeptRelations k = new KeptRelations(CATALOG, FROM, false);
        assertNull(k.kept(FROM, SPC, 5, 16401));
        assertNull(k.kept(FROM + 8, SPC, 5, 16402));
        assertNull(k.kept(FROM, 1664, 0, 1262), "shared catalogs: neither kept nor counted");
        assertNull(k.kept(FROM, SPC, (int) DB, 99999));
        assertNull(k.kept(FROM - 1, SPC, 6, 16401), "before the start LSN: not counted");
        assertNull(k.kept(FROM - 1, SPC, (int) DB, 99999), "before the start LSN: not counted");
        assertSame(ACCOUNTS, k.kept(FROM - 1, SPC, (int) DB, (int) BIG_RELFILENODE), "kept all the same");
        assertEquals(Map.of(5L, 2L), k.otherDatabases());
        assertEquals(Map.of("1663/16384/99999", 1L), k.unknownRelations());
        assertEquals(1, k.ownDatabaseRecords());
    }

    @Test
    void tracksThePagesOfWhatItKeepsAndCountsNothing() {
        KeptRelations k = new KeptRelations(CATALOG, FROM, false);
        assertTrue(k.tracked(SPC, DB, BIG_RELFILENODE));
        assertTrue(k.tracked(SPC, DB, 16393));
        assertFalse(k.tracked(SPC, 5, 16401));
        assertFalse(k.tracked(SPC, DB, 99999));
        assertEquals(0, k.ownDatabaseRecords());
        assertEquals(Map.of(), k.otherDatabases());
        assertEquals(Map.of(), k.unknownRelations());
    }
}
