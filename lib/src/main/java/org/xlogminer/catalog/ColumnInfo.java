package org.xlogminer.catalog;

import java.util.Objects;

/**
 * One pg_attribute row of a table (or of a composite type).
 *
 * @param attnum        1-based position; tuples store attributes in this order
 * @param name          attname ("........pg.dropped.N........" for dropped columns)
 * @param typeOid       atttypid (0 for dropped columns)
 * @param typmod        atttypmod (-1 when none)
 * @param len           attlen: &gt; 0 fixed width, -1 varlena, -2 cstring
 * @param byval         attbyval
 * @param align         attalign: 'c', 's', 'i' or 'd'
 * @param storage       attstorage: 'p', 'e', 'm' or 'x'
 * @param notNull       attnotnull
 * @param dropped       attisdropped: still takes its place in old tuples
 * @param hasMissing    atthasmissing: tuples written before the column was added lack it and
 *                      read as {@link #missingValue()}
 * @param missingValue  the text form of attmissingval's single element, or null
 */
public record ColumnInfo(int attnum, String name, long typeOid, int typmod, int len, boolean byval, char align,
                         char storage, boolean notNull, boolean dropped, boolean hasMissing, String missingValue) {

    public ColumnInfo {
        Objects.requireNonNull(name, "name");
        if (attnum < 1) {
            throw new IllegalArgumentException("attnum must be positive: " + attnum);
        }
    }
}
