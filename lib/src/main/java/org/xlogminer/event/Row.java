package org.xlogminer.event;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.xlogminer.types.ValueFormatter;

/**
 * A row's columns in attribute order (dropped columns left out). Immutable.
 *
 * <p>A row is made either of its {@link Column}s, or, by the miner, {@linkplain #fromBytes of the
 * stored bytes of its values}: then each value is formatted (as text, as an SQL literal) only when
 * asked for, on the thread that asks, and {@link #columns()} builds the columns on first use. The
 * indexed accessors ({@link #size()}, {@link #name(int)}, {@link #appendSqlLiteral(int, StringBuilder)},
 * ...) read either kind without building columns: what a renderer that writes straight into its
 * output uses. Both kinds are equal when their columns are.
 */
public final class Row {

    /** {@link #fromBytes} kinds: SQL NULL. */
    public static final byte NULL = 0;
    /** {@link #fromBytes} kinds: a value's stored bytes, at its span of the row's data. */
    public static final byte BYTES = 1;
    /** {@link #fromBytes} kinds: a value made already, in the row's values array. */
    public static final byte VALUE = 2;

    /**
     * What the rows of one table made from bytes share: the columns' names and SQL types, and the
     * formatters of their values. A formatter must be {@link ValueFormatter#threadSafe()} for its
     * column to hold {@link #BYTES}: the row may be formatted on any thread.
     */
    public static final class Layout {
        private final String[] names;
        private final String[] types;
        private final ValueFormatter[] formatters;
        /** Per column, whether its formatter is thread-safe: asked once, not per row. */
        private final boolean[] threadSafe;

        public Layout(List<String> names, List<ValueFormatter> formatters) {
            if (names.size() != formatters.size()) {
                throw new IllegalArgumentException(names.size() + " names for " + formatters.size() + " formatters");
            }
            this.names = names.toArray(new String[0]);
            this.formatters = formatters.toArray(new ValueFormatter[0]);
            this.types = new String[this.names.length];
            this.threadSafe = new boolean[this.names.length];
            for (int i = 0; i < types.length; i++) {
                types[i] = Objects.requireNonNull(this.formatters[i], "formatter").sqlType();
                threadSafe[i] = this.formatters[i].threadSafe();
                Objects.requireNonNull(this.names[i], "name");
            }
        }

        /** Whether column i may hold {@link #BYTES}: its formatter is {@link ValueFormatter#threadSafe()}. */
        public boolean bytesAllowed(int i) {
            return threadSafe[i];
        }

        /** The number of columns. */
        public int size() {
            return names.length;
        }
    }

    /** Eager rows: the columns. Rows from bytes: null until {@link #columns()} builds them. */
    private volatile List<Column> columns;
    private final Layout layout;
    private final ByteBuffer data;
    private final byte[] kinds;
    private final int[] spans;
    private final Value[] values;

    /** Scratch for the text of values, per thread: a literal made from the text, and comparisons. */
    private static final ThreadLocal<StringBuilder[]> SCRATCH = ThreadLocal.withInitial(
        () -> new StringBuilder[] {new StringBuilder(64), new StringBuilder(64)});

    public Row(List<Column> columns) {
        this.columns = List.copyOf(columns);
        this.layout = null;
        this.data = null;
        this.kinds = null;
        this.spans = null;
        this.values = null;
    }

    private Row(Layout layout, ByteBuffer data, byte[] kinds, int[] spans, Value[] values) {
        this.layout = layout;
        this.data = data;
        this.kinds = kinds;
        this.spans = spans;
        this.values = values;
    }

