package org.xlogminer.types;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.TypeInfo;

/**
 * Chooses the {@link ValueFormatter} of a column or type once, from the catalog snapshot's types:
 * domains format as their base type, enums by label, composites, ranges and arrays by their parts,
 * multiranges by their range type, built-in types by OID ({@link BuiltinTypes}), the extension types
 * citext, hstore and ltree by name ({@link ContribTypes}); anything
 * else, and any container of it, gets an undecodable formatter and one warning in
 * {@link #warnings()}.
 *
 * <p>Formatters are cached by type OID. A factory, and the formatters it returns, are meant for one
 * thread (composite formatters keep scratch state); make one factory per decoding thread.
 */
public final class ValueFormatters {

    private final Map<Long, TypeInfo> types;
    private final ObjectNames names;
    private final int serverMajor;
    private final FormatWarnings warnings;
    private final Map<Long, ValueFormatter> cache = new HashMap<>();

    /**
     * @param types       the snapshot's types by OID ({@code CatalogSnapshot.types()})
     * @param serverMajor major version of the server that wrote the data (13..18): decides the few
     *                    version-dependent outputs (e.g. {@code "char"} with the high bit set)
     * @param warnings    where to record types that cannot be decoded
     */
    public ValueFormatters(Map<Long, TypeInfo> types, int serverMajor, FormatWarnings warnings) {
        this(types, ObjectNames.of(types), serverMajor, warnings);
    }

    /**
     * @param types       the snapshot's types by OID ({@code CatalogSnapshot.types()})
     * @param names       the names reg* and aclitem values print, e.g. {@code ObjectNames.of(snapshot)}
     * @param serverMajor major version of the server that wrote the data (13..18)
     * @param warnings    where to record types that cannot be decoded
     */
    public ValueFormatters(Map<Long, TypeInfo> types, ObjectNames names, int serverMajor, FormatWarnings warnings) {
        this.types = Objects.requireNonNull(types, "types");
        this.names = Objects.requireNonNull(names, "names");
        this.serverMajor = serverMajor;
        this.warnings = Objects.requireNonNull(warnings, "warnings");
    }

    /** The names reg* and aclitem values print. */
    ObjectNames names() {
        return names;
    }

    /** The warnings recorded so far. */
    public FormatWarnings warnings() {
        return warnings;
    }

    /**
     * The formatter of a column's values.
     *
     * @throws IllegalArgumentException for a dropped column (whose type is gone)
     */
    public ValueFormatter forColumn(ColumnInfo column) {
        if (column.dropped()) {
            throw new IllegalArgumentException("column " + column.attnum() + " is dropped");
        }
        return forType(column.typeOid());
    }

    /** The formatter of values of the type with this OID. */
    public ValueFormatter forType(long typeOid) {
        ValueFormatter f = cache.get(typeOid);
        if (f == null) {
            f = create(typeOid);
            cache.put(typeOid, f);
        }
        return f;
    }

    private ValueFormatter create(long oid) {
        TypeInfo t = types.get(oid);
        if (t != null) {
            switch (t.kind()) {
                case 'd':
                    return domain(t);
                case 'e':
                    return new EnumFormatter(t.sqlName(), oid, t.enumLabels(), warnings);
                case 'c':
                    return composite(t);
                case 'r':
                    return range(t);
                case 'm':
                    return multirange(t);
                default:
                    break;
            }
        }
        ValueFormatter builtin = builtin(oid);
        if (builtin != null) {
            return builtin;
        }
        if (t == null) {
            return undecodable(oid, "oid " + oid, "type " + oid + " is not in the catalog snapshot");
        }
        if (t.elementOid() != 0 && t.len() == -1) {
            return array(t);
        }
        ValueFormatter contrib = ContribTypes.forType(t);
        if (contrib != null) {
            return contrib;
        }
        return undecodable(oid, t.sqlName(), "no decoder for type " + t.sqlName() + " (oid " + oid + ")");
    }

    private ValueFormatter domain(TypeInfo t) {
        ValueFormatter base = forType(t.baseTypeOid());
        if (!base.isDecodable()) {
            return undecodable(t.oid(), t.sqlName(), "domain " + t.sqlName() + " over an undecodable type");
        }
        return new DomainFormatter(t.sqlName(), base);
    }

