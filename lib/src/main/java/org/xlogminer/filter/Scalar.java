package org.xlogminer.filter;

import java.util.Objects;

import org.xlogminer.event.Row;
import org.xlogminer.event.Value;

/**
 * A value in an expression, of one {@link ValueKind}: a column of the row, a literal, a cast.
 * {@link #value} gives the value as {@link Values} holds it, null for SQL NULL, or
 * {@link #UNRECOVERABLE} for a value the WAL read does not hold. Immutable.
 */
abstract sealed class Scalar permits Scalar.ColumnValue, Scalar.Constant, Scalar.Cast {

    /** The value of a column the WAL read does not hold: as NULL, the predicate is unknown. */
    static final Object UNRECOVERABLE = new Object() {
        @Override
        public String toString() {
            return "UNRECOVERABLE";
        }
    };

    final ValueKind kind;
    /** The expression's text, for messages. */
    final String fragment;

    Scalar(ValueKind kind, String fragment) {
        this.kind = Objects.requireNonNull(kind);
        this.fragment = fragment;
    }

    abstract Object value(RowContext r);

    /** Which row a column is read from. */
    enum Side { OLD, NEW, BARE }

    /** A column of the old row, the new row, or (bare) the new one, the old one for a DELETE. */
    static final class ColumnValue extends Scalar {
        final Side side;
        final int index;
        /** The kind its text is read as: the column type's, even where {@link #kind} says text (a cast). */
        private final ValueKind readAs;

        ColumnValue(Side side, int index, ValueKind kind, ValueKind readAs, String fragment) {
            super(kind, fragment);
            this.side = side;
            this.index = index;
            this.readAs = readAs;
        }

        @Override
        Object value(RowContext r) {
            Row row = side == Side.OLD ? r.oldRow : side == Side.NEW ? r.newRow : r.bareRow;
            if (row == null || row.isNull(index)) {
                return null;
            }
            Value v = row.value(index);
            if (!(v instanceof Value.Known k)) {
                r.sawUnrecoverable = true;
                return UNRECOVERABLE;
            }
            try {
                return Values.parse(readAs, k.text());
            } catch (IllegalArgumentException e) {
                r.castFailed = true;
                return null;
            }
        }
    }

    /** A literal, already of the kind it is compared as. */
    static final class Constant extends Scalar {
        final Object value;

        Constant(ValueKind kind, Object value, String fragment) {
            super(kind, fragment);
            this.value = value;
        }

        @Override
        Object value(RowContext r) {
            return value;
        }
    }

    /** {@code x::type} or {@code CAST(x AS type)} of a value that is not a literal. */
    static final class Cast extends Scalar {
        private final Scalar inner;
        private final int scale;

        Cast(Scalar inner, ValueKind to, int scale, String fragment) {
            super(to, fragment);
            this.inner = inner;
            this.scale = scale;
        }

        @Override
        Object value(RowContext r) {
            Object v = inner.value(r);
            if (v == null || v == UNRECOVERABLE) {
                return v;
            }
            try {
                return Values.cast(v, inner.kind, kind, scale);
            } catch (IllegalArgumentException | ClassCastException e) {
                r.castFailed = true;
                return null;
            }
        }
    }
}
