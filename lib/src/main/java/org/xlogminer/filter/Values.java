package org.xlogminer.filter;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Values of each {@link ValueKind}, read from PostgreSQL's text (a column's output, or a quoted
 * literal as the type's input function would read it), and compared as the type compares them.
 *
 * <p>Held as: numbers, a {@link BigDecimal} (a {@link Double} for NaN and the infinities of
 * numeric); real and double precision, a {@link Double}; booleans, a {@link Boolean}; dates and
 * timestamps, a {@link Long} of microseconds since 1970-01-01 00:00 UTC (a timestamp without time
 * zone and a literal without an offset are read as UTC; {@link Long#MIN_VALUE} and
 * {@link Long#MAX_VALUE} are -infinity and infinity); times, microseconds since midnight; everything
 * else a {@link String} (character(n) without its trailing spaces, a uuid in its canonical form).
 *
 * <p>Stateless and thread-safe.
 */
final class Values {

    static final long USECS_PER_DAY = 86_400_000_000L;

    private static final Pattern TIMESTAMP = Pattern.compile(
        "(\\d{4,})-(\\d{1,2})-(\\d{1,2})(?:[ T](\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d+))?)?)?"
            + " ?(Z|[+-]\\d{1,2}(?::?\\d{2}(?::?\\d{2})?)?)?( BC)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern TIME = Pattern.compile("(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d+))?)?");
    private static final Pattern UUID = Pattern.compile("\\{?([0-9a-fA-F]{4}-?){7}[0-9a-fA-F]{4}}?");

    private Values() {
    }

    /**
     * The value of this text as the kind reads it.
     *
     * @throws IllegalArgumentException when the text is not a value of the kind (the message says so)
     */
    static Object parse(ValueKind kind, String text) {
        return switch (kind) {
            case NUMBER -> number(text);
            case FLOAT4 -> (double) Float.parseFloat(floatText(text));
            case FLOAT8 -> Double.parseDouble(floatText(text));
            case BOOL -> bool(text);
            case BPCHAR -> stripTrailingSpaces(text);
            case TIMESTAMPTZ, TIMESTAMP, DATE -> timestamp(kind, text);
            case TIME -> time(text);
            case UUID -> uuid(text);
            case TEXT, OTHER, UNTYPED, ANY -> text;
            case NULL -> null;
        };
    }

    /** Whether a value of kind {@code from} can be cast to kind {@code to}. */
    static boolean castable(ValueKind from, ValueKind to) {
        return from == to || from.textual() || to == ValueKind.ANY || to == ValueKind.TEXT || to == ValueKind.BPCHAR || to == ValueKind.OTHER
            || from.numeric() && to.numeric() || from.time() && to.time()
            || from == ValueKind.NUMBER && to == ValueKind.BOOL;
    }

    /**
     * A value of kind {@code from} cast to kind {@code to} ({@link #castable}); {@code scale} is
     * the scale of a cast to numeric(p,s) or integer (0), or -1 for none.
     *
     * @throws IllegalArgumentException when the value does not cast (text that is not a number...)
     */
    static Object cast(Object v, ValueKind from, ValueKind to, int scale) {
        if (v == null) {
            return null;
        }
        if (from.textual()) {
            v = parse(to, (String) v);
            from = to;
        } else if (to == ValueKind.TEXT || to == ValueKind.OTHER || to == ValueKind.BPCHAR) {
            return parse(to, text(from, v));
        }
        if (from.numeric() && to.numeric()) {
            if (to == ValueKind.NUMBER) {
                if (v instanceof Double d) {
                    if (d.isNaN() || d.isInfinite()) {
                        return d;
                    }
                    v = new BigDecimal(Double.toString(d));
                }
                return scale >= 0 ? ((BigDecimal) v).setScale(scale, RoundingMode.HALF_UP) : v;
            }
            double d = v instanceof BigDecimal b ? b.doubleValue() : (Double) v;
            return to == ValueKind.FLOAT4 ? (double) (float) d : d;
        }
        if (from.time() && to.time()) {
            long t = (Long) v;
            return to == ValueKind.DATE && t != Long.MIN_VALUE && t != Long.MAX_VALUE
                ? Math.floorDiv(t, USECS_PER_DAY) * USECS_PER_DAY : t;
        }
        if (from == ValueKind.NUMBER && to == ValueKind.BOOL) {
            return ((BigDecimal) v).signum() != 0;
        }
        return v;
    }

    /**
     * Compares two non-null values of comparable kinds (see {@link Comparison#commonKind}): negative,
     * zero or positive. NaN equals NaN and is above every other number, as in PostgreSQL.
     */
    static int compare(ValueKind common, Object a, Object b) {
        if (common.numeric()) {
            if (common == ValueKind.NUMBER && a instanceof BigDecimal x && b instanceof BigDecimal y) {
                return x.compareTo(y);
            }
            double x = a instanceof BigDecimal d ? d.doubleValue() : (Double) a;
            double y = b instanceof BigDecimal d ? d.doubleValue() : (Double) b;
            return x == y ? 0 : Double.compare(x, y);
        }
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
        }
        if (a instanceof Boolean x && b instanceof Boolean y) {
            return Boolean.compare(x, y);
        }
        return compareCodePoints(a.toString(), b.toString());
    }

    /** Text ordered by code point, as PostgreSQL's "C" collation orders UTF-8. */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** A value's text as a cast to text gives it (the kinds that are not text). */
    static String text(ValueKind kind, Object v) {
        if (v instanceof BigDecimal b) {
            return b.toPlainString();
        }
        if (v instanceof Double d) {
            return d.isNaN() ? "NaN" : d.isInfinite() ? (d > 0 ? "Infinity" : "-Infinity") : BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        if (v instanceof Boolean b) {
            return b ? "true" : "false";
        }
        if (v instanceof Long l && kind.time()) {
            if (l == Long.MAX_VALUE || l == Long.MIN_VALUE) {
                return l == Long.MAX_VALUE ? "infinity" : "-infinity";
            }
            java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(Math.floorDiv(l, 1_000_000L),
                (int) Math.floorMod(l, 1_000_000L) * 1000, java.time.ZoneOffset.UTC);
            String s = kind == ValueKind.DATE ? t.toLocalDate().toString() : t.toString().replace('T', ' ');
            return kind == ValueKind.TIMESTAMPTZ ? s + "+00" : s;
        }
        if (v instanceof Long l) {
            return java.time.LocalTime.ofNanoOfDay(l * 1000).toString();
        }
        return v.toString();
    }

    private static Object number(String text) {
        String t = text.trim();
        switch (t.toLowerCase(Locale.ROOT)) {
            case "nan":
                return Double.NaN;
            case "infinity", "+infinity", "inf", "+inf":
                return Double.POSITIVE_INFINITY;
            case "-infinity", "-inf":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        try {
            return new BigDecimal(t.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number");
        }
    }

    private static String floatText(String text) {
        String t = text.trim();
        String l = t.toLowerCase(Locale.ROOT);
        if (l.equals("inf") || l.equals("+inf") || l.equals("+infinity")) {
            return "Infinity";
        }
        if (l.equals("-inf")) {
            return "-Infinity";
        }
        if (l.equals("infinity")) {
            return "Infinity";
        }
        if (l.equals("-infinity")) {
            return "-Infinity";
        }
        if (l.equals("nan")) {
            return "NaN";
        }
        if (!t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
            throw new IllegalArgumentException("not a number");
        }
        return t;
    }

    /** boolin: t, true, yes, on, 1 and f, false, no, off, 0 (any case, unique prefixes). */
    private static Boolean bool(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (!t.isEmpty()) {
            if ("true".startsWith(t) || "yes".startsWith(t) || t.equals("on") || t.equals("1")) {
                return Boolean.TRUE;
            }
            if ("false".startsWith(t) || "no".startsWith(t) || t.equals("off") || t.equals("of") || t.equals("0")) {
                return Boolean.FALSE;
            }
        }
        throw new IllegalArgumentException("not a boolean");
    }

    private static String stripTrailingSpaces(String s) {
        int n = s.length();
        while (n > 0 && s.charAt(n - 1) == ' ') {
            n--;
        }
        return s.substring(0, n);
    }

    private static String uuid(String text) {
        String t = text.trim();
        if (!UUID.matcher(t).matches()) {
            throw new IllegalArgumentException("not a uuid");
        }
        String h = t.replace("{", "").replace("}", "").replace("-", "").toLowerCase(Locale.ROOT);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20)
            + "-" + h.substring(20);
    }

    private static long timestamp(ValueKind kind, String text) {
        String t = text.trim();
        String l = t.toLowerCase(Locale.ROOT);
        if (l.equals("infinity") || l.equals("+infinity")) {
            return Long.MAX_VALUE;
        }
        if (l.equals("-infinity")) {
            return Long.MIN_VALUE;
        }
        Matcher m = TIMESTAMP.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("not " + kind.description());
        }
        long year = Long.parseLong(m.group(1));
        if (m.group(9) != null) {
            year = 1 - year;
        }
        long days;
        try {
            days = LocalDate.of(Math.toIntExact(year), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)))
                .toEpochDay();
        } catch (DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException("not " + kind.description() + ": " + e.getMessage());
        }
        long micros = days * USECS_PER_DAY;
        if (kind == ValueKind.DATE) {
            return micros;
        }
        if (m.group(4) != null) {
            micros += timeOfDay(m.group(4), m.group(5), m.group(6), m.group(7), kind);
        }
        if (kind == ValueKind.TIMESTAMPTZ && m.group(8) != null && !m.group(8).equalsIgnoreCase("Z")) {
            micros -= offsetSeconds(m.group(8)) * 1_000_000L;
        }
        return micros;
    }

    private static long time(String text) {
        Matcher m = TIME.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a time");
        }
        return timeOfDay(m.group(1), m.group(2), m.group(3), m.group(4), ValueKind.TIME);
    }

    private static long timeOfDay(String h, String mi, String s, String fraction, ValueKind kind) {
        int hour = Integer.parseInt(h);
        int minute = Integer.parseInt(mi);
        int second = s == null ? 0 : Integer.parseInt(s);
        if (hour > 24 || minute > 59 || second > 60 || hour == 24 && (minute > 0 || second > 0)) {
            throw new IllegalArgumentException("not " + kind.description() + ": time of day out of range");
        }
        long micros = ((hour * 60L + minute) * 60 + second) * 1_000_000L;
        if (fraction != null) {
            // rounded to microseconds, as the types keep them
            micros += new BigDecimal("0." + fraction).movePointRight(6).setScale(0, RoundingMode.HALF_EVEN).longValue();
        }
        return micros;
    }

    /** "+05", "-0530", "+05:30:15" in seconds east of UTC. */
    private static long offsetSeconds(String o) {
        int sign = o.charAt(0) == '-' ? -1 : 1;
        String d = o.substring(1).replace(":", "");
        if (d.length() % 2 == 1) {
            d = "0" + d;
        }
        long h = Long.parseLong(d.substring(0, 2));
        long m = d.length() >= 4 ? Long.parseLong(d.substring(2, 4)) : 0;
        long s = d.length() >= 6 ? Long.parseLong(d.substring(4, 6)) : 0;
        return sign * (h * 3600 + m * 60 + s);
    }
}
