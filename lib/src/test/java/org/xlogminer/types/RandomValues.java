package org.xlogminer.types;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.xlogminer.sql.SqlText;

/** Random SQL value expressions of a few types, reproducible from a seed, for ValueFormatIT. */
final class RandomValues {

    private static final String TRICKY = "abcxyzABC 019\"\\{}(),[]'\t\nNULéß中😀\u000b\u0001;=:";

    private final SplittableRandom r;
    private final int major;

    RandomValues(long seed, int major) {
        this.r = new SplittableRandom(seed);
        this.major = major;
    }

    List<String> float8(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double d = i % 3 == 0 ? Double.longBitsToDouble(r.nextLong())
                    : r.nextInt(1_000_000) / Math.pow(10, r.nextInt(-10, 25));
            if (Double.isNaN(d)) {
                d = 1.5;
            }
            out.add("'" + d + "'::float8");
        }
        return out;
    }

    List<String> float4(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float f = i % 2 == 0 ? Float.intBitsToFloat(r.nextInt()) : (float) (r.nextInt(100000) / Math.pow(10, r.nextInt(-6, 12)));
            if (Float.isNaN(f)) {
                f = 2.5f;
            }
            out.add("'" + f + "'::float4");
        }
        return out;
    }

    List<String> numeric(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            if (r.nextBoolean()) {
                sb.append('-');
            }
            sb.append(digits(r.nextInt(0, 45), true));
            if (sb.length() == 0 || sb.charAt(sb.length() - 1) == '-') {
                sb.append('0');
            }
            if (r.nextInt(3) > 0) {
                sb.append('.').append(digits(r.nextInt(0, 45), false));
            }
            if (r.nextInt(6) == 0) {
                sb.append('e').append(r.nextInt(-300, 300));
            }
            out.add("'" + sb + "'::numeric");
        }
        return out;
    }

    private String digits(int n, boolean noLeadingZero) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int d = r.nextInt(10);
            if (i == 0 && noLeadingZero && d == 0) {
                d = 1;
            }
            // runs of zeros and nines exercise the base-10000 digit packing
            sb.append(r.nextInt(4) == 0 ? (r.nextBoolean() ? '0' : '9') : (char) ('0' + d));
        }
        return sb.toString();
    }

    List<String> timestamps(int n, boolean tz) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long days = i % 2 == 0 ? r.nextLong(-2451545L + 1, 106741000L) : r.nextLong(-800000, 800000);
            long usec = r.nextLong(0, 86_400_000_000L);
            out.add("(timestamp" + (tz ? "tz '2000-01-01 00:00:00+00'" : " '2000-01-01 00:00:00'") + " + " + days
                    + " * interval '1 day' + " + usec + " * interval '1 microsecond')");
        }
        return out;
    }

    List<String> dates(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long k = i % 2 == 0 ? r.nextLong(-2451545L, 2145031949L) : r.nextLong(-800000, 800000);
            out.add("(date '2000-01-01' + " + k + ")");
        }
        return out;
    }

    List<String> intervals(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int months = r.nextInt(4) == 0 ? 0 : r.nextInt(-50000, 50000);
            int days = r.nextInt(4) == 0 ? 0 : r.nextInt(-50000, 50000);
            long usec = r.nextInt(4) == 0 ? 0 : r.nextLong(-1_000_000_000_000_000L, 1_000_000_000_000_000L)
                    / (r.nextBoolean() ? 1 : 1_000_000);
            out.add("(interval '" + months + " mons' + interval '" + days + " days' + " + usec
                    + " * interval '1 microsecond')");
        }
        return out;
    }

    String text(int maxLen) {
        int len = r.nextInt(0, maxLen);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            int k = r.nextInt(TRICKY.length());
            char c = TRICKY.charAt(k);
            if (Character.isHighSurrogate(c)) {
                sb.append(c).append(TRICKY.charAt(k + 1));
            } else if (!Character.isLowSurrogate(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    List<String> texts(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(SqlText.quoteLiteral(text(12)));
        }
        return out;
    }

    List<String> textArrays(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder("ARRAY[");
            int k = r.nextInt(1, 5);
            for (int j = 0; j < k; j++) {
                sb.append(j == 0 ? "" : ", ").append(r.nextInt(6) == 0 ? "NULL" : SqlText.quoteLiteral(text(6)));
            }
            out.add(sb.append("]::text[]").toString());
        }
        return out;
    }

    List<String> composites(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("ROW(" + (r.nextInt(5) == 0 ? "NULL" : String.valueOf(r.nextInt())) + ", "
                    + (r.nextInt(5) == 0 ? "NULL" : SqlText.quoteLiteral(text(8))) + ", NULL, NULL, NULL)::comp");
        }
        return out;
    }

    List<String> jsonb(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            json(sb, 0);
            out.add(SqlText.quoteLiteral(sb.toString()) + "::jsonb");
        }
        return out;
    }

    private void json(StringBuilder sb, int depth) {
        int kind = depth > 3 ? r.nextInt(5) : r.nextInt(7);
        switch (kind) {
            case 0:
                sb.append("null");
                break;
            case 1:
                sb.append(r.nextBoolean());
                break;
            case 2:
                sb.append(r.nextInt(-100000, 100000)).append(r.nextBoolean() ? "" : "." + r.nextInt(0, 1000));
                break;
            case 3:
                sb.append(r.nextDouble() * 1e6).append(r.nextBoolean() ? "" : "e" + r.nextInt(-30, 30));
                break;
            case 4:
                jsonString(sb, text(8));
                break;
            case 5: {
                sb.append('[');
                int k = r.nextInt(0, depth == 0 && r.nextInt(5) == 0 ? 40 : 5);
                for (int j = 0; j < k; j++) {
                    sb.append(j == 0 ? "" : ",");
                    json(sb, depth + 1);
                }
                sb.append(']');
                break;
            }
            default: {
                sb.append('{');
                int k = r.nextInt(0, depth == 0 && r.nextInt(5) == 0 ? 40 : 5);
                for (int j = 0; j < k; j++) {
                    sb.append(j == 0 ? "" : ",");
                    jsonString(sb, text(5));
                    sb.append(':');
                    json(sb, depth + 1);
                }
                sb.append('}');
            }
        }
    }

    private static void jsonString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }
}
