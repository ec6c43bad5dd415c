package org.xlogminer.types;

import org.xlogminer.tuple.TupleFormatException;

/**
 * PostgreSQL's date/time text, DateStyle=ISO and IntervalStyle=postgres, as {@code EncodeDateOnly()},
 * {@code EncodeTimeOnly()}, {@code EncodeDateTime()}, {@code EncodeInterval()} and {@code j2date()} of
 * {@code src/backend/utils/adt/datetime.c} compute it. Stored forms ({@code src/include/datatype/timestamp.h},
 * {@code utils/date.h}): date = int32 days since 2000-01-01; time = int64 microseconds since midnight;
 * timestamp[tz] = int64 microseconds since 2000-01-01 00:00:00 (UTC for timestamptz); interval = int64
 * microseconds, int32 days, int32 months. The extreme values mean -infinity / infinity.
 *
 * <p>Stateless, allocation-free, thread-safe.
 */
final class PgDateTime {

    static final long USECS_PER_SEC = 1_000_000L;
    static final long USECS_PER_MINUTE = 60 * USECS_PER_SEC;
    static final long USECS_PER_HOUR = 60 * USECS_PER_MINUTE;
    static final long USECS_PER_DAY = 24 * USECS_PER_HOUR;
    /** Julian day of 2000-01-01 (POSTGRES_EPOCH_JDATE). */
    static final int POSTGRES_EPOCH_JDATE = 2451545;

    private PgDateTime() {
    }

    /** date: {@code YYYY-MM-DD}, {@code YYYY-MM-DD BC}, or ±infinity. */
    static void appendDate(StringBuilder out, int date) {
        if (date == Integer.MIN_VALUE) {
            out.append("-infinity");
            return;
        }
        if (date == Integer.MAX_VALUE) {
            out.append("infinity");
            return;
        }
        int year = appendYmd(out, (long) date + POSTGRES_EPOCH_JDATE);
        if (year <= 0) {
            out.append(" BC");
        }
    }

    /** timestamp / timestamptz (in UTC, with {@code +00}): {@code YYYY-MM-DD HH:MM:SS[.ffffff][+00][ BC]}. */
    static void appendTimestamp(StringBuilder out, long ts, boolean withZone) {
        if (ts == Long.MIN_VALUE) {
            out.append("-infinity");
            return;
        }
        if (ts == Long.MAX_VALUE) {
            out.append("infinity");
            return;
        }
        long date = ts / USECS_PER_DAY;
        long time = ts - date * USECS_PER_DAY;
        if (time < 0) {
            time += USECS_PER_DAY;
            date -= 1;
        }
        int year = appendYmd(out, date + POSTGRES_EPOCH_JDATE);
        out.append(' ');
        appendTime(out, time);
        if (withZone) {
            out.append("+00");
        }
        if (year <= 0) {
            out.append(" BC");
        }
    }

    /** time of day: {@code HH:MM:SS[.ffffff]} (trailing zeros of the fraction dropped). */
    static void appendTime(StringBuilder out, long time) {
        if (time < 0 || time > 24 * USECS_PER_HOUR) { // 24:00:00 is the largest time PostgreSQL stores
            throw new TupleFormatException("time of day out of range: " + time + " microseconds");
        }
        long hour = time / USECS_PER_HOUR;
        time -= hour * USECS_PER_HOUR;
        long min = time / USECS_PER_MINUTE;
        time -= min * USECS_PER_MINUTE;
        long sec = time / USECS_PER_SEC;
        long fsec = time - sec * USECS_PER_SEC;
        append2(out, hour);
        out.append(':');
        append2(out, min);
        out.append(':');
        appendSeconds(out, sec, fsec);
    }

    /**
     * timetz: the time, then the zone offset; {@code zone} is seconds WEST of UTC as stored, printed as
     * {@code +HH}, {@code +HH:MM} or {@code +HH:MM:SS} east-positive ({@code EncodeTimezone()}).
     */
    static void appendTimeTz(StringBuilder out, long time, int zone) {
        appendTime(out, time);
        int sec = Math.abs(zone);
        int min = sec / 60;
        sec -= min * 60;
        int hour = min / 60;
        min -= hour * 60;
        out.append(zone <= 0 ? '+' : '-');
        append2(out, hour);
        if (sec != 0) {
            out.append(':');
            append2(out, min);
            out.append(':');
            append2(out, sec);
        } else if (min != 0) {
            out.append(':');
            append2(out, min);
        }
    }