    private ValueFormatter composite(TypeInfo t) {
        List<ColumnInfo> attributes = t.attributes();
        int n = 0;
        for (ColumnInfo c : attributes) {
            n = Math.max(n, c.attnum());
        }
        ValueFormatter[] fields = new ValueFormatter[n];
        for (ColumnInfo c : attributes) {
            if (c.dropped()) {
                continue;
            }
            ValueFormatter f = forType(c.typeOid());
            if (!f.isDecodable()) {
                return undecodable(t.oid(), t.sqlName(), "composite type " + t.sqlName() + " has attribute "
                        + c.name() + " of an undecodable type");
            }
            fields[c.attnum() - 1] = f;
        }
        for (int i = 0; i < n; i++) {
            if (fields[i] == null && !isDropped(attributes, i + 1)) {
                return undecodable(t.oid(), t.sqlName(), "composite type " + t.sqlName()
                        + " lacks attribute " + (i + 1) + " in the catalog snapshot");
            }
        }
        return new CompositeFormatter(t.sqlName(), t.sqlName(), attributes, fields);
    }

    private static boolean isDropped(List<ColumnInfo> attributes, int attnum) {
        for (ColumnInfo c : attributes) {
            if (c.attnum() == attnum) {
                return c.dropped();
            }
        }
        return false;
    }

    private ValueFormatter range(TypeInfo t) {
        ValueFormatter sub = forType(t.rangeSubtype());
        int[] len = new int[1];
        char[] align = new char[1];
        if (!sub.isDecodable() || !storage(t.rangeSubtype(), len, align)) {
            return undecodable(t.oid(), t.sqlName(), "range type " + t.sqlName() + " over an undecodable type");
        }
        return new RangeFormatter(t.sqlName(), sub, len[0], align[0]);
    }

    private ValueFormatter multirange(TypeInfo t) {
        ValueFormatter range = forType(t.rangeSubtype());
        if (!(range instanceof RangeFormatter)) {
            return undecodable(t.oid(), t.sqlName(), "multirange type " + t.sqlName() + " over an undecodable range type");
        }
        return new MultirangeFormatter(t.sqlName(), (RangeFormatter) range);
    }

    private ValueFormatter array(TypeInfo t) {
        long elem = t.elementOid();
        ValueFormatter e = forType(elem);
        int[] len = new int[1];
        char[] align = new char[1];
        if (!e.isDecodable() || !storage(elem, len, align)) {
            return undecodable(t.oid(), t.sqlName(), "array type " + t.sqlName() + " of an undecodable type");
        }
        String cast = t.sqlName();
        if (elem == BuiltinTypes.BPCHAR) {
            cast = "bpchar[]";
        } else if (elem == BuiltinTypes.BIT) {
            cast = "\"bit\"[]";
        }
        char delim = elem == BuiltinTypes.BOX ? ';' : ',';
        return new ArrayFormatter(cast, e, len[0], align[0], delim, false);
    }

    /** typlen and typalign of a type, from the snapshot or the built-in table. */
    private boolean storage(long oid, int[] len, char[] align) {
        TypeInfo t = types.get(oid);
        if (t != null) {
            len[0] = t.len();
            align[0] = t.align();
            return true;
        }
        BuiltinTypes.Builtin b = BuiltinTypes.storage(oid, serverMajor);
        if (b != null) {
            len[0] = b.len();
            align[0] = b.align();
            return true;
        }
        return false;
    }

    private ValueFormatter undecodable(long oid, String name, String why) {
        warnings.warnOnce(oid, why + ": its values are written as " + UndecodableFormatter.FUNCTION
                + "(type, raw bytes) markers");
        return new UndecodableFormatter(name);
    }

    private ValueFormatter builtin(long oid) {
        BuiltinTypes.Builtin b = BuiltinTypes.get(oid);
        return b == null ? null : b.factory().create(b.castName(), serverMajor, this);
    }

    /**
     * {@code format_type(oid, NULL)} of a built-in scalar type (what a catalog that never saw the type
     * in use still knows it by), or null for any other.
     */
    public static String builtinTypeName(long oid) {
        return BuiltinTypes.formatTypeName(oid);
    }
}
