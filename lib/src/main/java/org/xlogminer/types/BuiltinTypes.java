package org.xlogminer.types;

import java.util.HashMap;
import java.util.Map;

/**
 * The built-in types xlogminer formats, by their fixed OIDs ({@code src/include/catalog/pg_type.dat},
 * the same in 13..18), with their storage (typlen, typalign), the name to cast literals to and the
 * formatter that prints them. Cast
 * names differ from {@code format_type(oid, NULL)} for bpchar and bit, where format_type's
 * {@code character} and {@code bit} would mean length 1 in a cast.
 */
final class BuiltinTypes {

    static final long BOOL = 16;
    static final long BYTEA = 17;
    static final long CHAR = 18;
    static final long NAME = 19;
    static final long INT8 = 20;
    static final long INT2 = 21;
    static final long INT2VECTOR = 22;
    static final long INT4 = 23;
    static final long REGPROC = 24;
    static final long TEXT = 25;
    static final long OID = 26;
    static final long TID = 27;
    static final long XID = 28;
    static final long CID = 29;
    static final long OIDVECTOR = 30;
    static final long JSON = 114;
    static final long ACLITEM = 1033;
    static final long REFCURSOR = 1790;
    static final long TXID_SNAPSHOT = 2970;
    static final long TSVECTOR = 3614;
    static final long TSQUERY = 3615;
    static final long JSONPATH = 4072;
    static final long PG_SNAPSHOT = 5038;
    static final long XML = 142;
    static final long POINT = 600;
    static final long LSEG = 601;
    static final long PATH = 602;
    static final long BOX = 603;
    static final long POLYGON = 604;
    static final long LINE = 628;
    static final long CIDR = 650;
    static final long FLOAT4 = 700;
    static final long FLOAT8 = 701;
    static final long CIRCLE = 718;
    static final long MACADDR8 = 774;
    static final long MONEY = 790;
    static final long MACADDR = 829;
    static final long INET = 869;
    static final long BPCHAR = 1042;
    static final long VARCHAR = 1043;
    static final long DATE = 1082;
    static final long TIME = 1083;
    static final long TIMESTAMP = 1114;
    static final long TIMESTAMPTZ = 1184;
    static final long INTERVAL = 1186;
    static final long TIMETZ = 1266;
    static final long BIT = 1560;
    static final long VARBIT = 1562;
    static final long NUMERIC = 1700;
    static final long REGPROCEDURE = 2202;
    static final long REGOPER = 2203;
    static final long REGOPERATOR = 2204;
    static final long REGCLASS = 2205;
    static final long REGTYPE = 2206;
    static final long CSTRING = 2275;
    static final long UUID = 2950;
    static final long PG_LSN = 3220;
    static final long REGCONFIG = 3734;
    static final long REGDICTIONARY = 3769;
    static final long JSONB = 3802;
    static final long REGNAMESPACE = 4089;
    static final long REGROLE = 4096;
    static final long REGCOLLATION = 4191;
    static final long XID8 = 5069;

    /** Makes the formatter of a built-in type. */
    @FunctionalInterface
    interface Factory {
        ValueFormatter create(String castName, int serverMajor, ValueFormatters factory);
    }

    /** Storage, cast name and formatter factory of a built-in type. */
    record Builtin(long oid, String castName, int len, char align, Factory factory) {
    }

    private static final Factory TEXT_LIKE = (c, m, f) -> new TextFormatter(c, false);
    private static final Factory UINT4 = (c, m, f) -> new IntegerFormatter(c, IntegerFormatter.Kind.UINT4);
    private static final Factory SNAPSHOT = (c, m, f) -> new SystemFormatter(c, SystemFormatter.Kind.SNAPSHOT);

    private static final Map<Long, Builtin> BY_OID = new HashMap<>();

