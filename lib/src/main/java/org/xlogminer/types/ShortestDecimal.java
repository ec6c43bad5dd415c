package org.xlogminer.types;

import java.math.BigInteger;

/**
 * The shortest decimal that reads back as the same float4/float8, printed the way PostgreSQL 12+
 * prints floats when {@code extra_float_digits > 0} ({@code float8out_internal()} and
 * {@code float4out()} in {@code src/backend/utils/adt/float.c}, which call
 * {@code double_to_shortest_decimal_buf()} / {@code float_to_shortest_decimal_buf()} of
 * {@code src/common/d2s.c} and {@code f2s.c}).
 *
 * <p>Digits: among the decimals of fewest significant digits that lie strictly inside the rounding
 * interval of the binary value (PostgreSQL's build of Ryū never accepts the bounds), the one nearest to
 * it, ties to even; this class computes them with the Ryū method of Ulf Adams (PLDI 2018) following
 * the steps of d2d()/f2d() in PostgreSQL's d2s.c/f2s.c, with its own tables derived with BigInteger
 * when the class loads. Layout: fixed notation when the decimal exponent X of the first
 * digit satisfies -4 &lt;= X &lt; 15 (float8) or -4 &lt;= X &lt; 6 (float4), e.g. {@code 0.0001},
 * {@code 123.5}, {@code 100000000000000}; otherwise {@code d.ddde+XX} with at least two exponent digits,
 * e.g. {@code 1e+20}, {@code 1.5e-07}, {@code 5e-324}. Specials: {@code NaN}, {@code Infinity},
 * {@code -Infinity}, {@code 0}, {@code -0}.
 *
 * <p>Stateless, allocation-free and thread-safe.
 */
final class ShortestDecimal {

    private static final int POW5_BITCOUNT = 125;
    private static final int POW5_INV_BITCOUNT = 125;
    private static final int POW5_TABLE_SIZE = 326;
    private static final int POW5_INV_TABLE_SIZE = 342;

    /** 5^i, normalized to 125 bits: low and high 64-bit halves. */
    private static final long[] POW5_LO = new long[POW5_TABLE_SIZE];
    private static final long[] POW5_HI = new long[POW5_TABLE_SIZE];
    /** floor(2^(bitlength(5^q) - 1 + 125) / 5^q) + 1: low and high halves. */
    private static final long[] POW5_INV_LO = new long[POW5_INV_TABLE_SIZE];
    private static final long[] POW5_INV_HI = new long[POW5_INV_TABLE_SIZE];

    private static final int FLOAT_POW5_INV_BITCOUNT = 59;
    private static final int FLOAT_POW5_BITCOUNT = 61;
    /** floor(2^(bitlength(5^q) - 1 + 59) / 5^q) + 1. */
    private static final long[] FLOAT_POW5_INV = new long[31];
    /** 5^i normalized to 61 bits. */
    private static final long[] FLOAT_POW5 = new long[47];

    private static final BigInteger MASK64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    static {
        BigInteger five = BigInteger.valueOf(5);
        for (int i = 0; i < POW5_TABLE_SIZE; i++) {
            BigInteger pow = five.pow(i);
            int bits = pow.bitLength();
            if (bits != pow5bits(i)) {
                throw new AssertionError("pow5bits(" + i + ")");
            }
            int shift = bits - POW5_BITCOUNT;
            BigInteger v = shift >= 0 ? pow.shiftRight(shift) : pow.shiftLeft(-shift);
            POW5_LO[i] = v.and(MASK64).longValue();
            POW5_HI[i] = v.shiftRight(64).longValue();
        }
        for (int q = 0; q < POW5_INV_TABLE_SIZE; q++) {
            BigInteger pow = five.pow(q);
            int j = pow.bitLength() - 1 + POW5_INV_BITCOUNT;
            BigInteger inv = BigInteger.ONE.shiftLeft(j).divide(pow).add(BigInteger.ONE);
            POW5_INV_LO[q] = inv.and(MASK64).longValue();
            POW5_INV_HI[q] = inv.shiftRight(64).longValue();
        }
        for (int q = 0; q < FLOAT_POW5_INV.length; q++) {
            BigInteger pow = five.pow(q);
            int j = pow.bitLength() - 1 + FLOAT_POW5_INV_BITCOUNT;
            FLOAT_POW5_INV[q] = BigInteger.ONE.shiftLeft(j).divide(pow).add(BigInteger.ONE).longValueExact();
        }
        for (int i = 0; i < FLOAT_POW5.length; i++) {
            BigInteger pow = five.pow(i);
            int shift = pow.bitLength() - FLOAT_POW5_BITCOUNT;
            FLOAT_POW5[i] = (shift >= 0 ? pow.shiftRight(shift) : pow.shiftLeft(-shift)).longValueExact();
        }
    }

