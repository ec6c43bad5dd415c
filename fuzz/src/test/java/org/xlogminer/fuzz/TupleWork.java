package org.xlogminer.fuzz;

import java.nio.ByteBuffer;

import org.xlogminer.tuple.DatumDecompressor;
import org.xlogminer.tuple.DeformedTuple;
import org.xlogminer.types.TupleValues;
import org.xlogminer.types.ValueFormatter;
import org.xlogminer.wal.WalException;

/**
 * What mining does with a tuple's bytes: deform it against a table of the catalog, then print
 * every present value as text and as an SQL literal (decompressing inline-compressed datums).
 * A {@link WalException} (a TupleFormatException) is the documented answer to a tuple that does
 * not fit; anything else escapes to the fuzzer.
 */
public final class TupleWork {

    private final DatumDecompressor decompressor = new DatumDecompressor();
    private final StringBuilder out = new StringBuilder();

    /** Deforms and formats the tuple {@code len} bytes from its bitmap at {@code off}. */
    public void tuple(FuzzCatalog.Table table, ByteBuffer buf, int off, int len, int infomask2, int infomask, int hoff) {
        DeformedTuple d;
        try {
            d = table.deformer().deform(buf, off, len, infomask2, infomask, hoff);
        } catch (WalException e) {
            return;
        }
        ValueFormatter[] f = table.formatters();
        for (int i = 0; i < d.columnCount() && i < f.length; i++) {
            if (f[i] == null) {
                continue;
            }
            out.setLength(0);
            try {
                TupleValues.appendText(f[i], out, d, i, decompressor);
                TupleValues.appendSqlLiteral(f[i], out, d, i, decompressor);
            } catch (WalException e) {
                // documented: a TOAST pointer or a corrupt compressed datum
            }
        }
    }
}