    static {
        add(BOOL, "boolean", 1, 'c', (c, m, f) -> new BoolFormatter(c));
        add(BYTEA, "bytea", -1, 'i', (c, m, f) -> new ByteaFormatter(c));
        add(CHAR, "\"char\"", 1, 'c', (c, m, f) -> new CharFormatter(c));
        add(NAME, "name", 64, 'c', (c, m, f) -> new TextFormatter(c, true));
        add(INT8, "bigint", 8, 'd', (c, m, f) -> new IntegerFormatter(c, IntegerFormatter.Kind.INT8));
        add(INT2, "smallint", 2, 's', (c, m, f) -> new IntegerFormatter(c, IntegerFormatter.Kind.INT2));
        add(INT2VECTOR, "int2vector", -1, 'i', (c, m, f) -> new ArrayFormatter(c, f.forType(INT2), 2, 's', ' ', true));
        add(INT4, "integer", 4, 'i', (c, m, f) -> new IntegerFormatter(c, IntegerFormatter.Kind.INT4));
        add(REGPROC, "regproc", 4, 'i', reg(RegFormatter.Kind.OTHER));
        add(TEXT, "text", -1, 'i', TEXT_LIKE);
        add(OID, "oid", 4, 'i', UINT4);
        add(TID, "tid", 6, 's', (c, m, f) -> new SystemFormatter(c, SystemFormatter.Kind.TID));
        add(XID, "xid", 4, 'i', UINT4);
        add(CID, "cid", 4, 'i', UINT4);
        add(OIDVECTOR, "oidvector", -1, 'i', (c, m, f) -> new ArrayFormatter(c, f.forType(OID), 4, 'i', ' ', true));
        add(JSON, "json", -1, 'i', TEXT_LIKE);
        add(XML, "xml", -1, 'i', TEXT_LIKE);
        add(POINT, "point", 16, 'd', geometric(GeometricFormatter.Kind.POINT));
        add(LSEG, "lseg", 32, 'd', geometric(GeometricFormatter.Kind.LSEG));
        add(PATH, "path", -1, 'd', geometric(GeometricFormatter.Kind.PATH));
        add(BOX, "box", 32, 'd', geometric(GeometricFormatter.Kind.BOX));
        add(POLYGON, "polygon", -1, 'd', geometric(GeometricFormatter.Kind.POLYGON));
        add(LINE, "line", 24, 'd', geometric(GeometricFormatter.Kind.LINE));
        add(CIDR, "cidr", -1, 'i', (c, m, f) -> new NetworkFormatter(c, NetworkFormatter.Kind.CIDR));
        add(FLOAT4, "real", 4, 'i', (c, m, f) -> new FloatFormatter(c, false));
        add(FLOAT8, "double precision", 8, 'd', (c, m, f) -> new FloatFormatter(c, true));
        add(CIRCLE, "circle", 24, 'd', geometric(GeometricFormatter.Kind.CIRCLE));
        add(MACADDR8, "macaddr8", 8, 'i', (c, m, f) -> new NetworkFormatter(c, NetworkFormatter.Kind.MACADDR8));
        add(MONEY, "money", 8, 'd', (c, m, f) -> new MoneyFormatter(c));
        add(MACADDR, "macaddr", 6, 'i', (c, m, f) -> new NetworkFormatter(c, NetworkFormatter.Kind.MACADDR));
        add(INET, "inet", -1, 'i', (c, m, f) -> new NetworkFormatter(c, NetworkFormatter.Kind.INET));
        add(BPCHAR, "bpchar", -1, 'i', TEXT_LIKE);
        add(VARCHAR, "character varying", -1, 'i', TEXT_LIKE);
        add(DATE, "date", 4, 'i', dateTime(DateTimeFormatter.Kind.DATE));
        add(TIME, "time without time zone", 8, 'd', dateTime(DateTimeFormatter.Kind.TIME));
        add(TIMESTAMP, "timestamp without time zone", 8, 'd', dateTime(DateTimeFormatter.Kind.TIMESTAMP));
        add(TIMESTAMPTZ, "timestamp with time zone", 8, 'd', dateTime(DateTimeFormatter.Kind.TIMESTAMPTZ));
        add(INTERVAL, "interval", 16, 'd', dateTime(DateTimeFormatter.Kind.INTERVAL));
        add(TIMETZ, "time with time zone", 12, 'd', dateTime(DateTimeFormatter.Kind.TIMETZ));
        add(BIT, "\"bit\"", -1, 'i', (c, m, f) -> new BitStringFormatter(c));
        add(VARBIT, "bit varying", -1, 'i', (c, m, f) -> new BitStringFormatter(c));
        add(NUMERIC, "numeric", -1, 'i', (c, m, f) -> new NumericFormatter(c));
        add(REGPROCEDURE, "regprocedure", 4, 'i', reg(RegFormatter.Kind.OTHER));
        add(REGOPER, "regoper", 4, 'i', reg(RegFormatter.Kind.OPERATOR));
        add(REGOPERATOR, "regoperator", 4, 'i', reg(RegFormatter.Kind.OPERATOR));
        add(REGCLASS, "regclass", 4, 'i', reg(RegFormatter.Kind.RELATION));
        add(REGTYPE, "regtype", 4, 'i', reg(RegFormatter.Kind.TYPE));
        add(CSTRING, "cstring", -2, 'c', (c, m, f) -> new TextFormatter(c, true));
        add(UUID, "uuid", 16, 'c', (c, m, f) -> new UuidFormatter(c));
        add(PG_LSN, "pg_lsn", 8, 'd', (c, m, f) -> new SystemFormatter(c, SystemFormatter.Kind.PG_LSN));
        add(REGCONFIG, "regconfig", 4, 'i', reg(RegFormatter.Kind.OTHER));
        add(REGDICTIONARY, "regdictionary", 4, 'i', reg(RegFormatter.Kind.OTHER));
        add(JSONB, "jsonb", -1, 'i', (c, m, f) -> new JsonbFormatter(c));
        add(REGNAMESPACE, "regnamespace", 4, 'i', reg(RegFormatter.Kind.NAMESPACE));
        add(REGROLE, "regrole", 4, 'i', reg(RegFormatter.Kind.ROLE));
        add(REGCOLLATION, "regcollation", 4, 'i', reg(RegFormatter.Kind.OTHER));
        add(XID8, "xid8", 8, 'd', (c, m, f) -> new IntegerFormatter(c, IntegerFormatter.Kind.UINT8));
        add(REFCURSOR, "refcursor", -1, 'i', TEXT_LIKE);
        add(ACLITEM, "aclitem", 12, 'i', (c, m, f) -> new AclItemFormatter(c, f.names()));
        add(TXID_SNAPSHOT, "txid_snapshot", -1, 'd', SNAPSHOT);
        add(PG_SNAPSHOT, "pg_snapshot", -1, 'd', SNAPSHOT);
        add(TSVECTOR, "tsvector", -1, 'i', (c, m, f) -> new TsVectorFormatter(c));
        add(TSQUERY, "tsquery", -1, 'i', (c, m, f) -> new TsQueryFormatter(c));
        add(JSONPATH, "jsonpath", -1, 'i', (c, m, f) -> new JsonPathFormatter(c, m));
    }

