package org.xlogminer.types;

import java.nio.ByteBuffer;

import org.xlogminer.sql.SqlText;

/**
 * Values of a type xlogminer cannot decode (no TypeInfo in the snapshot, an extension's binary format
 * other than citext, hstore and ltree, ...), or of a container holding one. The raw payload is kept visible, in forms
 * that cannot pass for a value:
 * <ul>
 *   <li>text: {@code <undecodable public.foo: \x0102...>}</li>
 *   <li>SQL: {@code xlogminer_undecodable('public.foo', '\x0102...')}, a call of a function that does
 *       not exist, so a script applying it stops with "function xlogminer_undecodable(unknown, unknown)
 *       does not exist" instead of writing a wrong value; the hex is the on-disk payload (after the
 *       varlena header).</li>
 * </ul>
 * The factory records one warning per such type in {@link FormatWarnings}.
 */
final class UndecodableFormatter implements ValueFormatter {

    static final String FUNCTION = "xlogminer_undecodable";

    private final String typeName;

    UndecodableFormatter(String typeName) {
        this.typeName = typeName;
    }

    static void appendMarker(StringBuilder out, String typeName, ByteBuffer buf, int off, int len) {
        out.append("<undecodable ").append(typeName).append(": ");
        ByteaFormatter.appendHex(out, buf, off, len);
        out.append('>');
    }

    static void appendFailingExpression(StringBuilder out, String typeName, ByteBuffer buf, int off, int len) {
        out.append(FUNCTION).append('(');
        SqlText.appendLiteral(out, typeName);
        out.append(", '");
        ByteaFormatter.appendHex(out, buf, off, len);
        out.append("')");
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        appendMarker(out, typeName, buf, off, len);
    }

    @Override
    public void appendSqlLiteral(StringBuilder out, ByteBuffer buf, int off, int len) {
        appendFailingExpression(out, typeName, buf, off, len);
    }

    @Override
    public void appendSqlLiteralOfText(StringBuilder out, CharSequence text) {
        SqlText.appendLiteral(out, text);
        out.append("::").append(typeName);
    }

    @Override
    public String sqlType() {
        return typeName;
    }

    @Override
    public boolean isDecodable() {
        return false;
    }

    @Override
    public String toString() {
        return "UndecodableFormatter[" + typeName + "]";
    }
}
