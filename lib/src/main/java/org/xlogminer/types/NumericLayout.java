package org.xlogminer.types;

/**
 * On-disk layout of {@code numeric}, {@code NumericData} in {@code src/backend/utils/adt/numeric.c},
 * after the varlena header. Digits are base-10000 int16 ({@code NumericDigit}, NBASE 10000, DEC_DIGITS
 * 4), most significant first, with leading and trailing zero digits stripped (zero has no digit).
 *
 * <table>
 * <caption>n_header, the first uint16, decides the form</caption>
 * <tr><th>n_header &amp; 0xC000</th><th>form</th><th>then</th></tr>
 * <tr><td>0x0000 / 0x4000</td><td>NumericLong, positive / negative</td><td>dscale = n_header &amp; 0x3FFF;
 *   n_weight int16 at 2; digits from 4</td></tr>
 * <tr><td>0x8000</td><td>NumericShort</td><td>sign bit 0x2000, dscale (n_header &amp; 0x1F80) &gt;&gt; 7,
 *   weight = 7-bit two's complement: sign 0x0040, magnitude 0x003F; digits from 2</td></tr>
 * <tr><td>0xC000</td><td>special (NUMERIC_SPECIAL)</td><td>n_header &amp; 0xF000: 0xC000 NaN, 0xD000
 *   +Infinity, 0xF000 -Infinity (infinities since 14)</td></tr>
 * </table>
 * The value is sum(digit[i] * 10000^(weight - i)); dscale is the number of decimal digits shown after
 * the point.
 */
final class NumericLayout {

    static final int NUMERIC_SIGN_MASK = 0xC000;
    static final int NUMERIC_POS = 0x0000;
    static final int NUMERIC_NEG = 0x4000;
    static final int NUMERIC_SHORT = 0x8000;
    static final int NUMERIC_SPECIAL = 0xC000;
    static final int NUMERIC_EXT_SIGN_MASK = 0xF000;
    static final int NUMERIC_NAN = 0xC000;
    static final int NUMERIC_PINF = 0xD000;
    static final int NUMERIC_NINF = 0xF000;
    static final int NUMERIC_SHORT_SIGN_MASK = 0x2000;
    static final int NUMERIC_SHORT_DSCALE_MASK = 0x1F80;
    static final int NUMERIC_SHORT_DSCALE_SHIFT = 7;
    static final int NUMERIC_SHORT_WEIGHT_SIGN_MASK = 0x0040;
    static final int NUMERIC_SHORT_WEIGHT_MASK = 0x003F;
    static final int NUMERIC_DSCALE_MASK = 0x3FFF;

    private NumericLayout() {
    }
}