    /**
     * A row whose value {@code i} is, by {@code kinds[i]}: {@link #NULL}; {@link #BYTES}, the value's
     * payload (as {@link ValueFormatter} takes it) at {@code data}'s absolute offset {@code spans[2i]},
     * {@code spans[2i+1]} bytes long; or {@link #VALUE}, {@code values[i]}. The row keeps the arrays
     * and the buffer, which must not change afterwards; {@code data} is read with absolute gets only,
     * so it may be shared. {@code values} may be null when no kind is VALUE.
     */
    public static Row fromBytes(Layout layout, ByteBuffer data, byte[] kinds, int[] spans, Value[] values) {
        int n = layout.size();
        if (kinds.length != n || spans.length != 2 * n || values != null && values.length != n) {
            throw new IllegalArgumentException("arrays do not fit " + n + " columns");
        }
        for (int i = 0; i < n; i++) {
            if (kinds[i] == VALUE ? values == null || values[i] == null
                : kinds[i] == BYTES ? !layout.threadSafe[i] : kinds[i] != NULL) {
                throw new IllegalArgumentException("column " + layout.names[i] + ": kind " + kinds[i]
                    + " without its value, or bytes for a formatter that is not thread-safe");
            }
        }
        return new Row(layout, data, kinds, spans, values);
    }

    /**
     * The value of a stored payload, formatted once as text and once as an SQL literal (the literal
     * made from the text where the formatter can: see {@link ValueFormatter#appendSqlLiteralOfItsText}).
     */
    public static Value.Known format(ValueFormatter f, ByteBuffer b, int off, int len) {
        StringBuilder[] s = SCRATCH.get();
        StringBuilder text = s[0];
        text.setLength(0);
        f.appendText(text, b, off, len);
        String t = text.toString();
        if (f.literalIsItsText()) {
            return new Value.Known(t, t);
        }
        StringBuilder literal = s[1];
        literal.setLength(0);
        if (!f.appendSqlLiteralOfItsText(literal, t)) {
            f.appendSqlLiteral(literal, b, off, len);
        }
        // numbers and booleans are their own literal: keep one String
        return new Value.Known(t, literal.length() == t.length() && t.contentEquals(literal) ? t : literal.toString());
    }

    /**
     * The row of columns {@code keep} (indexes into this row, in the order given) under the names
     * {@code names}: the same values, as a table renamed (or with columns renamed or dropped) since
     * names them. A row from bytes shares this one's bytes.
     */
    public Row select(int[] keep, String[] names) {
        if (keep.length != names.length) {
            throw new IllegalArgumentException(keep.length + " columns for " + names.length + " names");
        }
        if (layout == null) {
            List<Column> out = new ArrayList<>(keep.length);
            for (int k = 0; k < keep.length; k++) {
                Column c = columns.get(keep[k]);
                out.add(new Column(names[k], c.type(), c.value()));
            }
            return new Row(out);
        }
        List<ValueFormatter> formatters = new ArrayList<>(keep.length);
        byte[] k2 = new byte[keep.length];
        int[] s2 = new int[2 * keep.length];
        Value[] v2 = values == null ? null : new Value[keep.length];
        for (int k = 0; k < keep.length; k++) {
            int i = keep[k];
            formatters.add(layout.formatters[i]);
            k2[k] = kinds[i];
            s2[2 * k] = spans[2 * i];
            s2[2 * k + 1] = spans[2 * i + 1];
            if (v2 != null) {
                v2[k] = values[i];
            }
        }
        return new Row(new Layout(List.of(names), formatters), data, k2, s2, v2);
    }

    /** The columns; built on first use for a row made from bytes. */
    public List<Column> columns() {
        List<Column> c = columns;
        if (c == null) {
            Column[] out = new Column[layout.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = new Column(layout.names[i], layout.types[i], value(i));
            }
            c = List.of(out);
            columns = c; // another thread may build equal columns meanwhile: either is right
        }
        return c;
    }

    /** The number of columns. */
    public int size() {
        return layout != null ? layout.size() : columns.size();
    }

    /** Column i's name. */
    public String name(int i) {
        return layout != null ? layout.names[i] : columns.get(i).name();
    }

    /** Column i's SQL type. */
    public String type(int i) {
        return layout != null ? layout.types[i] : columns.get(i).type();
    }

    /** Column i's value (made, not kept, for a row from bytes that has not built its columns). */
    public Value value(int i) {
        List<Column> c = columns;
        if (c != null) {
            return c.get(i).value();
        }
        return switch (kinds[i]) {
            case NULL -> Value.NULL;
            case VALUE -> values[i];
            default -> format(layout.formatters[i], data, spans[2 * i], spans[2 * i + 1]);
        };
    }

