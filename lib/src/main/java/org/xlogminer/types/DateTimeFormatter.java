package org.xlogminer.types;

import java.nio.ByteBuffer;

/**
 * {@code date} (int32), {@code time} (int64), {@code timetz} (int64 time, int32 zone seconds west),
 * {@code timestamp}, {@code timestamptz} (int64) and {@code interval} (int64 time, int32 day, int32
 * month); text per {@link PgDateTime}, literal quoted and cast.
 */
final class DateTimeFormatter extends TypeFormatter {

    enum Kind { DATE, TIME, TIMETZ, TIMESTAMP, TIMESTAMPTZ, INTERVAL }

    private final Kind kind;
    private final boolean int32Hours;

    DateTimeFormatter(String castType, Kind kind, int serverMajor) {
        super(castType);
        this.kind = kind;
        this.int32Hours = serverMajor < 15;
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        switch (kind) {
            case DATE:
                PgDateTime.appendDate(out, buf.getInt(off));
                break;
            case TIME:
                PgDateTime.appendTime(out, buf.getLong(off));
                break;
            case TIMETZ:
                PgDateTime.appendTimeTz(out, buf.getLong(off), buf.getInt(off + 8));
                break;
            case TIMESTAMP:
                PgDateTime.appendTimestamp(out, buf.getLong(off), false);
                break;
            case TIMESTAMPTZ:
                PgDateTime.appendTimestamp(out, buf.getLong(off), true);
                break;
            default:
                PgDateTime.appendInterval(out, buf.getLong(off), buf.getInt(off + 8), buf.getInt(off + 12), int32Hours);
        }
    }

    /**
     * Quoted output text and cast; but an interval whose hours do not fit a C int (or are INT_MIN,
     * which 13 and 14 print as {@code --2147483648:..}) is written with units,
     * {@code '-2147483648 hours -59 mins -0.000001 secs'}, which every version reads.
     */
    @Override
    public void appendSqlLiteral(StringBuilder out, ByteBuffer buf, int off, int len) {
        if (kind == Kind.INTERVAL) {
            long time = buf.getLong(off);
            long hour = time / PgDateTime.USECS_PER_HOUR;
            if (hour <= Integer.MIN_VALUE || hour > Integer.MAX_VALUE) {
                int day = buf.getInt(off + 8);
                int month = buf.getInt(off + 12);
                if (!(month == Integer.MAX_VALUE || month == Integer.MIN_VALUE)) {
                    long rest = time - hour * PgDateTime.USECS_PER_HOUR;
                    long min = rest / PgDateTime.USECS_PER_MINUTE;
                    rest -= min * PgDateTime.USECS_PER_MINUTE;
                    out.append('\'').append(month).append(" mons ").append(day).append(" days ").append(hour)
                            .append(" hours ").append(min).append(" mins ");
                    if (rest < 0) {
                        out.append('-');
                    }
                    long abs = Math.abs(rest);
                    out.append(abs / PgDateTime.USECS_PER_SEC).append('.');
                    long frac = abs % PgDateTime.USECS_PER_SEC;
                    for (long p = 100_000; p > 1 && frac < p; p /= 10) {
                        out.append('0');
                    }
                    out.append(frac).append(" secs'::").append(castType);
                    return;
                }
            }
        }
        super.appendSqlLiteral(out, buf, off, len);
    }

    /** The quoted cast, from the text; not for intervals, whose literal may not be their text. */
    @Override
    public boolean appendSqlLiteralOfItsText(StringBuilder out, CharSequence text) {
        if (kind == Kind.INTERVAL) {
            return false;
        }
        appendSqlLiteralOfText(out, text);
        return true;
    }

    @Override
    boolean outputMayContainQuote() {
        return false;
    }
}
