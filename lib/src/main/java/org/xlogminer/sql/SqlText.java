package org.xlogminer.sql;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Quoting of SQL text for PostgreSQL: string literals and identifiers, the rules of
 * {@code quote_literal()} and {@code quote_identifier()} ({@code src/backend/utils/adt/ruleutils.c}).
 *
 * <p>String literals assume {@code standard_conforming_strings = on} (the default since 9.1): the only
 * character escaped is the single quote, doubled; backslashes stand for themselves. Any Java string
 * round-trips, including newlines and characters outside the BMP; a NUL character cannot be stored in
 * PostgreSQL text and is rejected.
 *
 * <p>Identifiers are left bare only when PostgreSQL would read them back unchanged: a lower-case letter
 * or underscore, then lower-case letters, digits and underscores, and not a keyword of any category
 * other than unreserved in any of PostgreSQL 13 to 18 ({@code pg_get_keywords()} with catcode R, C or
 * T); everything else is double-quoted with inner double quotes doubled.
 *
 * <p>Stateless and thread-safe.
 */
public final class SqlText {

    /** Keywords PostgreSQL 13..18 reserve fully (catcode R): never usable as bare column names. */
    private static final Set<String> RESERVED = words(""
            + "all analyse analyze and any array as asc asymmetric both case cast check collate column "
            + "constraint create current_catalog current_date current_role current_time current_timestamp "
            + "current_user default deferrable desc distinct do else end except false fetch for foreign from "
            + "grant group having in initially intersect into lateral leading limit localtime localtimestamp "
            + "not null offset on only or order placing primary references returning select session_user some "
            + "symmetric system_user table then to trailing true union unique user using variadic when where "
            + "window with ");

    /**
     * Every keyword of PostgreSQL 13..18 that is not UNRESERVED (catcode R reserved, C column-name,
     * T type-or-function-name): {@code quote_identifier()} quotes all of them.
     */
    private static final Set<String> NOT_UNRESERVED = words(""
            + "all analyse analyze and any array as asc asymmetric authorization between bigint binary bit "
            + "boolean both case cast char character check coalesce collate collation column concurrently "
            + "constraint create cross current_catalog current_date current_role current_schema current_time "
            + "current_timestamp current_user dec decimal default deferrable desc distinct do else end except "
            + "exists extract false fetch float for foreign freeze from full grant greatest group grouping "
            + "having ilike in initially inner inout int integer intersect interval into is isnull join json "
            + "json_array json_arrayagg json_exists json_object json_objectagg json_query json_scalar "
            + "json_serialize json_table json_value lateral leading least left like limit localtime "
            + "localtimestamp merge_action national natural nchar none normalize not notnull null nullif "
            + "numeric offset on only or order out outer overlaps overlay placing position precision primary "
            + "real references returning right row select session_user setof similar smallint some substring "
            + "symmetric system_user table tablesample then time timestamp to trailing treat trim true union "
            + "unique user using values varchar variadic verbose when where window with xmlattributes "
            + "xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize "
            + "xmltable ");

    private SqlText() {
    }

    private static Set<String> words(String list) {
        return Set.copyOf(new HashSet<>(Arrays.asList(list.trim().split(" "))));
    }

    /** True for a keyword that PostgreSQL 13..18 reserves (catcode R). */
    public static boolean isReservedKeyword(String word) {
        return RESERVED.contains(word);
    }

    /** True for any keyword that is not unreserved (catcode R, C or T) in PostgreSQL 13..18. */
    public static boolean isNonUnreservedKeyword(String word) {
        return NOT_UNRESERVED.contains(word);
    }

    /** {@code 'text'} with single quotes doubled. */
    public static String quoteLiteral(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 2);
        appendLiteral(sb, text);
        return sb.toString();
    }

    /**
     * Appends {@code 'text'} with single quotes doubled.
     *
     * @throws IllegalArgumentException when the text contains NUL, which no PostgreSQL string can hold
     */
    public static void appendLiteral(StringBuilder out, CharSequence text) {
        out.append('\'');
        int n = text.length();
        int plain = 0;
        while (plain < n && text.charAt(plain) != '\'' && text.charAt(plain) != 0) {
            plain++;
        }
        out.append(text, 0, plain); // most text has no quote: one copy, not a char at a time
        for (int i = plain; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\'') {
                out.append('\'');
            } else if (c == 0) {
                throw new IllegalArgumentException("a PostgreSQL string literal cannot contain NUL");
            }
            out.append(c);
        }
        out.append('\'');
    }

    /**
     * Doubles, in place, every single quote that {@code out} holds from index {@code start} on: turns
     * text appended there into the body of a string literal without an intermediate String.
     */
    public static void escapeQuotesFrom(StringBuilder out, int start) {
        int end = out.length();
        int quotes = 0;
        for (int i = start; i < end; i++) {
            if (out.charAt(i) == '\'') {
                quotes++;
            }
        }
        if (quotes == 0) {
            return;
        }
        out.setLength(end + quotes);
        int w = end + quotes - 1;
        for (int r = end - 1; r >= start && w > r; r--) {
            char c = out.charAt(r);
            out.setCharAt(w--, c);
            if (c == '\'') {
                out.setCharAt(w--, c);
            }
        }
    }

    /** The identifier, double-quoted unless it can stand bare (see the class comment). */
    public static String quoteIdentifier(String ident) {
        if (isSafeIdentifier(ident)) {
            return ident;
        }
        StringBuilder sb = new StringBuilder(ident.length() + 2);
        appendQuotedIdentifier(sb, ident);
        return sb.toString();
    }

    /** Appends the identifier, double-quoted unless it can stand bare. */
    public static void appendIdentifier(StringBuilder out, String ident) {
        if (isSafeIdentifier(ident)) {
            out.append(ident);
        } else {
            appendQuotedIdentifier(out, ident);
        }
    }

    /** {@code schema.name}, each part quoted as needed; just the name when schema is null or empty. */
    public static String qualifiedName(String schema, String name) {
        StringBuilder sb = new StringBuilder();
        if (schema != null && !schema.isEmpty()) {
            appendIdentifier(sb, schema);
            sb.append('.');
        }
        appendIdentifier(sb, name);
        return sb.toString();
    }

    /** True when the identifier needs no quotes. */
    public static boolean isSafeIdentifier(String ident) {
        int n = ident.length();
        if (n == 0) {
            return false;
        }
        char first = ident.charAt(0);
        if (!(first >= 'a' && first <= 'z' || first == '_')) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = ident.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return !NOT_UNRESERVED.contains(ident);
    }

    private static void appendQuotedIdentifier(StringBuilder out, String ident) {
        out.append('"');
        for (int i = 0; i < ident.length(); i++) {
            char c = ident.charAt(i);
            if (c == '"') {
                out.append('"');
            } else if (c == 0) {
                throw new IllegalArgumentException("a PostgreSQL identifier cannot contain NUL");
            }
            out.append(c);
        }
        out.append('"');
    }
}