    private ShortestDecimal() {
    }

    /** Appends a float8 as PostgreSQL prints it with extra_float_digits &gt; 0. */
    static void appendDouble(StringBuilder out, double value) {
        long bits = Double.doubleToRawLongBits(value);
        boolean sign = bits < 0;
        long ieeeMantissa = bits & ((1L << 52) - 1);
        int ieeeExponent = (int) ((bits >>> 52) & 0x7FF);
        if (ieeeExponent == 0x7FF || ieeeExponent == 0 && ieeeMantissa == 0) {
            appendSpecial(out, sign, ieeeExponent != 0, ieeeMantissa != 0);
            return;
        }
        if (sign) {
            out.append('-');
        }
        int e2 = ieeeExponent - 1023 - 52;
        if (e2 >= -52 && e2 <= 0 && (ieeeMantissa & ((1L << -e2) - 1)) == 0) {
            // an integer below 2^53: exact, its digits are the answer (trailing zeros stripped in appendDecimal)
            appendDecimal(out, ((1L << 52) | ieeeMantissa) >> -e2, 0, 15);
            return;
        }
        long m2;
        if (ieeeExponent == 0) {
            m2 = ieeeMantissa;
            e2 = 1 - 1023 - 52 - 2;
        } else {
            m2 = (1L << 52) | ieeeMantissa;
            e2 = ieeeExponent - 1023 - 52 - 2;
        }
        boolean mmShift = ieeeMantissa != 0 || ieeeExponent <= 1;
        d2d(out, m2, e2, mmShift);
    }

    /** Appends a float4 as PostgreSQL prints it with extra_float_digits &gt; 0. */
    static void appendFloat(StringBuilder out, float value) {
        int bits = Float.floatToRawIntBits(value);
        boolean sign = bits < 0;
        int ieeeMantissa = bits & ((1 << 23) - 1);
        int ieeeExponent = (bits >>> 23) & 0xFF;
        if (ieeeExponent == 0xFF || ieeeExponent == 0 && ieeeMantissa == 0) {
            appendSpecial(out, sign, ieeeExponent != 0, ieeeMantissa != 0);
            return;
        }
        if (sign) {
            out.append('-');
        }
        int e2 = ieeeExponent - 127 - 23;
        if (e2 >= -23 && e2 <= 0 && (ieeeMantissa & ((1 << -e2) - 1)) == 0) {
            appendDecimal(out, ((1 << 23) | ieeeMantissa) >> -e2, 0, 6);
            return;
        }
        int m2;
        if (ieeeExponent == 0) {
            m2 = ieeeMantissa;
            e2 = 1 - 127 - 23 - 2;
        } else {
            m2 = (1 << 23) | ieeeMantissa;
            e2 = ieeeExponent - 127 - 23 - 2;
        }
        int mmShift = ieeeMantissa != 0 || ieeeExponent <= 1 ? 1 : 0;
        f2d(out, m2, e2, mmShift);
    }

    private static void appendSpecial(StringBuilder out, boolean sign, boolean exponentSet, boolean mantissaSet) {
        if (exponentSet && mantissaSet) {
            out.append("NaN");
            return;
        }
        if (sign) {
            out.append('-');
        }
        out.append(exponentSet ? "Infinity" : "0");
    }

