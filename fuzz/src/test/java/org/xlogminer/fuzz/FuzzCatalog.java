package org.xlogminer.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.xlogminer.catalog.CatalogJson;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.tuple.HeapTupleDeformer;
import org.xlogminer.types.FormatWarnings;
import org.xlogminer.types.ValueFormatter;
import org.xlogminer.types.ValueFormatters;

/**
 * The catalog the targets deform and format tuples with: the real snapshot of
 * {@code testdata/pg15-accident-replica} (copied as a test resource), with a deformer and a
 * formatter per column of each user table, made once per JVM.
 */
public final class FuzzCatalog {

    /** One user table, ready to deform its tuples and format their values. */
    public record Table(TableInfo info, HeapTupleDeformer deformer, ValueFormatter[] formatters) {
    }

    private static final FuzzCatalog INSTANCE = load();

    private final CatalogSnapshot snapshot;
    private final ValueFormatters formatters;
    private final List<Table> tables;

    private FuzzCatalog(CatalogSnapshot snapshot) {
        this.snapshot = snapshot;
        this.formatters = new ValueFormatters(snapshot.types(), snapshot.major(), new FormatWarnings());
        List<Table> t = new ArrayList<>();
        for (TableInfo info : snapshot.tables()) {
            if (!info.schema().equals("public")) {
                continue;
            }
            List<ColumnInfo> cols = info.columns();
            ValueFormatter[] f = new ValueFormatter[cols.size()];
            for (int i = 0; i < f.length; i++) {
                f[i] = cols.get(i).dropped() ? null : formatters.forColumn(cols.get(i));
            }
            t.add(new Table(info, HeapTupleDeformer.forTable(info), f));
        }
        this.tables = List.copyOf(t);
    }

    public static FuzzCatalog get() {
        return INSTANCE;
    }

    private static FuzzCatalog load() {
        try (InputStream in = FuzzCatalog.class.getResourceAsStream("catalog.json")) {
            return new FuzzCatalog(CatalogJson.read(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public CatalogSnapshot snapshot() {
        return snapshot;
    }

    public ValueFormatters formatters() {
        return formatters;
    }

    /** The user tables (public.accounts, public.standing_orders). */
    public List<Table> tables() {
        return tables;
    }

    /** The table whose relfilenode this is, else the one picked by {@code choice}. */
    public Table table(long relfilenode, int choice) {
        for (Table t : tables) {
            if (t.info().relfilenode() == relfilenode) {
                return t;
            }
        }
        return tables.get(Math.floorMod(choice, tables.size()));
    }
}
