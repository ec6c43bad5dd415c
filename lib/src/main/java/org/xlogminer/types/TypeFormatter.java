package org.xlogminer.types;

import java.nio.ByteBuffer;

import org.xlogminer.sql.SqlText;

/**
 * Base of the formatters: the SQL literal is, unless a subclass knows better, the output text quoted
 * and cast to the type. Subclasses say whether their output can hold a single quote, to skip the scan.
 */
abstract class TypeFormatter implements ValueFormatter {

    final String castType;
    /** Whether this class keeps the base literal (the text quoted and cast), found once per formatter. */
    private final boolean literalIsQuotedText;

    TypeFormatter(String castType) {
        this.castType = castType;
        boolean base;
        try {
            base = getClass().getMethod("appendSqlLiteral", StringBuilder.class, ByteBuffer.class, int.class, int.class)
                .getDeclaringClass() == TypeFormatter.class;
        } catch (NoSuchMethodException e) {
            base = false;
        }
        this.literalIsQuotedText = base;
    }

    @Override
    public boolean appendSqlLiteralOfItsText(StringBuilder out, CharSequence text) {
        if (!literalIsQuotedText) {
            return false;
        }
        appendSqlLiteralOfText(out, text); // the same quoted cast, from the text
        return true;
    }

    @Override
    public void appendSqlLiteral(StringBuilder out, ByteBuffer buf, int off, int len) {
        appendQuotedCast(out, buf, off, len, castType);
    }

    /** {@code '<output text>'::castTo}. */
    final void appendQuotedCast(StringBuilder out, ByteBuffer buf, int off, int len, String castTo) {
        out.append('\'');
        int start = out.length();
        appendText(out, buf, off, len);
        if (outputMayContainQuote()) {
            SqlText.escapeQuotesFrom(out, start);
        }
        out.append("'::").append(castTo);
    }

    @Override
    public void appendSqlLiteralOfText(StringBuilder out, CharSequence text) {
        SqlText.appendLiteral(out, text);
        out.append("::").append(castType);
    }

    /** Whether the output text can contain a single quote (text types, arrays, records...). */
    boolean outputMayContainQuote() {
        return true;
    }

    @Override
    public String sqlType() {
        return castType;
    }

    @Override
    public boolean isDecodable() {
        return true;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + castType + "]";
    }
}
