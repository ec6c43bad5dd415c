package org.xlogminer.catalog;

import java.util.ArrayList;
import java.util.List;

/** The DDL the capture tests run: one table (or type) per feature a snapshot must describe. */
public final class CatalogTestSchema {

    private CatalogTestSchema() {
    }

    /** The text default of {@code shop.evolving.note}: commas, quotes, braces and a backslash. */
    static final String NOTE_DEFAULT = "a,\"b\" {c}\\d 'q'";

    public static List<String> ddl(int major) {
        List<String> sql = new ArrayList<>(List.of(
            "CREATE SCHEMA shop",
            "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
            "CREATE DOMAIN shop.money2 AS numeric(10,2) CHECK (VALUE >= 0)",
            "CREATE TYPE shop.address AS (street text, zip int, tags text[], gone int)",
            "ALTER TYPE shop.address DROP ATTRIBUTE gone",
            "CREATE TABLE shop.customer (id int PRIMARY KEY, name text NOT NULL, notes text, feeling mood,"
                + " balance shop.money2, addr shop.address, stay tsrange, nums int[], words text[], price numeric(12,3))",
            "CREATE TABLE shop.order_line (order_id int, line int, qty int, PRIMARY KEY (order_id, line))",
            "CREATE TABLE shop.nokey (a int, b text)",
            "INSERT INTO shop.nokey VALUES (1, 'x')",
            "VACUUM FULL shop.nokey", // a relfilenode that differs from the OID
            "CREATE TABLE shop.full_ident (id int PRIMARY KEY, v text)",
            "ALTER TABLE shop.full_ident REPLICA IDENTITY FULL",
            "CREATE TABLE shop.idx_ident (id int PRIMARY KEY, code text NOT NULL, other int NOT NULL)",
            "CREATE UNIQUE INDEX idx_ident_other_code ON shop.idx_ident (other, code)",
            "ALTER TABLE shop.idx_ident REPLICA IDENTITY USING INDEX idx_ident_other_code",
            "CREATE TABLE shop.nothing_ident (id int PRIMARY KEY)",
            "ALTER TABLE shop.nothing_ident REPLICA IDENTITY NOTHING",
            "CREATE TABLE shop.evolving (id int PRIMARY KEY, gone text, kept text)",
            "INSERT INTO shop.evolving VALUES (1, 'x', 'y')",
            "ALTER TABLE shop.evolving DROP COLUMN gone",
            "ALTER TABLE shop.evolving ADD COLUMN note text DEFAULT " + literal(NOTE_DEFAULT),
            "ALTER TABLE shop.evolving ADD COLUMN area box DEFAULT '((1,1),(0,0))'",
            "ALTER TABLE shop.evolving ADD COLUMN ids int[] DEFAULT '{1,2}'",
            "ALTER TABLE shop.evolving ADD COLUMN nothing text DEFAULT NULL",
            "ALTER TABLE shop.evolving ADD COLUMN feeling mood DEFAULT 'happy'",
            "ALTER TABLE shop.evolving ADD COLUMN at timestamptz DEFAULT '2024-02-29 12:00:00+02'",
            "CREATE TABLE shop.event (id int, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
            "CREATE TABLE shop.event_2024 PARTITION OF shop.event FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
            "CREATE TABLE shop.event_2025 PARTITION OF shop.event FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
            "CREATE MATERIALIZED VIEW shop.customer_names AS SELECT id, name FROM shop.customer",
            "CREATE UNLOGGED TABLE shop.scratch (x int)",
            "CREATE TABLE shop.gen (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, a int,"
                + " b int GENERATED ALWAYS AS (a * 2) STORED)",
            "CREATE TABLE shop.incl (id int, extra int, PRIMARY KEY (id) INCLUDE (extra))",
            "CREATE TABLE \"Shop Mixed\" (\"Id\" int)"));
        if (major >= 14) {
            sql.add("CREATE TABLE shop.spans (s int4multirange)");
        }
        return sql;
    }

    private static String literal(String s) {
        return "E'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