    private BuiltinTypes() {
    }

    private static void add(long oid, String castName, int len, char align, Factory factory) {
        BY_OID.put(oid, new Builtin(oid, castName, len, align, factory));
    }

    private static Factory geometric(GeometricFormatter.Kind kind) {
        return (c, m, f) -> new GeometricFormatter(c, kind);
    }

    private static Factory reg(RegFormatter.Kind kind) {
        return (c, m, f) -> new RegFormatter(c, kind, f.names());
    }

    private static Factory dateTime(DateTimeFormatter.Kind kind) {
        return (c, m, f) -> new DateTimeFormatter(c, kind, m);
    }

    /**
     * {@code format_type()}'s name of a built-in type, as regtype prints it, or null: the cast name
     * but for {@code character} and {@code bit}.
     */
    static String formatTypeName(long oid) {
        if (oid == BPCHAR) {
            return "character";
        }
        if (oid == BIT) {
            return "bit";
        }
        Builtin b = BY_OID.get(oid);
        return b == null ? null : b.castName();
    }

    /**
     * Storage of a built-in type on a server of this major: as {@link #get}, but aclitem grew from 12
     * bytes (int-aligned) to 16 (double-aligned) in 16, when its privilege mask became 64 bits.
     */
    static Builtin storage(long oid, int serverMajor) {
        Builtin b = BY_OID.get(oid);
        if (b != null && oid == ACLITEM && serverMajor >= 16) {
            return new Builtin(oid, b.castName(), 16, 'd', b.factory());
        }
        return b;
    }

    /** The built-in type with this OID, or null. */
    static Builtin get(long oid) {
        return BY_OID.get(oid);
    }
}