    /**
     * The float8 path, d2d() of d2s.c for the value {@code m2 * 2^e2} (e2 already lowered by 2 for the
     * interval arithmetic): 64-bit results from 125-bit multipliers, one extra digit computed up front
     * (q - 1), bounds never accepted (PostgreSQL builds Ryū without STRICTLY_SHORTEST, so 1e23 prints as
     * 9.999999999999999e+22 although 1e+23 would read back under round-half-even).
     */
    private static void d2d(StringBuilder out, long m2, int e2, boolean mmShiftOn) {
        long mv = 4 * m2;
        int mmShift = mmShiftOn ? 1 : 0;
        long mp = mv + 2;
        long mm = mv - 1 - mmShift;
        long vr;
        long vp;
        long vm;
        int e10;
        boolean vrIsTrailingZeros = false;
        if (e2 >= 0) {
            int q = log10Pow2(e2) - (e2 > 3 ? 1 : 0);
            e10 = q;
            int k = POW5_INV_BITCOUNT + pow5bits(q) - 1;
            int i = -e2 + q + k;
            vr = mulShift(mv, POW5_INV_LO[q], POW5_INV_HI[q], i);
            vp = mulShift(mp, POW5_INV_LO[q], POW5_INV_HI[q], i);
            vm = mulShift(mm, POW5_INV_LO[q], POW5_INV_HI[q], i);
            if (q <= 21) {
                if (mv % 5 == 0) {
                    vrIsTrailingZeros = multipleOfPowerOf5(mv, q);
                } else if (multipleOfPowerOf5(mp, q)) {
                    vp--;
                }
            }
        } else {
            int q = log10Pow5(-e2) - (-e2 > 1 ? 1 : 0);
            e10 = q + e2;
            int i = -e2 - q;
            int k = pow5bits(i) - POW5_BITCOUNT;
            int j = q - k;
            vr = mulShift(mv, POW5_LO[i], POW5_HI[i], j);
            vp = mulShift(mp, POW5_LO[i], POW5_HI[i], j);
            vm = mulShift(mm, POW5_LO[i], POW5_HI[i], j);
            if (q <= 1) {
                vrIsTrailingZeros = true;
                vp--;
            } else if (q < 63) {
                vrIsTrailingZeros = (mv & ((1L << (q - 1)) - 1)) == 0;
            }
        }
        int removed = 0;
        int lastRemovedDigit = 0;
        long output;
        if (vrIsTrailingZeros) {
            while (vp / 10 > vm / 10) {
                vrIsTrailingZeros &= lastRemovedDigit == 0;
                lastRemovedDigit = (int) (vr % 10);
                vr /= 10;
                vp /= 10;
                vm /= 10;
                removed++;
            }
            if (vrIsTrailingZeros && lastRemovedDigit == 5 && vr % 2 == 0) {
                lastRemovedDigit = 4; // exactly ...5000: round half to even
            }
        } else {
            while (vp / 10 > vm / 10) {
                lastRemovedDigit = (int) (vr % 10);
                vr /= 10;
                vp /= 10;
                vm /= 10;
                removed++;
            }
        }
        output = vr + (vr == vm || lastRemovedDigit >= 5 ? 1 : 0);
        appendDecimal(out, output, e10 + removed, 15);
    }

    /**
     * The float4 path, f2d() of f2s.c: 32-bit arithmetic with 64-bit multipliers, the last removed digit
     * computed ahead when no digit will be removed, bounds never accepted.
     */
    private static void f2d(StringBuilder out, int m2, int e2, int mmShift) {
        long mv = 4L * m2;
        long mp = mv + 2;
        long mm = mv - 1 - mmShift;
        long vr;
        long vp;
        long vm;
        int e10;
        boolean vrIsTrailingZeros = false;
        int lastRemovedDigit = 0;
        if (e2 >= 0) {
            int q = log10Pow2(e2);
            e10 = q;
            int k = FLOAT_POW5_INV_BITCOUNT + pow5bits(q) - 1;
            int i = -e2 + q + k;
            vr = mulShift32(mv, FLOAT_POW5_INV[q], i);
            vp = mulShift32(mp, FLOAT_POW5_INV[q], i);
            vm = mulShift32(mm, FLOAT_POW5_INV[q], i);
            if (q != 0 && (vp - 1) / 10 <= vm / 10) {
                int l = FLOAT_POW5_INV_BITCOUNT + pow5bits(q - 1) - 1;
                lastRemovedDigit = (int) (mulShift32(mv, FLOAT_POW5_INV[q - 1], -e2 + q - 1 + l) % 10);
            }
            if (q <= 9) {
                if (mv % 5 == 0) {
                    vrIsTrailingZeros = multipleOfPowerOf5(mv, q);
                } else if (multipleOfPowerOf5(mp, q)) {
                    vp--;
                }
            }
        } else {
            int q = log10Pow5(-e2);
            e10 = q + e2;
            int i = -e2 - q;
            int k = pow5bits(i) - FLOAT_POW5_BITCOUNT;
            int j = q - k;
            vr = mulShift32(mv, FLOAT_POW5[i], j);
            vp = mulShift32(mp, FLOAT_POW5[i], j);
            vm = mulShift32(mm, FLOAT_POW5[i], j);
            if (q != 0 && (vp - 1) / 10 <= vm / 10) {
                j = q - 1 - (pow5bits(i + 1) - FLOAT_POW5_BITCOUNT);
                lastRemovedDigit = (int) (mulShift32(mv, FLOAT_POW5[i + 1], j) % 10);
            }
            if (q <= 1) {
                vrIsTrailingZeros = true;
                vp--;
            } else if (q < 31) {
                vrIsTrailingZeros = (mv & ((1L << (q - 1)) - 1)) == 0;
            }
        }
        int removed = 0;
        long output;
        if (vrIsTrailingZeros) {
            while (vp / 10 > vm / 10) {
                vrIsTrailingZeros &= lastRemovedDigit == 0;
                lastRemovedDigit = (int) (vr % 10);
                vr /= 10;
                vp /= 10;
                vm /= 10;
                removed++;
            }
            if (vrIsTrailingZeros && lastRemovedDigit == 5 && vr % 2 == 0) {
                lastRemovedDigit = 4;
            }
            output = vr + (vr == vm || lastRemovedDigit >= 5 ? 1 : 0);
        } else {
            while (vp / 10 > vm / 10) {
                lastRemovedDigit = (int) (vr % 10);
                vr /= 10;
                vp /= 10;
                vm /= 10;
                removed++;
            }
            output = vr + (vr == vm || lastRemovedDigit >= 5 ? 1 : 0);
        }
        appendDecimal(out, output, e10 + removed, 6);
    }

