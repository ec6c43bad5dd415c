package org.xlogminer.catalog.pgdata;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.TransactionIds;
import org.xlogminer.catalog.pgdata.PgDataException.Kind;
import org.xlogminer.page.PageLayout;
import org.xlogminer.tuple.DeformedTuple;
import org.xlogminer.tuple.HeapTupleDeformer;
import org.xlogminer.tuple.HeapTupleHeaderLayout;
import org.xlogminer.tuple.TupleFormatException;

/**
 * One system catalog as stored: its attributes (from pg_attribute, or {@link AttributeLayouts}
 * for pg_attribute itself), a {@link HeapTupleDeformer} for its tuples, and a scan of its files
 * that hands each live row ({@link TupleVisibility}) to the caller as a {@link Row}. Not
 * thread-safe.
 */
final class CatalogTable {

    private final String name;
    private final Map<String, Integer> index = new HashMap<>();
    private final HeapTupleDeformer deformer;

    CatalogTable(String name, List<ColumnInfo> columns) {
        this.name = name;
        for (ColumnInfo c : columns) {
            index.put(c.name(), c.attnum() - 1);
        }
        this.deformer = HeapTupleDeformer.forAttributes(name, columns);
    }

    String name() {
        return name;
    }

    /** The 0-based index of a column; UNSUPPORTED when this catalog has no such column. */
    int column(String column) {
        Integer i = index.get(column);
        if (i == null) {
            throw new PgDataException(Kind.UNSUPPORTED, name, "has no column " + column);
        }
        return i;
    }

    /** The 0-based index of a column, or -1 when this catalog (of this major) has none. */
    int columnOrNone(String column) {
        return index.getOrDefault(column, -1);
    }

    /**
     * Calls {@code sink} for every live row in the relation's segment files (the main fork: file,
     * file.1, ...), the {@link Row} being overwritten by the next call.
     *
     * @param file the first segment's path, for messages
     */
    void scan(List<byte[]> segments, String file, TupleVisibility visibility, Consumer<Row> sink,
              Consumer<String> warnings) {
        Row row = new Row();
        for (int s = 0; s < segments.size(); s++) {
            byte[] bytes = segments.get(s);
            String segFile = s == 0 ? file : file + "." + s;
            if (bytes.length % PageLayout.BLCKSZ != 0) {
                warnings.accept(segFile + ": " + bytes.length % PageLayout.BLCKSZ
                    + " bytes after its last whole page are ignored (a file being extended when it was copied)");
            }
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            for (int block = 0; block + PageLayout.BLCKSZ <= bytes.length; block += PageLayout.BLCKSZ) {
                String where = segFile + " block " + (block / PageLayout.BLCKSZ);
                HeapPageReader.forEachTuple(buf, block, where, (b, off, len, offnum) -> {
                    int infomask = b.getShort(off + HeapTupleHeaderLayout.T_INFOMASK) & 0xFFFF;
                    if (!visibility.visible(b.getInt(off + HeapTupleHeaderLayout.T_XMIN),
                        b.getInt(off + HeapTupleHeaderLayout.T_XMAX), infomask)) {
                        return;
                    }
                    int infomask2 = b.getShort(off + HeapTupleHeaderLayout.T_INFOMASK2) & 0xFFFF;
                    int hoff = b.get(off + HeapTupleHeaderLayout.T_HOFF) & 0xFF;
                    try {
                        row.tuple = deformer.deform(b, off + HeapTupleHeaderLayout.SIZE,
                            len - HeapTupleHeaderLayout.SIZE, infomask2, infomask, hoff);
                        row.where = where;
                        row.xmin = TransactionIds.of(b.getInt(off + HeapTupleHeaderLayout.T_XMIN));
                        row.offnum = offnum;
                        sink.accept(row);
                    } catch (TupleFormatException e) {
                        throw new PgDataException(Kind.CORRUPT, where, "tuple " + offnum + " of " + name
                            + " does not deform: " + e.getMessage(), e);
                    }
                });
            }
        }
    }

    /** A live row of the catalog being scanned: its columns by 0-based index. */
    final class Row {

        private DeformedTuple tuple;
        private long xmin;
        private String where;
        private int offnum;

        boolean isNull(int i) {
            return !tuple.isPresent(i);
        }

        /** An oid column, unsigned. */
        long oid(int i) {
            return Integer.toUnsignedLong(int4(i));
        }

        int int4(int i) {
            present(i);
            return tuple.buffer().getInt(tuple.offset(i));
        }

        int int2(int i) {
            present(i);
            return tuple.buffer().getShort(tuple.offset(i));
        }

        boolean bool(int i) {
            present(i);
            return tuple.buffer().get(tuple.offset(i)) != 0;
        }

        /** A "char" column: its byte as a char, '\0' for none. */
        char ch(int i) {
            present(i);
            return (char) (tuple.buffer().get(tuple.offset(i)) & 0xFF);
        }

        /** A name column: the bytes up to the first NUL, UTF-8. */
        String name(int i) {
            present(i);
            ByteBuffer b = tuple.buffer();
            int off = tuple.offset(i);
            int n = 0;
            while (n < tuple.length(i) && b.get(off + n) != 0) {
                n++;
            }
            byte[] bytes = new byte[n];
            b.get(off, bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** An int2vector column (indkey): its elements. */
        List<Integer> int2vector(int i) {
            present(i);
            ByteBuffer b = tuple.buffer();
            int p = tuple.payloadOffset(i);
            int len = tuple.payloadLength(i);
            if (len < 20) {
                throw corrupt(i, "int2vector of " + len + " bytes");
            }
            int n = b.getInt(p + 12);
            if (b.getInt(p) != 1 || n < 0 || 20 + 2 * n > len) {
                throw corrupt(i, "int2vector of " + n + " elements in " + len + " bytes");
            }
            List<Integer> out = new ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                out.add((int) b.getShort(p + 20 + 2 * k));
            }
            return out;
        }

        /** The tuple header's raw t_xmin, unsigned. */
        long xmin() {
            return xmin;
        }

        DeformedTuple tuple() {
            return tuple;
        }

        String where() {
            return where + " tuple " + offnum;
        }

        private void present(int i) {
            if (!tuple.isPresent(i)) {
                throw corrupt(i, "NULL or missing");
            }
        }

        PgDataException corrupt(int i, String problem) {
            return new PgDataException(Kind.CORRUPT, where(), name + " column " + (i + 1) + ": " + problem);
        }
    }
}
