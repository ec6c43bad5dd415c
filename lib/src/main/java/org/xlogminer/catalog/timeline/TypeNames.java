package org.xlogminer.catalog.timeline;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.TypeInfo;
import org.xlogminer.types.ValueFormatters;

/**
 * A column's type as {@code format_type(atttypid, atttypmod)} writes it: the type's name with its
 * modifier, {@code numeric(12,2)}, {@code character varying(20)}, {@code timestamp(3) without time
 * zone}, {@code interval day to second(3)}, {@code bit(8)}, and an array's as its element's with
 * {@code []}. The modifier of a type whose typmodout is not built in is shown as a number
 * ({@code (typmod 7)}), never guessed. Stateless.
 */
final class TypeNames {

    private static final int VARHDRSZ = 4;

    private TypeNames() {
    }

    /** The name of type {@code oid} with modifier {@code typmod} (-1: none), as of catalog {@code s}. */
    static String of(CatalogSnapshot s, long oid, int typmod) {
        TypeInfo t = s.type(oid);
        String name = t != null ? t.sqlName() : ValueFormatters.builtinTypeName(oid);
        if (name == null) {
            return "type " + oid; // a type the catalog never saw in use, not a built-in scalar
        }
        if (typmod < 0) {
            return name;
        }
        if (t != null && t.category() == 'A' && t.elementOid() != 0 && t.len() == -1) {
            return of(s, t.elementOid(), typmod) + "[]";
        }
        return switch ((int) oid) {
            case 1700 -> typmod >= VARHDRSZ ? "numeric(" + ((typmod - VARHDRSZ) >> 16 & 0xffff) + ","
                + ((((typmod - VARHDRSZ) & 0x7ff) ^ 1024) - 1024) + ")" : name;
            case 1042, 1043 -> typmod >= VARHDRSZ ? name + "(" + (typmod - VARHDRSZ) + ")" : name;
            case 1560, 1562 -> name + "(" + typmod + ")";
            case 1083, 1114, 1184, 1266 -> {
                int space = name.indexOf(' ');
                yield space < 0 ? name + "(" + typmod + ")"
                    : name.substring(0, space) + "(" + typmod + ")" + name.substring(space);
            }
            case 1186 -> name + interval(typmod);
            default -> name + " (typmod " + typmod + ")";
        };
    }

    /** intervaltypmodout: the fields, then the precision (0xFFFF: none). */
    private static String interval(int typmod) {
        int precision = typmod & 0xFFFF;
        int fields = typmod >> 16 & 0x7FFF;
        int year = 1 << 2;
        int month = 1 << 1;
        int day = 1 << 3;
        int hour = 1 << 10;
        int minute = 1 << 11;
        int second = 1 << 12;
        String f;
        if (fields == year) {
            f = " year";
        } else if (fields == month) {
            f = " month";
        } else if (fields == day) {
            f = " day";
        } else if (fields == hour) {
            f = " hour";
        } else if (fields == minute) {
            f = " minute";
        } else if (fields == second) {
            f = " second";
        } else if (fields == (year | month)) {
            f = " year to month";
        } else if (fields == (day | hour)) {
            f = " day to hour";
        } else if (fields == (day | hour | minute)) {
            f = " day to minute";
        } else if (fields == (day | hour | minute | second)) {
            f = " day to second";
        } else if (fields == (hour | minute)) {
            f = " hour to minute";
        } else if (fields == (hour | minute | second)) {
            f = " hour to second";
        } else if (fields == (minute | second)) {
            f = " minute to second";
        } else {
            f = ""; // INTERVAL_FULL_RANGE
        }
        return precision != 0xFFFF ? f + "(" + precision + ")" : f;
    }
}
