package org.xlogminer.types;

import java.nio.ByteBuffer;

/**
 * {@code real} (float4) and {@code double precision} (float8), IEEE 754 little-endian. Output: the
 * shortest exact decimal as PostgreSQL 12+ prints it with extra_float_digits=1 ({@link ShortestDecimal}).
 * SQL literal: always quoted and cast ({@code '0.1'::double precision}, {@code '-0'::real},
 * {@code 'NaN'::double precision}): a bare constant would be a numeric, which prints differently
 * ({@code 1e+20} as 100000000000000000000), loses -0, and compared with a real column is compared as
 * double precision.
 */
final class FloatFormatter extends TypeFormatter {

    private final boolean doublePrecision;

    FloatFormatter(String castType, boolean doublePrecision) {
        super(castType);
        this.doublePrecision = doublePrecision;
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        if (doublePrecision) {
            ShortestDecimal.appendDouble(out, buf.getDouble(off));
        } else {
            ShortestDecimal.appendFloat(out, buf.getFloat(off));
        }
    }

    @Override
    boolean outputMayContainQuote() {
        return false;
    }
}
