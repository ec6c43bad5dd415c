package org.xlogminer.types;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * {@link ShortestDecimal} against a slow reference: the nearest decimal of the fewest digits that reads
 * back as the same binary value (found with BigDecimal and the JDK's correctly rounded parsers), laid
 * out as PostgreSQL's float8out/float4out do.
 */
class ShortestDecimalFormatTest {

    @Test
    void knownValuesAsPostgresPrintsThem() {
        assertDouble("0.1", 0.1);
        assertDouble("1e+20", 1e20);
        assertDouble("-0", -0.0);
        assertDouble("0", 0.0);
        assertDouble("NaN", Double.NaN);
        assertDouble("Infinity", Double.POSITIVE_INFINITY);
        assertDouble("-Infinity", Double.NEGATIVE_INFINITY);
        assertDouble("1e-310", 1e-310);
        assertDouble("5e-324", Double.MIN_VALUE);
        assertDouble("1.7976931348623157e+308", Double.MAX_VALUE);
        assertDouble("100000000000000", 1e14);
        assertDouble("1e+15", 1e15);
        assertDouble("0.0001", 1e-4);
        assertDouble("1e-05", 1e-5);
        assertDouble("123.456", 123.456);
        assertDouble("-2.5", -2.5);
        assertDouble("9.007199254740992e+15", 9007199254740992.0);
        assertDouble("999999999999999", 999999999999999.0);
        assertDouble("1.2345678901234567e+19", 12345678901234567890.0);
        assertDouble("9.999999999999999e+22", 1e23);
        assertDouble("0.30000000000000004", 0.1 + 0.2);
        assertFloat("0.1", 0.1f);
        assertFloat("3.4028235e+38", Float.MAX_VALUE);
        assertFloat("1e-45", Float.MIN_VALUE);
        assertFloat("100000", 1e5f);
        assertFloat("1e+06", 1e6f);
        assertFloat("-0", -0.0f);
        assertFloat("1.0000001", 1.0000001f);
        assertFloat("1.6777216e+07", 16777216f);
        assertFloat("999999", 999999f);
    }

    @Test
    void randomDoublesMatchTheReference() {
        SplittableRandom r = new SplittableRandom(20240101);
        for (int i = 0; i < 300_000; i++) {
            double d = Double.longBitsToDouble(r.nextLong());
            if (Double.isNaN(d)) {
                continue;
            }
            assertDouble(referenceDouble(d), d);
        }
        for (int i = 0; i < 100_000; i++) {
            double d = r.nextInt(1_000_000) / Math.pow(10, r.nextInt(12));
            assertDouble(referenceDouble(d), d);
        }
        for (long bits = 0; bits < 2000; bits++) {
            assertDouble(referenceDouble(Double.longBitsToDouble(bits)), Double.longBitsToDouble(bits));
            double p2 = Double.longBitsToDouble((bits % 2046 + 1) << 52);
            assertDouble(referenceDouble(p2), p2);
        }
    }

    @Test
    void randomFloatsMatchTheReference() {
        SplittableRandom r = new SplittableRandom(77);
        for (int i = 0; i < 300_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (Float.isNaN(f)) {
                continue;
            }
            assertFloat(referenceFloat(f), f);
        }
        for (int bits = 0; bits < 3000; bits++) {
            assertFloat(referenceFloat(Float.intBitsToFloat(bits)), Float.intBitsToFloat(bits));
            float p2 = Float.intBitsToFloat((bits % 254 + 1) << 23);
            assertFloat(referenceFloat(p2), p2);
        }
    }

    private static void assertDouble(String expected, double d) {
        StringBuilder sb = new StringBuilder();
        ShortestDecimal.appendDouble(sb, d);
        assertEquals(expected, sb.toString(), () -> "double bits " + Long.toHexString(Double.doubleToRawLongBits(d)));
    }

    private static void assertFloat(String expected, float f) {
        StringBuilder sb = new StringBuilder();
        ShortestDecimal.appendFloat(sb, f);
        assertEquals(expected, sb.toString(), () -> "float bits " + Integer.toHexString(Float.floatToRawIntBits(f)));
    }

    static String referenceDouble(double d) {
        if (d == 0 || Double.isInfinite(d)) {
            return special(d == 0, Math.copySign(1, d) < 0);
        }
        double a = Math.abs(d);
        BigDecimal exact = new BigDecimal(a);
        BigDecimal lower = exact.add(new BigDecimal(Math.nextDown(a))).divide(BigDecimal.valueOf(2));
        BigDecimal upper = a == Double.MAX_VALUE ? exact.add(new BigDecimal(Math.ulp(a)).divide(BigDecimal.valueOf(2)))
                : exact.add(new BigDecimal(Math.nextUp(a))).divide(BigDecimal.valueOf(2));
        return (d < 0 ? "-" : "") + shortestInside(exact, lower, upper, 17, 15);
    }

    static String referenceFloat(float f) {
        if (f == 0 || Float.isInfinite(f)) {
            return special(f == 0, Math.copySign(1f, f) < 0);
        }
        float a = Math.abs(f);
        BigDecimal exact = new BigDecimal(a);
        BigDecimal lower = exact.add(new BigDecimal(Math.nextDown(a))).divide(BigDecimal.valueOf(2));
        BigDecimal upper = a == Float.MAX_VALUE ? exact.add(new BigDecimal(Math.ulp(a)).divide(BigDecimal.valueOf(2)))
                : exact.add(new BigDecimal(Math.nextUp(a))).divide(BigDecimal.valueOf(2));
        return (f < 0 ? "-" : "") + shortestInside(exact, lower, upper, 9, 6);
    }

    private static String special(boolean zero, boolean negative) {
        return (negative ? "-" : "") + (zero ? "0" : "Infinity");
    }

    /**
     * The decimal of fewest digits strictly inside (lower, upper), the nearest to exact among those
     * (ties to even), laid out as PostgreSQL does.
     */
    private static String shortestInside(BigDecimal exact, BigDecimal lower, BigDecimal upper, int maxDigits,
                                         int fixedLimit) {
        for (int p = 1; p <= maxDigits; p++) {
            BigDecimal nearest = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (nearest.compareTo(lower) > 0 && nearest.compareTo(upper) < 0) {
                return layout(nearest, fixedLimit);
            }
            BigDecimal ulp = nearest.ulp();
            BigDecimal other = nearest.compareTo(exact) < 0 ? nearest.add(ulp) : nearest.subtract(ulp);
            if (other.compareTo(lower) > 0 && other.compareTo(upper) < 0) {
                return layout(other, fixedLimit);
            }
        }
        throw new AssertionError("no shortest decimal for " + exact);
    }

    /** PostgreSQL's layout of digits * 10^exp: fixed when -4 <= X < fixedLimit, else d.ddde+XX. */
    private static String layout(BigDecimal v, int fixedLimit) {
        BigDecimal abs = v.abs().stripTrailingZeros();
        String digits = abs.unscaledValue().toString();
        int x = digits.length() - 1 - abs.scale();
        String sign = v.signum() < 0 ? "-" : "";
        if (x >= -4 && x < fixedLimit) {
            return sign + abs.toPlainString();
        }
        String mant = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
        String e = String.valueOf(Math.abs(x));
        return sign + mant + "e" + (x < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
    }
}
