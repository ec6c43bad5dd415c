package org.xlogminer.mine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.decode.TupleRef;
import org.xlogminer.event.Column;
import org.xlogminer.event.Row;
import org.xlogminer.event.Value;
import org.xlogminer.tuple.AttributeState;
import org.xlogminer.tuple.DatumDecompressor;
import org.xlogminer.tuple.DeformedTuple;
import org.xlogminer.tuple.HeapTupleHeaderLayout;
import org.xlogminer.tuple.TupleFormatException;
import org.xlogminer.tuple.VarlenaKind;
import org.xlogminer.types.ValueFormatter;
import org.xlogminer.wal.WalFormatException;

/**
 * Builds rows from tuples: copies each tuple's bytes into an arena (one buffer and array for many
 * rows), deforms them with the table's {@link TablePlan}, and leaves each value to be formatted
 * when the consumer asks for it (on its own thread), except the values that need this thread's
 * state (TOAST, compressed, a formatter that is not thread-safe), which are made here. What the
 * tuple does not hold becomes {@link Value.Unknown} with the reason.
 *
 * <p>Without values (see {@code MinerBuilder#values(boolean)}) every row is {@link #NO_VALUES}, but
 * those of the system catalogs, which move the followed catalog.
 *
 * <p>Not thread-safe.
 */
final class RowBuilder {

    /** Rows without columns, for counting. */
    static final Row NO_VALUES = new Row(List.of());

    /** Rows' tuple bytes, copied one after another: one buffer (and array) for many rows. */
    private static final int ARENA_BYTES = 1 << 16;

    private final boolean values;
    private final ToastResolver toast;
    private final DatumDecompressor decompressor;
    /** Output positions of the last row made whose TOAST chunks were not found. */
    private final BitSet missingToast = new BitSet();
    private final StringBuilder literal = new StringBuilder(256);
    /** The LSN of the record whose rows are made, for messages. */
    private long recordLsn;
    private byte[] arena;
    private ByteBuffer arenaBuffer;
    private int arenaAt;

    RowBuilder(boolean values, ToastResolver toast, DatumDecompressor decompressor) {
        this.values = values;
        this.toast = toast;
        this.decompressor = decompressor;
    }

    /** Whether rows get their values. */
    boolean values() {
        return values;
    }

    /**
     * Whether rows of this table get their values: all with values, else the system catalogs' only
     * (those kept are the followed ones, whose rows move the catalog).
     */
    boolean values(TableInfo t) {
        return values || t.isSystemCatalog();
    }

    /** The rows made from now on are of the record at {@code lsn}. */
    void at(long lsn) {
        recordLsn = lsn;
    }

    /** The row of a tuple logged in a record; of its replica-identity key only when {@code keyOnly}. */
    Row row(TablePlan plan, TupleRef t, boolean keyOnly) {
        return row(plan, t.buffer(), null, t.offset(), t.length(), t.infomask2(), t.infomask(), t.hoff(), keyOnly);
    }

