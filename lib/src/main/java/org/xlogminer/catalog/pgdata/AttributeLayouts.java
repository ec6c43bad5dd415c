package org.xlogminer.catalog.pgdata;

import java.util.ArrayList;
import java.util.List;

import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.pgdata.PgDataException.Kind;

/**
 * The attributes of pg_attribute itself per major (what {@code pg_attribute.h} declares, as each
 * major's own pg_attribute rows for attrelid 1249 list them): the one catalog whose layout must be
 * known before any catalog can be read. Every other catalog's layout is read from pg_attribute.
 * Each entry is name:attlen:attalign.
 */
final class AttributeLayouts {

    private static final String COMMON_HEAD = "attrelid:4:i attname:64:c atttypid:4:i ";
    private static final String VAR_TAIL = " attoptions:-1:i attfdwoptions:-1:i attmissingval:-1:d";

    private static final String PG13 = COMMON_HEAD + "attstattarget:4:i attlen:2:s attnum:2:s attndims:4:i "
        + "attcacheoff:4:i atttypmod:4:i attbyval:1:c attstorage:1:c attalign:1:c attnotnull:1:c atthasdef:1:c "
        + "atthasmissing:1:c attidentity:1:c attgenerated:1:c attisdropped:1:c attislocal:1:c attinhcount:4:i "
        + "attcollation:4:i attacl:-1:i" + VAR_TAIL;
    private static final String PG14 = COMMON_HEAD + "attstattarget:4:i attlen:2:s attnum:2:s attndims:4:i "
        + "attcacheoff:4:i atttypmod:4:i attbyval:1:c attalign:1:c attstorage:1:c attcompression:1:c "
        + "attnotnull:1:c atthasdef:1:c atthasmissing:1:c attidentity:1:c attgenerated:1:c attisdropped:1:c "
        + "attislocal:1:c attinhcount:4:i attcollation:4:i attacl:-1:i" + VAR_TAIL;
    private static final String PG16 = COMMON_HEAD + "attlen:2:s attnum:2:s attcacheoff:4:i atttypmod:4:i "
        + "attndims:2:s attbyval:1:c attalign:1:c attstorage:1:c attcompression:1:c attnotnull:1:c atthasdef:1:c "
        + "atthasmissing:1:c attidentity:1:c attgenerated:1:c attisdropped:1:c attislocal:1:c attinhcount:2:s "
        + "attstattarget:2:s attcollation:4:i attacl:-1:d" + VAR_TAIL;
    private static final String PG17 = COMMON_HEAD + "attlen:2:s attnum:2:s attcacheoff:4:i atttypmod:4:i "
        + "attndims:2:s attbyval:1:c attalign:1:c attstorage:1:c attcompression:1:c attnotnull:1:c atthasdef:1:c "
        + "atthasmissing:1:c attidentity:1:c attgenerated:1:c attisdropped:1:c attislocal:1:c attinhcount:2:s "
        + "attcollation:4:i attstattarget:2:s attacl:-1:d" + VAR_TAIL;
    private static final String PG18 = COMMON_HEAD + "attlen:2:s attnum:2:s atttypmod:4:i "
        + "attndims:2:s attbyval:1:c attalign:1:c attstorage:1:c attcompression:1:c attnotnull:1:c atthasdef:1:c "
        + "atthasmissing:1:c attidentity:1:c attgenerated:1:c attisdropped:1:c attislocal:1:c attinhcount:2:s "
        + "attcollation:4:i attstattarget:2:s attacl:-1:d" + VAR_TAIL;

    private AttributeLayouts() {
    }

    /** pg_attribute's attributes on this major. */
    static List<ColumnInfo> pgAttribute(int major) {
        String spec = switch (major) {
            case 13 -> PG13;
            case 14, 15 -> PG14;
            case 16 -> PG16;
            case 17 -> PG17;
            case 18 -> PG18;
            default -> throw new PgDataException(Kind.UNSUPPORTED, "PG_VERSION",
                "PostgreSQL " + major + " is not supported (13 to 18)");
        };
        List<ColumnInfo> columns = new ArrayList<>();
        for (String entry : spec.split(" ")) {
            String[] p = entry.split(":");
            int len = Integer.parseInt(p[1]);
            columns.add(new ColumnInfo(columns.size() + 1, p[0], 0, -1, len, len > 0 && len <= 8, p[2].charAt(0),
                len == -1 ? 'x' : 'p', true, false, false, null));
        }
        return columns;
    }
}
