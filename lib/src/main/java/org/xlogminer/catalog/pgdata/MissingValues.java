package org.xlogminer.catalog.pgdata;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

import org.xlogminer.catalog.pgdata.StoredRows.TypeRow;
import org.xlogminer.tuple.HeapTupleHeaderLayout;
import org.xlogminer.tuple.TupleFormatException;
import org.xlogminer.tuple.Varlena;
import org.xlogminer.types.ValueFormatter;
import org.xlogminer.types.ValueFormatters;

/**
 * The text the JDBC capture takes of {@code pg_attribute.attmissingval}: {@code
 * array_to_string(attmissingval, ',')}, the non-NULL elements' output text joined by commas (a
 * missing value is a one-element array), NULL when the array is {@code {NULL}}. The array's bytes
 * are read as {@code ArrayType} (array.h; offsets from the 4-byte header the payload follows) and
 * each element is formatted by the {@code types} package. Not thread-safe (the formatters).
 */
final class MissingValues {

    private final Map<Long, TypeRow> types;
    private final ValueFormatters formatters;

    MissingValues(Map<Long, TypeRow> types, ValueFormatters formatters) {
        this.types = types;
        this.formatters = formatters;
    }

    /**
     * The text of a missing-value array, or null when its only element is NULL.
     *
     * @param payload the array datum without its varlena header
     * @param where   the pg_attribute row, for messages
     * @throws IllegalArgumentException (with the reason) when the array cannot be read or its
     *                                  element type cannot be formatted
     */
    String text(byte[] payload, String where) {
        ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        if (payload.length < 12) {
            throw new IllegalArgumentException(where + ": array of " + payload.length + " bytes");
        }
        int ndim = b.getInt(0);
        int dataOffset = b.getInt(4);
        long elemType = Integer.toUnsignedLong(b.getInt(8));
        if (ndim < 0 || ndim > 6 || 12 + 8 * ndim > payload.length) {
            throw new IllegalArgumentException(where + ": array of " + ndim + " dimensions");
        }
        int items = ndim == 0 ? 0 : 1;
        for (int d = 0; d < ndim; d++) {
            items = Math.multiplyExact(items, b.getInt(12 + 4 * d));
        }
        TypeRow elem = types.get(elemType);
        if (elem == null) {
            throw new IllegalArgumentException(where + ": element type " + elemType + " is not in pg_type");
        }
        ValueFormatter f = formatters.forType(elemType);
        if (!f.isDecodable()) {
            throw new IllegalArgumentException(where + ": values of type " + elemType + " cannot be decoded");
        }
        int bitmap = dataOffset != 0 ? 12 + 8 * ndim : -1;
        // offsets in the datum count its 4-byte header; the payload starts after it
        int pos = (dataOffset != 0 ? dataOffset : HeapTupleHeaderLayout.align(16 + 8 * ndim, 8)) - 4;
        int align = HeapTupleHeaderLayout.alignment(elem.align());
        StringBuilder out = new StringBuilder();
        boolean any = false;
        try {
            for (int i = 0; i < items; i++) {
                if (bitmap >= 0 && (b.get(bitmap + (i >> 3)) & (1 << (i & 7))) == 0) {
                    continue;
                }
                pos = HeapTupleHeaderLayout.align(pos + 4, align) - 4;
                int off;
                int len;
                int size;
                if (elem.len() > 0) {
                    off = pos;
                    len = elem.len();
                    size = len;
                } else if (elem.len() == -1) {
                    size = Varlena.totalSize(b, pos);
                    off = pos + Varlena.headerSize(b, pos);
                    len = size - (off - pos);
                } else {
                    int end = pos;
                    while (payload[end] != 0) {
                        end++;
                    }
                    off = pos;
                    len = end - pos;
                    size = len + 1;
                }
                if (len < 0 || off + len > payload.length) {
                    throw new IllegalArgumentException(where + ": array element runs past the array's end");
                }
                if (any) {
                    out.append(',');
                }
                f.appendText(out, b, off, len);
                any = true;
                pos += size;
            }
        } catch (IndexOutOfBoundsException | TupleFormatException e) {
            throw new IllegalArgumentException(where + ": array does not read: " + e.getMessage(), e);
        }
        return any || items == 0 ? out.toString() : null;
    }
}
