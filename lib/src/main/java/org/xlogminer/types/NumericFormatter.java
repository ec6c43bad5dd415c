package org.xlogminer.types;

import static org.xlogminer.types.NumericLayout.NUMERIC_DSCALE_MASK;
import static org.xlogminer.types.NumericLayout.NUMERIC_EXT_SIGN_MASK;
import static org.xlogminer.types.NumericLayout.NUMERIC_NAN;
import static org.xlogminer.types.NumericLayout.NUMERIC_NEG;
import static org.xlogminer.types.NumericLayout.NUMERIC_NINF;
import static org.xlogminer.types.NumericLayout.NUMERIC_PINF;
import static org.xlogminer.types.NumericLayout.NUMERIC_SHORT;
import static org.xlogminer.types.NumericLayout.NUMERIC_SHORT_DSCALE_MASK;
import static org.xlogminer.types.NumericLayout.NUMERIC_SHORT_DSCALE_SHIFT;
import static org.xlogminer.types.NumericLayout.NUMERIC_SHORT_SIGN_MASK;
import static org.xlogminer.types.NumericLayout.NUMERIC_SHORT_WEIGHT_MASK;
import static org.xlogminer.types.NumericLayout.NUMERIC_SHORT_WEIGHT_SIGN_MASK;
import static org.xlogminer.types.NumericLayout.NUMERIC_SIGN_MASK;
import static org.xlogminer.types.NumericLayout.NUMERIC_SPECIAL;

import java.nio.ByteBuffer;

import org.xlogminer.tuple.TupleFormatException;

/**
 * {@code numeric}: see {@link NumericLayout}; output as {@code numeric_out()} /
 * {@code get_str_from_var()}: an optional minus, the integer digits without leading zeros (or 0), then,
 * when dscale &gt; 0, a point and exactly dscale digits. Finite values are bare SQL literals (a bare
 * numeric constant keeps its scale); NaN and the infinities are quoted and cast.
 */
final class NumericFormatter extends TypeFormatter {

    NumericFormatter(String castType) {
        super(castType);
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        append(out, buf, off, len);
    }

    @Override
    public void appendSqlLiteral(StringBuilder out, ByteBuffer buf, int off, int len) {
        if (len >= 2 && ((buf.getShort(off) & 0xFFFF) & NUMERIC_SIGN_MASK) == NUMERIC_SPECIAL) {
            appendQuotedCast(out, buf, off, len, castType);
        } else {
            append(out, buf, off, len);
        }
    }

    @Override
    boolean outputMayContainQuote() {
        return false;
    }

    /** Appends the numeric whose payload (after the varlena header) is {@code [off, off+len)}. */
    static void append(StringBuilder out, ByteBuffer buf, int off, int len) {
        if (len < 2) {
            throw new TupleFormatException("numeric of " + len + " bytes offset=" + off);
        }
        int header = buf.getShort(off) & 0xFFFF;
        int flags = header & NUMERIC_SIGN_MASK;
        if (flags == NUMERIC_SPECIAL) {
            int ext = header & NUMERIC_EXT_SIGN_MASK;
            if (ext == NUMERIC_NAN) {
                out.append("NaN");
            } else if (ext == NUMERIC_PINF) {
                out.append("Infinity");
            } else if (ext == NUMERIC_NINF) {
                out.append("-Infinity");
            } else {
                throw new TupleFormatException("invalid numeric special value 0x" + Integer.toHexString(header)
                        + " offset=" + off);
            }
            return;
        }
        boolean negative;
        int dscale;
        int weight;
        int digits;
        if (flags == NUMERIC_SHORT) {
            negative = (header & NUMERIC_SHORT_SIGN_MASK) != 0;
            dscale = (header & NUMERIC_SHORT_DSCALE_MASK) >> NUMERIC_SHORT_DSCALE_SHIFT;
            weight = (header & NUMERIC_SHORT_WEIGHT_SIGN_MASK) != 0
                    ? ~NUMERIC_SHORT_WEIGHT_MASK | (header & NUMERIC_SHORT_WEIGHT_MASK)
                    : header & NUMERIC_SHORT_WEIGHT_MASK;
            digits = off + 2;
        } else {
            if (len < 4) {
                throw new TupleFormatException("numeric of " + len + " bytes offset=" + off);
            }
            negative = flags == NUMERIC_NEG;
            dscale = header & NUMERIC_DSCALE_MASK;
            weight = buf.getShort(off + 2);
            digits = off + 4;
        }
        int ndigits = (off + len - digits) >> 1;
        if (negative) {
            out.append('-');
        }
        int d;
        if (weight < 0) {
            d = weight + 1;
            out.append('0');
        } else {
            for (d = 0; d <= weight; d++) {
                int dig = d < ndigits ? buf.getShort(digits + 2 * d) : 0;
                if (d == 0) {
                    out.append(dig); // first group: no leading zeros
                } else {
                    appendFourDigits(out, dig);
                }
            }
        }
        if (dscale > 0) {
            out.append('.');
            int end = out.length() + dscale;
            for (int i = 0; i < dscale; d++, i += 4) {
                int dig = d >= 0 && d < ndigits ? buf.getShort(digits + 2 * d) : 0;
                appendFourDigits(out, dig);
            }
            out.setLength(end);
        }
    }

    private static void appendFourDigits(StringBuilder out, int dig) {
        out.append((char) ('0' + dig / 1000))
                .append((char) ('0' + dig / 100 % 10))
                .append((char) ('0' + dig / 10 % 10))
                .append((char) ('0' + dig % 10));
    }
}
