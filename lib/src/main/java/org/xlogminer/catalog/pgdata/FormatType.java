package org.xlogminer.catalog.pgdata;

import java.util.Map;

import org.xlogminer.catalog.pgdata.StoredRows.TypeRow;
import org.xlogminer.sql.SqlText;

/**
 * {@code format_type(oid, NULL)} as the JDBC capture calls it with {@code search_path =
 * pg_catalog} ({@code format_type_extended} of {@code src/backend/utils/adt/format_type.c}): a
 * true array (typelem set, typlen -1, storage not plain) is its element's name with {@code []};
 * the built-in types the grammar knows by SQL name print that name (int4 is {@code integer},
 * bpchar {@code character}); any other type prints its name, quoted as {@code quote_identifier}
 * quotes, qualified by its schema unless that is pg_catalog (the only schema on the path).
 */
final class FormatType {

    static final long PG_CATALOG = 11;

    private FormatType() {
    }

    /** The SQL name of type {@code oid}; {@code ???} when there is no such type, as the server says. */
    static String of(long oid, Map<Long, TypeRow> types, Map<Long, String> namespaces) {
        TypeRow t = types.get(oid);
        if (t == null) {
            return oid == 0 ? "-" : "???";
        }
        boolean array = false;
        if (t.elem() != 0 && t.len() == -1 && t.storage() != 'p') {
            TypeRow e = types.get(t.elem());
            if (e == null) {
                return "???[]";
            }
            t = e;
            array = true;
        }
        String name = builtin(t.oid());
        if (name == null) {
            String nsp = t.namespace() == PG_CATALOG ? null : namespaces.get(t.namespace());
            name = nsp == null ? SqlText.quoteIdentifier(t.name()) : SqlText.qualifiedName(nsp, t.name());
        }
        return array ? name + "[]" : name;
    }

    private static String builtin(long oid) {
        return switch ((int) oid) {
            case 1560 -> "bit";
            case 16 -> "boolean";
            case 1042 -> "character";
            case 700 -> "real";
            case 701 -> "double precision";
            case 21 -> "smallint";
            case 23 -> "integer";
            case 20 -> "bigint";
            case 1700 -> "numeric";
            case 1186 -> "interval";
            case 1083 -> "time without time zone";
            case 1266 -> "time with time zone";
            case 1114 -> "timestamp without time zone";
            case 1184 -> "timestamp with time zone";
            case 1562 -> "bit varying";
            case 1043 -> "character varying";
            default -> null;
        };
    }
}
