package org.xlogminer.jmh;

import java.util.ArrayList;
import java.util.List;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.event.Column;
import org.xlogminer.event.Row;
import org.xlogminer.event.Value;
import org.xlogminer.tuple.DatumDecompressor;
import org.xlogminer.tuple.DeformedTuple;
import org.xlogminer.tuple.HeapTupleDeformer;
import org.xlogminer.types.FormatWarnings;
import org.xlogminer.types.ObjectNames;
import org.xlogminer.types.TupleValues;
import org.xlogminer.types.ValueFormatter;
import org.xlogminer.types.ValueFormatters;

/**
 * One table's decoding plan as the miner makes it: a {@link HeapTupleDeformer} and one
 * {@link ValueFormatter} per column, chosen once. {@link #row} turns a deformed tuple into an event
 * {@link Row} the way the miner's row decoder does for a tuple whose values are all inline: per
 * present column a {@link Value.Known} with its text and its SQL literal, {@link Value#NULL} for a
 * NULL. (TOAST pointers, which need the chunks of the WAL read, are refused.)
 *
 * <p>Not thread-safe: one per benchmark thread.
 */
final class RowBuilder {

    private final TableInfo table;
    private final HeapTupleDeformer deformer;
    private final ValueFormatter[] formatters;
    private final DatumDecompressor decompressor = new DatumDecompressor();
    private final StringBuilder text = new StringBuilder(256);
    private final StringBuilder literal = new StringBuilder(256);

    RowBuilder(CatalogSnapshot catalog, TableInfo table) {
        this.table = table;
        this.deformer = HeapTupleDeformer.forTable(table);
        ValueFormatters factory = new ValueFormatters(catalog.types(), ObjectNames.of(catalog), catalog.major(),
            new FormatWarnings());
        List<ColumnInfo> cols = table.columns();
        this.formatters = new ValueFormatter[cols.size()];
        for (int i = 0; i < formatters.length; i++) {
            ColumnInfo c = cols.get(i);
            if (!c.dropped()) {
                formatters[i] = factory.forColumn(c);
                if (!formatters[i].isDecodable()) {
                    throw new IllegalStateException("column " + c.name() + " of " + table.qualifiedName()
                        + " has a type xlogminer cannot decode: " + factory.warnings());
                }
            }
        }
    }

    HeapTupleDeformer deformer() {
        return deformer;
    }

    /** The formatter of column {@code index} (attnum - 1); null for a dropped column. */
    ValueFormatter formatter(int index) {
        return formatters[index];
    }

    /** For inline-compressed values, as {@link TupleValues} wants. */
    DatumDecompressor decompressor() {
        return decompressor;
    }

    /** Deforms tuple {@code i} of {@code tuples}. */
    DeformedTuple deform(UpdatedTuples tuples, int i) {
        return deformer.deform(tuples.buffer(), tuples.offset(i), tuples.length(i), tuples.infomask2(i),
            tuples.infomask(i), tuples.hoff(i));
    }

    /** The event row of a deformed tuple: every column but the dropped ones, in attnum order. */
    Row row(DeformedTuple d) {
        List<ColumnInfo> cols = table.columns();
        List<Column> out = new ArrayList<>(cols.size());
        for (int i = 0; i < cols.size(); i++) {
            ColumnInfo c = cols.get(i);
            if (c.dropped()) {
                continue;
            }
            ValueFormatter f = formatters[i];
            Value v;
            text.setLength(0);
            if (TupleValues.appendText(f, text, d, i, decompressor)) {
                literal.setLength(0);
                TupleValues.appendSqlLiteral(f, literal, d, i, decompressor);
                v = new Value.Known(text.toString(), literal.toString());
            } else {
                v = Value.NULL;
            }
            out.add(new Column(c.name(), f.sqlType(), v));
        }
        return new Row(out);
    }
}
