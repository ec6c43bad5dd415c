package org.xlogminer.types;

import java.nio.ByteBuffer;

/**
 * Small system types: {@code tid} (ItemPointerData: block number as two uint16, high half first, then
 * the uint16 offset; printed {@code (block,offset)}) and {@code pg_lsn} (uint64, printed as two
 * upper-case hex halves {@code 16/B374D848}).
 */
final class SystemFormatter extends TypeFormatter {

    enum Kind { TID, PG_LSN }

    private final Kind kind;

    SystemFormatter(String castType, Kind kind) {
        super(castType);
        this.kind = kind;
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        if (kind == Kind.TID) {
            long block = ((long) (buf.getShort(off) & 0xFFFF) << 16) | (buf.getShort(off + 2) & 0xFFFF);
            out.append('(').append(block).append(',').append(buf.getShort(off + 4) & 0xFFFF).append(')');
        } else {
            long lsn = buf.getLong(off);
            appendHexUpper(out, lsn >>> 32);
            out.append('/');
            appendHexUpper(out, lsn & 0xFFFFFFFFL);
        }
    }

    private static void appendHexUpper(StringBuilder out, long v) {
        boolean started = false;
        for (int shift = 28; shift >= 0; shift -= 4) {
            int nib = (int) (v >>> shift) & 0xF;
            if (nib != 0 || started || shift == 0) {
                out.append((char) (nib < 10 ? '0' + nib : 'A' + nib - 10));
                started = true;
            }
        }
    }

    @Override
    boolean outputMayContainQuote() {
        return false;
    }
}