    /** (m * factor) &gt;&gt; shift for m &lt; 2^26, a 64-bit factor and shift &gt; 32 (mulShift of f2s.c). */
    private static long mulShift32(long m, long factor, int shift) {
        long bits0 = m * (factor & 0xFFFFFFFFL);
        long bits1 = m * (factor >>> 32);
        long sum = (bits0 >>> 32) + bits1;
        return sum >>> (shift - 32);
    }

    /**
     * Prints {@code digits * 10^exp} (digits &gt; 0): fixed notation when the exponent of the first digit
     * is in [-4, fixedLimit), else scientific (to_chars / to_chars_df of d2s.c).
     */
    private static void appendDecimal(StringBuilder out, long digits, int exp, int fixedLimit) {
        int olength = decimalLength(digits);
        int x = exp + olength - 1;
        if (x >= -4 && x < fixedLimit) {
            int nexp = exp + olength; // digits before the point
            if (exp >= 0) {
                out.append(digits);
                for (int i = 0; i < exp; i++) {
                    out.append('0');
                }
            } else if (nexp <= 0) {
                out.append("0.");
                for (int i = 0; i < -nexp; i++) {
                    out.append('0');
                }
                out.append(digits);
            } else {
                long div = pow10(olength - nexp);
                out.append(digits / div).append('.');
                appendPadded(out, digits % div, olength - nexp);
            }
            return;
        }
        while (digits % 10 == 0) {
            digits /= 10;
            olength--;
        }
        long div = pow10(olength - 1);
        out.append(digits / div);
        if (olength > 1) {
            out.append('.');
            appendPadded(out, digits % div, olength - 1);
        }
        out.append('e').append(x < 0 ? '-' : '+');
        int ax = Math.abs(x);
        if (ax < 10) {
            out.append('0');
        }
        out.append(ax);
    }

    private static void appendPadded(StringBuilder out, long value, int width) {
        for (long p = pow10(width - 1); p > 1 && value < p; p /= 10) {
            out.append('0');
        }
        out.append(value);
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }

    static int decimalLength(long v) {
        int n = 1;
        long p = 10;
        while (n < 19 && v >= p) {
            n++;
            p *= 10;
        }
        return n;
    }

    /** ceil(log2(5^e)) for 0 &lt;= e &lt;= 3528; 1 for e = 0. */
    private static int pow5bits(int e) {
        return (int) (((long) e * 1217359) >>> 19) + 1;
    }

    /** floor(log10(2^e)) for 0 &lt;= e &lt;= 1650. */
    private static int log10Pow2(int e) {
        return (int) (((long) e * 78913) >>> 18);
    }

    /** floor(log10(5^e)) for 0 &lt;= e &lt;= 2620. */
    private static int log10Pow5(int e) {
        return (int) (((long) e * 732923) >>> 20);
    }

    private static boolean multipleOfPowerOf5(long value, int p) {
        int count = 0;
        while (value > 0 && value % 5 == 0) {
            value /= 5;
            count++;
        }
        return count >= p;
    }

    /** (m * (hi:lo)) &gt;&gt; j for m &lt; 2^55, a 125-bit factor and 64 &lt;= j &lt; 128. */
    private static long mulShift(long m, long lo, long hi, int j) {
        long b0Hi = unsignedMultiplyHigh(m, lo);
        long b2Lo = m * hi;
        long b2Hi = unsignedMultiplyHigh(m, hi);
        long sumLo = b0Hi + b2Lo;
        long sumHi = b2Hi + (Long.compareUnsigned(sumLo, b0Hi) < 0 ? 1 : 0);
        int s = j - 64;
        if (s == 0) {
            return sumLo;
        }
        return (sumHi << (64 - s)) | (sumLo >>> s);
    }

    private static long unsignedMultiplyHigh(long x, long y) {
        return Math.multiplyHigh(x, y) + ((x >> 63) & y) + ((y >> 63) & x);
    }
}
