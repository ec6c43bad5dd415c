package org.xlogminer.event;

import java.util.Objects;

/**
 * One column's value in a mined row. A value that the WAL read does not hold is {@link Unknown},
 * never a guess and never a silent null.
 */
public sealed interface Value permits Value.Null, Value.Known, Value.Unknown {

    /** SQL NULL. */
    Null NULL = new Null();

    /** SQL NULL. */
    record Null() implements Value {
    }

    /**
     * A decoded value.
     *
     * @param text       PostgreSQL's text output of the value (what {@code col::text} prints)
     * @param sqlLiteral an SQL literal that reads back as the same value of the column's type
     */
    record Known(String text, String sqlLiteral) implements Value {
        public Known {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(sqlLiteral, "sqlLiteral");
        }
    }

    /**
     * A value that cannot be recovered from the WAL read, and why (e.g. "TOAST value 16421 of
     * pg_toast_16384: its chunks are not in the WAL read").
     */
    record Unknown(String reason) implements Value {
        public Unknown {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