    /**
     * interval, IntervalStyle=postgres: {@code 1 year 2 mons -3 days +04:05:06.789}; {@code 00:00:00} when
     * zero; {@code infinity}/{@code -infinity} (17+: all three fields at their extreme). Before 15 the
     * hours were a C int: {@code int32Hours} reproduces how they print INT_MIN hours (those servers
     * refuse to print more hours than an int holds; this prints them).
     */
    static void appendInterval(StringBuilder out, long time, int day, int month, boolean int32Hours) {
        if (month == Integer.MAX_VALUE && day == Integer.MAX_VALUE && time == Long.MAX_VALUE) {
            out.append("infinity");
            return;
        }
        if (month == Integer.MIN_VALUE && day == Integer.MIN_VALUE && time == Long.MIN_VALUE) {
            out.append("-infinity");
            return;
        }
        int year = month / 12;
        int mon = month % 12;
        long hour = time / USECS_PER_HOUR;
        time -= hour * USECS_PER_HOUR;
        long min = time / USECS_PER_MINUTE;
        time -= min * USECS_PER_MINUTE;
        long sec = time / USECS_PER_SEC;
        long fsec = time - sec * USECS_PER_SEC;
        // state of AddPostgresIntPart: is_zero (nothing printed yet), is_before (last part negative)
        int state = appendIntPart(out, year, "year", ZERO);
        state = appendIntPart(out, mon, "mon", state);
        state = appendIntPart(out, day, "day", state);
        boolean isZero = (state & ZERO) != 0;
        if (isZero || hour != 0 || min != 0 || sec != 0 || fsec != 0) {
            boolean minus = hour < 0 || min < 0 || sec < 0 || fsec < 0;
            if (!isZero) {
                out.append(' ');
            }
            if (minus) {
                out.append('-');
            } else if ((state & BEFORE) != 0) {
                out.append('+');
            }
            if (int32Hours && hour == Integer.MIN_VALUE) {
                out.append(hour); // 13, 14: abs() of INT_MIN in a C int stays negative: "--2147483648:.."
            } else {
                append2(out, Math.abs(hour));
            }
            out.append(':');
            append2(out, Math.abs(min));
            out.append(':');
            appendSeconds(out, Math.abs(sec), Math.abs(fsec));
        }
    }

    private static final int ZERO = 1;
    private static final int BEFORE = 2;

    private static int appendIntPart(StringBuilder out, long value, String units, int state) {
        if (value == 0) {
            return state;
        }
        if ((state & ZERO) == 0) {
            out.append(' ');
        }
        if ((state & BEFORE) != 0 && value > 0) {
            out.append('+');
        }
        out.append(value).append(' ').append(units);
        if (value != 1) {
            out.append('s');
        }
        return value < 0 ? BEFORE : 0;
    }

    /** {@code SS[.ffffff]}: two-digit seconds, then the microseconds without trailing zeros. */
    private static void appendSeconds(StringBuilder out, long sec, long fsec) {
        append2(out, sec);
        if (fsec != 0) {
            out.append('.');
            int digits = 6;
            long f = fsec;
            while (f % 10 == 0) {
                f /= 10;
                digits--;
            }
            for (long p = pow10(digits - 1); p > f; p /= 10) {
                out.append('0');
            }
            out.append(f);
        }
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }

    private static void append2(StringBuilder out, long v) {
        if (v < 10) {
            out.append('0');
        }
        out.append(v);
    }

    /**
     * Appends {@code YYYY-MM-DD} for a Julian day ({@code j2date()}), the year of BC dates as 1 - year,
     * zero-padded to four digits; returns the astronomical year (0 = 1 BC).
     */
    static int appendYmd(StringBuilder out, long jd) {
        long julian = jd + 32044;
        long quad = julian / 146097;
        long extra = (julian - quad * 146097) * 4 + 3;
        julian += 60 + quad * 3 + extra / 146097;
        quad = julian / 1461;
        julian -= quad * 1461;
        long y = julian * 4 / 1461;
        julian = (y != 0 ? (julian + 305) % 365 : (julian + 306) % 366) + 123;
        y += quad * 4;
        int year = (int) (y - 4800);
        quad = julian * 2141 / 65536;
        long day = julian - 7834 * quad / 256;
        long month = (quad + 10) % 12 + 1;
        int shown = year > 0 ? year : 1 - year;
        for (int p = 1000; p > 1 && shown < p; p /= 10) {
            out.append('0');
        }
        out.append(shown).append('-');
        append2(out, month);
        out.append('-');
        append2(out, day);
        return year;
    }
}
