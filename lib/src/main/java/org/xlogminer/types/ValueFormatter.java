package org.xlogminer.types;

import java.nio.ByteBuffer;

/**
 * Turns the stored bytes of one value of one type into text, chosen once per column by
 * {@link ValueFormatters} and then applied to every row (no per-row type dispatch, no allocation but
 * the growth of the caller's StringBuilder).
 *
 * <h2>Input</h2>
 * {@code (buf, off, len)} is the value's payload, uncompressed and inline: for a fixed-width type the
 * attlen bytes of the datum; for a varlena type the bytes after the varlena header (what
 * {@code VARDATA_ANY} points at), after decompression or TOAST reassembly by the caller. The buffer is
 * little-endian and read with absolute gets only.
 *
 * <h2>Output</h2>
 * <ul>
 *   <li>{@link #appendText}: the text of the type's output function ({@code typoutput}), as psql,
 *       {@code COPY} and {@code format('%s', col)} show it, under DateStyle=ISO, MDY,
 *       IntervalStyle=postgres, TimeZone=UTC, extra_float_digits=1, bytea_output=hex, lc_monetary=C and
 *       a UTF8 database. This is also what {@code col::text} prints for every type except boolean
 *       ({@code ::text} gives true/false, the output function t/f), character(n) ({@code ::text} strips
 *       the padding) and inet ({@code ::text} always shows the netmask).</li>
 *   <li>{@link #appendSqlLiteral}: an SQL expression that PostgreSQL reads back as the same value of the
 *       same type, assuming standard_conforming_strings=on: numbers bare when that is exact, true/false,
 *       else a quoted literal with a cast to {@link #sqlType()}.</li>
 * </ul>
 * A formatter for a type xlogminer cannot decode ({@link #isDecodable()} false) writes a marker that
 * cannot pass for a value and an SQL expression that fails when executed; see docs/types.md.
 *
 * <p>Implementations may keep scratch state (for nested composite values): use one formatter per
 * thread unless {@link #threadSafe()} says otherwise.
 */
public interface ValueFormatter {

    /** Appends the output-function text of the value. */
    void appendText(StringBuilder out, ByteBuffer buf, int off, int len);

    /** Appends an SQL literal (or literal expression) that evaluates to the same value. */
    void appendSqlLiteral(StringBuilder out, ByteBuffer buf, int off, int len);

    /**
     * Appends an SQL literal for a value given in its text form (e.g. a column's attmissingval), quoted
     * and cast to {@link #sqlType()}.
     */
    void appendSqlLiteralOfText(StringBuilder out, CharSequence text);

    /**
     * Appends the SQL literal of a value given the text {@link #appendText} made of it, when that is
     * how this type's literal is made (the text quoted and cast): spares decoding the bytes twice.
     * Returns false, appending nothing, when {@link #appendSqlLiteral} must be used instead.
     */
    default boolean appendSqlLiteralOfItsText(StringBuilder out, CharSequence text) {
        return false;
    }

    /**
     * Whether the SQL literal is the text {@link #appendText} makes, as is (bare numbers): then a
     * value needs only one of them.
     */
    default boolean literalIsItsText() {
        return false;
    }

    /**
     * Whether this formatter keeps no scratch state, so that several threads may use it at once (a
     * composite type's formatter holds a deformer and is not).
     */
    default boolean threadSafe() {
        return true;
    }

    /** The type name this formatter casts literals to, e.g. {@code integer}, {@code public.mood[]}. */
    String sqlType();

    /** False when the type is not understood and values come out as markers. */
    boolean isDecodable();
}
