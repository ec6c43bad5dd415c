package org.xlogminer.catalog.pgdata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.pgdata.PgDataException.Kind;
import org.xlogminer.catalog.pgdata.StoredRows.AttributeRow;
import org.xlogminer.tuple.DatumDecompressor;

/**
 * Reads system catalogs' heap files out of a {@link PgDataFiles}: their segments, their layouts
 * (pg_attribute rows), and their live rows. Not thread-safe.
 */
final class CatalogReader {

    /** Receives a live row of a catalog (the row is overwritten by the next). */
    interface RowSink {
        void row(CatalogTable table, CatalogTable.Row row);
    }

    private static final Map<Long, String> NAMES = Map.of(PgDataCapture.PG_CLASS, "pg_class",
        PgDataCapture.PG_ATTRIBUTE, "pg_attribute", PgDataCapture.PG_TYPE, "pg_type",
        PgDataCapture.PG_NAMESPACE, "pg_namespace", PgDataCapture.PG_ENUM, "pg_enum",
        PgDataCapture.PG_INDEX, "pg_index", PgDataCapture.PG_RANGE, "pg_range",
        PgDataCapture.PG_DATABASE, "pg_database", PgDataCapture.PG_INHERITS, "pg_inherits");

    private final PgDataFiles files;
    private final TupleVisibility visibility;
    private final Consumer<String> warnings;

    CatalogReader(PgDataFiles files, TupleVisibility visibility, Consumer<String> warnings) {
        this.files = files;
        this.visibility = visibility;
        this.warnings = warnings;
    }

    /** Has the relation files (all their segments) read in one go where that matters (a tar). */
    void prefetchRelations(Collection<String> relationFiles) throws IOException {
        Set<String> set = Set.copyOf(relationFiles);
        files.prefetch(n -> {
            int dot = n.lastIndexOf('.');
            return set.contains(n) || dot > 0 && set.contains(n.substring(0, dot))
                && n.substring(dot + 1).matches("[0-9]+");
        });
    }

    /** Every pg_attribute row of the file (attnum &gt; 0), read with pg_attribute's layout of this major. */
    List<AttributeRow> attributes(int major, String file) {
        List<AttributeRow> rows = new ArrayList<>();
        DatumDecompressor decompressor = new DatumDecompressor();
        scan(new CatalogTable("pg_attribute", AttributeLayouts.pgAttribute(major)), file, (t, r) -> {
            if (r.int2(t.column("attnum")) > 0) {
                rows.add(AttributeRow.of(t, r, decompressor));
            }
        });
        return rows;
    }

    /** The layouts of these catalogs, from pg_attribute's rows. */
    static Map<Long, CatalogTable> layouts(List<AttributeRow> attributes, Set<Long> relids) {
        Map<Long, List<ColumnInfo>> columns = new HashMap<>();
        for (AttributeRow a : attributes) {
            if (relids.contains(a.relid())) {
                columns.computeIfAbsent(a.relid(), k -> new ArrayList<>()).add(a.column());
            }
        }
        Map<Long, CatalogTable> out = new HashMap<>();
        for (long relid : relids) {
            List<ColumnInfo> cs = columns.get(relid);
            if (cs == null) {
                throw new PgDataException(Kind.CORRUPT, "pg_attribute", "has no rows of " + NAMES.get(relid));
            }
            cs.sort((a, b) -> Integer.compare(a.attnum(), b.attnum()));
            out.put(relid, new CatalogTable(NAMES.get(relid), cs));
        }
        return out;
    }

    /** Calls {@code sink} for every live row of the relation stored in {@code file} (and its later segments). */
    void scan(CatalogTable table, String file, RowSink sink) {
        table.scan(segments(file), file, visibility, r -> sink.row(table, r), warnings);
    }

    private List<byte[]> segments(String file) {
        try {
            List<byte[]> segments = new ArrayList<>();
            byte[] b = files.read(file);
            if (b == null) {
                throw new PgDataException(Kind.CORRUPT, file, "missing: the file of a system catalog is not there");
            }
            while (b != null) {
                segments.add(b);
                b = files.read(file + "." + segments.size());
            }
            return segments;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
