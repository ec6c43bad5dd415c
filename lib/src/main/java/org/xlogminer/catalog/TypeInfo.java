package org.xlogminer.catalog;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One pg_type row, with what decoding values of the type needs.
 *
 * @param oid          pg_type.oid
 * @param schema       namespace name
 * @param name         typname (e.g. "int4", "_text" for text[])
 * @param sqlName      format_type(oid, NULL): the name to cast to in SQL, e.g. "integer",
 *                     "text[]", "public.mood"
 * @param kind         typtype: 'b' base, 'c' composite, 'd' domain, 'e' enum, 'p' pseudo,
 *                     'r' range, 'm' multirange
 * @param category     typcategory ('A' array, 'N' numeric, 'S' string, ...)
 * @param len          typlen
 * @param byval        typbyval
 * @param align        typalign
 * @param elementOid   typelem for arrays (0 otherwise)
 * @param arrayOid     typarray (0 if none)
 * @param baseTypeOid  typbasetype for domains (0 otherwise)
 * @param baseTypmod   typtypmod for domains (-1 otherwise)
 * @param enumLabels   for enums: pg_enum.oid (what tuples store) to label
 * @param attributes   for composites: the attributes of typrelid, by attnum
 * @param rangeSubtype for ranges: rngsubtype; for multiranges (14+): their range type
 *                     (pg_range.rngtypid of the row whose rngmultitypid is this type); 0 otherwise
 */
public record TypeInfo(long oid, String schema, String name, String sqlName, char kind, char category, int len,
                       boolean byval, char align, long elementOid, long arrayOid, long baseTypeOid, int baseTypmod,
                       Map<Long, String> enumLabels, List<ColumnInfo> attributes, long rangeSubtype) {

    public TypeInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sqlName, "sqlName");
        enumLabels = Map.copyOf(enumLabels);
        attributes = List.copyOf(attributes);
    }
}
