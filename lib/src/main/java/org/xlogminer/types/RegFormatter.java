package org.xlogminer.types;

import java.nio.ByteBuffer;

import org.xlogminer.sql.SqlText;

/**
 * The OID alias types ({@code regclass}, {@code regtype}, {@code regnamespace}, {@code regrole},
 * {@code regproc}, {@code regprocedure}, {@code regoper}, {@code regoperator}, {@code regconfig},
 * {@code regdictionary}, {@code regcollation}): a uint32 OID on disk.
 *
 * <p>Text as their output functions ({@code regproc.c}): {@code -} for OID 0 ({@code 0} for regoper
 * and regoperator); the object's name where
 * {@link ObjectNames} knows the OID (relations, types, schemas, roles); else the OID number, which is
 * also what the server prints for an OID it cannot find. Procedures, operators, text search
 * configurations and dictionaries and collations are not in the snapshot and always print as numbers.
 *
 * <p>The literal is always the OID, {@code '16384'::regclass}: the input functions take a number as
 * the OID itself without a lookup, so it reads back as the same value whether or not the object still
 * exists, or has been renamed, where a name could resolve to another object or to none.
 */
final class RegFormatter extends TypeFormatter {

    /** Which catalog names the OID. */
    enum Kind { RELATION, TYPE, NAMESPACE, ROLE, OPERATOR, OTHER }

    private final Kind kind;
    private final ObjectNames names;

    RegFormatter(String castType, Kind kind, ObjectNames names) {
        super(castType);
        this.kind = kind;
        this.names = names;
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        long oid = Integer.toUnsignedLong(buf.getInt(off));
        if (oid == 0) {
            out.append(kind == Kind.OPERATOR ? '0' : '-');
            return;
        }
        String name = name(oid);
        if (name == null) {
            out.append(oid);
        } else if (kind == Kind.ROLE) {
            SqlText.appendIdentifier(out, name);
        } else {
            out.append(name);
        }
    }

    private String name(long oid) {
        switch (kind) {
            case RELATION:
                return names.relation(oid);
            case TYPE: {
                String n = names.type(oid);
                return n != null ? n : BuiltinTypes.formatTypeName(oid);
            }
            case NAMESPACE:
                return names.namespace(oid);
            case ROLE:
                return names.role(oid);
            default:
                return null;
        }
    }

    @Override
    public void appendSqlLiteral(StringBuilder out, ByteBuffer buf, int off, int len) {
        out.append('\'').append(Integer.toUnsignedLong(buf.getInt(off))).append("'::").append(castType);
    }
}