    /** The index of the column of that name, or -1. */
    public int indexOf(String name) {
        for (int i = 0, n = size(); i < n; i++) {
            if (name(i).equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The column of that name, or null. */
    public Column column(String name) {
        int i = indexOf(name);
        return i < 0 ? null : columns().get(i);
    }

    /** Whether column i is SQL NULL. */
    public boolean isNull(int i) {
        return layout != null ? kinds[i] == NULL || kinds[i] == VALUE && values[i] instanceof Value.Null
            : columns.get(i).value() instanceof Value.Null;
    }

    /** Whether column i is {@link Value.Unknown}. */
    public boolean isUnknown(int i) {
        return layout != null ? kinds[i] == VALUE && values[i] instanceof Value.Unknown
            : columns.get(i).value() instanceof Value.Unknown;
    }

    /** Whether every value is known (no {@link Value.Unknown}). */
    public boolean complete() {
        for (int i = 0, n = size(); i < n; i++) {
            if (isUnknown(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Appends the SQL literal of column i, a {@link Value.Known}; see {@link Value.Known#sqlLiteral()}.
     * Once {@link #columns()} are built (JSON lines build them, then render REDO and UNDO), the
     * literal they hold; else made from the bytes.
     */
    public void appendSqlLiteral(int i, StringBuilder out) {
        if (layout == null || kinds[i] != BYTES || columns != null) {
            out.append(known(i).sqlLiteral());
            return;
        }
        // straight from the bytes: the same literal as from the text (ValueFormatIT checks), made once
        layout.formatters[i].appendSqlLiteral(out, data, spans[2 * i], spans[2 * i + 1]);
    }

    /** Appends the text of column i, a {@link Value.Known}; see {@link Value.Known#text()}. Built columns' when there are. */
    public void appendText(int i, StringBuilder out) {
        if (layout == null || kinds[i] != BYTES || columns != null) {
            out.append(known(i).text());
            return;
        }
        layout.formatters[i].appendText(out, data, spans[2 * i], spans[2 * i + 1]);
    }

    private Value.Known known(int i) {
        if (value(i) instanceof Value.Known k) {
            return k;
        }
        throw new IllegalStateException("column " + name(i) + " is not a known value");
    }

    /**
     * Whether column i of this row and column j of {@code other} hold the same value: two known
     * values with the same text, two NULLs, or the same unknown.
     */
    public boolean sameValue(int i, Row other, int j) {
        boolean bytes = layout != null && kinds[i] == BYTES;
        boolean otherBytes = other.layout != null && other.kinds[j] == BYTES;
        if (bytes && otherBytes && layout == other.layout && i == j && sameBytes(spans[2 * i], spans[2 * i + 1], other,
            other.spans[2 * j], other.spans[2 * j + 1])) {
            return true; // the same stored bytes of one column: the same text
        }
        if ((bytes || value(i) instanceof Value.Known) && (otherBytes || other.value(j) instanceof Value.Known)) {
            StringBuilder[] s = SCRATCH.get();
            s[0].setLength(0);
            s[1].setLength(0);
            appendText(i, s[0]);
            other.appendText(j, s[1]);
            return s[0].length() == s[1].length() && s[0].compareTo(s[1]) == 0;
        }
        return value(i).equals(other.value(j));
    }

    private boolean sameBytes(int off, int len, Row other, int otherOff, int otherLen) {
        if (len != otherLen) {
            return false;
        }
        if (data.hasArray() && other.data.hasArray()) {
            int a = data.arrayOffset() + off;
            int b = other.data.arrayOffset() + otherOff;
            return java.util.Arrays.equals(data.array(), a, a + len, other.data.array(), b, b + len);
        }
        return data.slice(off, len).equals(other.data.slice(otherOff, len));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Row r && columns().equals(r.columns());
    }

    @Override
    public int hashCode() {
        return columns().hashCode();
    }

    @Override
    public String toString() {
        return "Row[columns=" + columns() + "]";
    }
}
