package org.xlogminer.filter;

import java.util.Locale;

/**
 * How the filter compares the values of an SQL type: numbers as numbers, times as times, text as
 * text. Every kind but {@link #UNTYPED} and {@link #NULL} is the kind of a column type; a value of
 * a kind is held as {@link Values} describes.
 */
enum ValueKind {
    /** smallint, integer, bigint, oid, numeric: exact ({@link java.math.BigDecimal}). */
    NUMBER("a number"),
    /** real: a float4, compared as float8 as PostgreSQL does across float types. */
    FLOAT4("a real"),
    /** double precision. */
    FLOAT8("a double precision"),
    BOOL("a boolean"),
    /** text, varchar, name, "char". */
    TEXT("text"),
    /** character(n): trailing spaces do not count, as in PostgreSQL. */
    BPCHAR("character"),
    /** timestamp with time zone: microseconds since 1970 UTC. */
    TIMESTAMPTZ("a timestamp with time zone"),
    /** timestamp without time zone: microseconds since 1970, read as UTC. */
    TIMESTAMP("a timestamp"),
    /** date: the microseconds of its midnight, so that it compares with timestamps. */
    DATE("a date"),
    /** time without time zone: microseconds since midnight. */
    TIME("a time"),
    /** uuid: compared in its canonical lower-case form. */
    UUID("a uuid"),
    /** Any other type: compared by its text output, as {@code col::text}. */
    OTHER("a value"),
    /** A quoted literal not yet given a type: it takes the type of what it is compared with. */
    UNTYPED("a quoted literal"),
    /** The NULL literal. */
    NULL("NULL"),
    /** A column of a type not known (yet): while only the expression's structure is checked. */
    ANY("a column");

    private final String description;

    ValueKind(String description) {
        this.description = description;
    }

    /** How a message names a value of this kind ("a number", "text"). */
    String description() {
        return description;
    }

    boolean numeric() {
        return this == NUMBER || this == FLOAT4 || this == FLOAT8;
    }

    boolean time() {
        return this == TIMESTAMPTZ || this == TIMESTAMP || this == DATE;
    }

    boolean textual() {
        return this == TEXT || this == BPCHAR || this == UUID || this == OTHER || this == UNTYPED || this == ANY;
    }

    /**
     * The kind of a column of this SQL type as {@code format_type} names it ("numeric(12,2)",
     * "timestamp(3) with time zone", "text[]"); {@link #OTHER} for any type not listed, {@link #ANY}
     * for null (not known).
     */
    static ValueKind ofSqlType(String sqlType) {
        if (sqlType == null) {
            return ANY;
        }
        if (sqlType.endsWith("]")) {
            return OTHER;
        }
        String t = sqlType.replaceAll("\\([^)]*\\)", "").replaceAll("\\s+", " ").trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "smallint", "integer", "bigint", "oid", "numeric", "decimal", "int", "int2", "int4", "int8" -> NUMBER;
            case "real", "float4" -> FLOAT4;
            case "double precision", "float8", "float" -> FLOAT8;
            case "boolean", "bool" -> BOOL;
            case "text", "character varying", "varchar", "name", "\"char\"" -> TEXT;
            case "character", "char", "bpchar" -> BPCHAR;
            case "timestamp with time zone", "timestamptz" -> TIMESTAMPTZ;
            case "timestamp without time zone", "timestamp" -> TIMESTAMP;
            case "date" -> DATE;
            case "time without time zone", "time" -> TIME;
            case "uuid" -> UUID;
            default -> OTHER;
        };
    }
}
