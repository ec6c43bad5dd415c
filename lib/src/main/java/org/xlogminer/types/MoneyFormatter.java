package org.xlogminer.types;

import java.nio.ByteBuffer;

/**
 * {@code money}: int64 in cents. Output as {@code cash_out()} with lc_monetary=C: {@code $1,234.56},
 * {@code -$0.05} (currency symbol $, two fraction digits, thousands separator every three digits). The
 * literal {@code '$1,234.56'::money} reads back under the same lc_monetary.
 */
final class MoneyFormatter extends TypeFormatter {

    MoneyFormatter(String castType) {
        super(castType);
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        long value = buf.getLong(off);
        if (value < 0) {
            out.append('-');
        }
        out.append('$');
        // magnitude as unsigned (covers Long.MIN_VALUE)
        long mag = value < 0 ? -value : value;
        long units = Long.divideUnsigned(mag, 100);
        int cents = (int) Long.remainderUnsigned(mag, 100);
        appendGrouped(out, units);
        out.append('.').append((char) ('0' + cents / 10)).append((char) ('0' + cents % 10));
    }

    private static void appendGrouped(StringBuilder out, long units) {
        // units <= 2^63 / 100: fits a signed long
        if (units < 1000) {
            out.append(units);
            return;
        }
        appendGrouped(out, units / 1000);
        int rest = (int) (units % 1000);
        out.append(',').append((char) ('0' + rest / 100)).append((char) ('0' + rest / 10 % 10))
                .append((char) ('0' + rest % 10));
    }

    @Override
    boolean outputMayContainQuote() {
        return false;
    }
}
