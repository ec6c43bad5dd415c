package org.xlogminer.types;

import java.nio.ByteBuffer;

import org.xlogminer.tuple.TupleFormatException;

/**
 * {@code bit} and {@code bit varying} ({@code VarBit} of {@code utils/varbit.h} after the varlena
 * header: int32 bit_len, then the bits, most significant first, padded to whole bytes). Output: one
 * {@code 0}/{@code 1} per bit; literal quoted and cast to {@code "bit"} (never {@code bit}, which would
 * mean bit(1)) or {@code bit varying}.
 */
final class BitStringFormatter extends TypeFormatter {

    BitStringFormatter(String castType) {
        super(castType);
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        int bitLen = len < 4 ? -1 : buf.getInt(off);
        if (bitLen < 0 || 4 + ((bitLen + 7L) >> 3) > len) {
            throw new TupleFormatException("bit string of " + bitLen + " bits does not fit its " + len + " bytes offset=" + off);
        }
        for (int i = 0; i < bitLen; i++) {
            int b = buf.get(off + 4 + (i >> 3));
            out.append((b & (0x80 >> (i & 7))) != 0 ? '1' : '0');
        }
    }

    @Override
    boolean outputMayContainQuote() {
        return false;
    }
}