    /** The row of a whole on-page tuple (header, then bitmap, padding and data), as a page held it. */
    Row wholeRow(TablePlan plan, byte[] tuple) {
        int h = HeapTupleHeaderLayout.SIZE;
        return row(plan, null, tuple, h, tuple.length - h, u16(tuple, HeapTupleHeaderLayout.T_INFOMASK2),
            u16(tuple, HeapTupleHeaderLayout.T_INFOMASK), tuple[HeapTupleHeaderLayout.T_HOFF] & 0xFF, false);
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    /** A row of values all unknown for the reason {@code why}. */
    Row unknownRow(TablePlan plan, String why) {
        if (!values(plan.table)) {
            return NO_VALUES;
        }
        List<Column> out = new ArrayList<>();
        Value u = new Value.Unknown(why);
        for (int i = 0; i < plan.table.columns().size(); i++) {
            ColumnInfo c = plan.table.columns().get(i);
            if (!c.dropped()) {
                out.add(new Column(c.name(), plan.formatters[i].sqlType(), u));
            }
        }
        return new Row(out);
    }

    /**
     * The new row of an UPDATE, {@code after} (the last row made), with the values whose TOAST
     * chunks were not found taken from the old row. An UPDATE that changes a TOASTed value writes its
     * new chunks in the same transaction; one that leaves it alone logs the old pointer. So a pointer
     * whose chunks are not in the WAL read is the old value (as PostgreSQL's own logical decoding
     * reasons), which the old row may hold.
     */
    Row unchangedToastFromOld(Row after, Row before) {
        if (missingToast.isEmpty()) {
            return after;
        }
        List<Column> cols = new ArrayList<>(after.columns());
        for (int i = missingToast.nextSetBit(0); i >= 0; i = missingToast.nextSetBit(i + 1)) {
            Column a = cols.get(i);
            Column b = before.column(a.name());
            if (b != null) {
                // the old value, known or not: the same unknown on both sides is "unchanged" to the SQL
                cols.set(i, new Column(a.name(), a.type(), b.value()));
            } else {
                cols.set(i, new Column(a.name(), a.type(), new Value.Unknown(
                    "unchanged TOAST value: neither its chunks nor the old row are in the WAL read")));
            }
        }
        return new Row(cols);
    }

    /** Room for {@code len} more bytes in the arena: a new one when the last is full (rows keep theirs). */
    private void arenaRoom(int len) {
        if (arena == null || arenaAt + len > arena.length) {
            arena = new byte[Math.max(ARENA_BYTES, len)];
            arenaBuffer = ByteBuffer.wrap(arena).order(ByteOrder.LITTLE_ENDIAN);
            arenaAt = 0;
        }
    }

    /**
     * The row of a tuple ({@code len} bytes from its bitmap, or padding, at {@code off} of {@code buf}
     * or of {@code array}): made from its bytes, copied into the arena.
     */
    private Row row(TablePlan plan, ByteBuffer buf, byte[] array, int off, int len, int mask2, int mask, int hoff,
                    boolean keyOnly) {
        if (!values(plan.table)) {
            return NO_VALUES;
        }
        arenaRoom(len);
        int at = arenaAt;
        if (array != null) {
            System.arraycopy(array, off, arena, at, len);
        } else {
            buf.get(off, arena, at, len);
        }
        arenaAt += len;
        ByteBuffer data = arenaBuffer;
        DeformedTuple d;
        try {
            d = plan.deformer.deform(data, at, len, mask2, mask, hoff);
        } catch (TupleFormatException e) {
            throw new WalFormatException("cannot deform a row of " + plan.table.qualifiedName() + ": " + e.getMessage(),
                null, recordLsn, e);
        }
        if (keyOnly) {
            return keyOnlyRow(plan, d);
        }
        List<ColumnInfo> cols = plan.table.columns();
        int n = plan.layout.size();
        byte[] kinds = new byte[n];
        int[] spans = new int[2 * n];
        Value[] made = null;
        missingToast.clear();
        int o = 0;
        for (int i = 0; i < cols.size(); i++) {
            if (plan.formatters[i] == null) {
                continue; // dropped
            }
            AttributeState st = d.state(i);
            if (st == AttributeState.NULL || st == AttributeState.DROPPED) {
                kinds[o] = Row.NULL;
            } else if (st == AttributeState.PRESENT && plan.layout.bytesAllowed(o) && d.isInlineUncompressed(i)) {
                kinds[o] = Row.BYTES;
                spans[2 * o] = d.payloadOffset(i);
                spans[2 * o + 1] = d.payloadLength(i);
            } else {
                if (made == null) {
                    made = new Value[n];
                }
                kinds[o] = Row.VALUE;
                made[o] = value(d, i, cols.get(i), plan.formatters[i], plan.table, o);
            }
            o++;
        }
        return Row.fromBytes(plan.layout, data, kinds, spans, made);
    }

    /** The row of an old tuple that holds only the replica-identity key: the other values are unknown. */
    private Row keyOnlyRow(TablePlan plan, DeformedTuple d) {
        List<ColumnInfo> cols = plan.table.columns();
        List<Column> out = new ArrayList<>(cols.size());
        missingToast.clear();
        for (int i = 0; i < cols.size(); i++) {
            ColumnInfo c = cols.get(i);
            if (c.dropped()) {
                continue;
            }
            ValueFormatter f = plan.formatters[i];
            Value v;
            if (!plan.table.identityKey().contains(c.attnum())) {
                v = new Value.Unknown("not logged: only the replica-identity key of the old row is");
            } else {
                v = value(d, i, c, f, plan.table, out.size());
            }
            out.add(new Column(c.name(), f.sqlType(), v));
        }
        return new Row(out);
    }

    /**
     * The value of column {@code i} of {@code d}, at output position {@code o} of its row: a value
     * whose TOAST chunks are missing is marked there for {@link #unchangedToastFromOld}.
     */
    private Value value(DeformedTuple d, int i, ColumnInfo c, ValueFormatter f, TableInfo table, int o) {
        switch (d.state(i)) {
            case NULL:
            case DROPPED:
                return Value.NULL;
            case MISSING:
                if (c.hasMissing() && c.missingValue() != null) {
                    literal.setLength(0);
                    f.appendSqlLiteralOfText(literal, c.missingValue());
                    return new Value.Known(c.missingValue(), literal.toString());
                }
                return Value.NULL;
            default:
                break;
        }
        if (d.isInlineUncompressed(i)) {
            return Row.format(f, d.buffer(), d.payloadOffset(i), d.payloadLength(i));
        }
        VarlenaKind kind = d.varlenaKind(i);
        if (kind == VarlenaKind.COMPRESSED) {
            int n = decompressor.decompressInline(d.buffer(), d.offset(i));
            return Row.format(f, decompressor.outputBuffer(), 0, n);
        }
        if (kind == VarlenaKind.EXTERNAL_ONDISK) {
            Value v = toast.value(d, i, f, table);
            if (v == ToastResolver.MISSING) {
                missingToast.set(o);
                return toast.missing();
            }
            return v;
        }
        return new Value.Unknown("an in-memory TOAST pointer in a logged tuple of " + table.qualifiedName());
    }
}
