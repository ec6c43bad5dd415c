package org.xlogminer.types;

import java.nio.ByteBuffer;

import org.xlogminer.tuple.TupleFormatException;

/**
 * Small system types: {@code tid} (ItemPointerData: block number as two uint16, high half first, then
 * the uint16 offset; printed {@code (block,offset)}) and {@code pg_lsn} (uint64, printed as two
 * upper-case hex halves {@code 16/B374D848}), and {@code pg_snapshot} / {@code txid_snapshot}
 * ({@code pg_snapshot} of xid8funcs.c, a varlena: after the header uint32 nxip, uint64 xmin, uint64
 * xmax, nxip uint64 in-progress xids; printed {@code xmin:xmax:xip,xip} as {@code pg_snapshot_out()}).
 */
final class SystemFormatter extends TypeFormatter {

    enum Kind { TID, PG_LSN, SNAPSHOT }

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
        } else if (kind == Kind.SNAPSHOT) {
            appendSnapshot(out, buf, off, len);
        } else {
            long lsn = buf.getLong(off);
            appendHexUpper(out, lsn >>> 32);
            out.append('/');
            appendHexUpper(out, lsn & 0xFFFFFFFFL);
        }
    }

    private static void appendSnapshot(StringBuilder out, ByteBuffer buf, int off, int len) {
        long nxip = len < 20 ? -1 : Integer.toUnsignedLong(buf.getInt(off));
        if (nxip < 0 || 20 + 8 * nxip > len) {
            throw new TupleFormatException("snapshot of " + nxip + " xids in " + len + " bytes offset=" + off);
        }
        IntegerFormatter.appendUnsigned(out, buf.getLong(off + 4));
        out.append(':');
        IntegerFormatter.appendUnsigned(out, buf.getLong(off + 12));
        out.append(':');
        for (int i = 0; i < nxip; i++) {
            if (i > 0) {
                out.append(',');
            }
            IntegerFormatter.appendUnsigned(out, buf.getLong(off + 20 + 8 * i));
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
