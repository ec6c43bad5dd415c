package org.xlogminer.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Small hand-made snapshots for unit tests. */
final class CatalogSamples {

    private CatalogSamples() {
    }

    static final long DB = 16384;

    static CatalogSnapshot snapshot() {
        ColumnInfo id = new ColumnInfo(1, "id", 23, -1, 4, true, 'i', 'p', true, false, false, null,
            ColumnInfo.NONE, 'a');
        ColumnInfo dropped = new ColumnInfo(2, "........pg.dropped.2........", 0, -1, -1, false, 'i', 'x', false, true,
            false, null);
        ColumnInfo note = new ColumnInfo(3, "note ünïcödé \"q\"", 25, -1, -1, false, 'i', 'x', false, false, true,
            "a,\"b\" {c}\\d\n\t€", ColumnInfo.NONE, ColumnInfo.NONE);
        ColumnInfo twice = new ColumnInfo(4, "twice", 23, -1, 4, true, 'i', 'p', false, false, false, null, 's',
            ColumnInfo.NONE);
        TableInfo accounts = new TableInfo(16390, "public", "accounts", 'r', 16401, 1663, 'p', 16393, 'd', List.of(1),
            List.of(1), List.of(id, dropped, note, twice), 12_000);
        TableInfo toast = new TableInfo(16393, "pg_toast", "pg_toast_16390", 't', 16393, 1663, 'p', 0, 'n', List.of(),
            List.of(), List.of(new ColumnInfo(1, "chunk_id", 26, -1, 4, true, 'i', 'p', true, false, false, null)));
        TableInfo parted = new TableInfo(16500, "Odd Schema", "Parted.Table", 'p', 0, 1663, 'p', 0, 'd', List.of(),
            List.of(), List.of());
        TableInfo pgDatabase = new TableInfo(1262, "pg_catalog", "pg_database", 'r', 1262, 1664, 'p', 0, 'n', List.of(),
            List.of(), List.of());
        TypeInfo int4 = new TypeInfo(23, "pg_catalog", "int4", "integer", 'b', 'N', 4, true, 'i', 0, 1007, 0, -1,
            Map.of(), List.of(), 0);
        TypeInfo mood = new TypeInfo(16385, "public", "mood", "public.mood", 'e', 'E', 4, true, 'i', 0, 16384, 0, -1,
            Map.of(16387L, "sad", 16389L, "ok", 16391L, "happy"), List.of(), 0);
        TypeInfo pair = new TypeInfo(16600, "public", "pair", "public.pair", 'c', 'C', -1, false, 'd', 0, 16599, 0, -1,
            Map.of(), List.of(id, dropped), 0);
        return new CatalogSnapshot(0xF123_4567_89AB_CDEFL, 150018, "15.18", DB, "shop", 1663, 3,
            0xFFFF_FFFF_0000_0010L, Instant.parse("2025-01-31T12:34:56.123456Z"),
            List.of(accounts, toast, parted, pgDatabase), Map.of(23L, int4, 16385L, mood, 16600L, pair),
            Map.of(11L, "pg_catalog", 99L, "pg_toast", 2200L, "public", 16499L, "Odd Schema"));
    }
}
