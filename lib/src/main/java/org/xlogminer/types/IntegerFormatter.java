package org.xlogminer.types;

import java.nio.ByteBuffer;

/**
 * Integers: int2, int4, int8 (signed, bare SQL literals), and the unsigned oid, xid, cid (uint32) and
 * xid8 (uint64), whose literals are quoted and cast because a bare number would be typed int or bigint.
 * The reg* types, an oid on disk too, have their own {@link RegFormatter}.
 */
final class IntegerFormatter extends TypeFormatter {

    enum Kind { INT2, INT4, INT8, UINT4, UINT8 }

    private final Kind kind;
    private final boolean bare;

    IntegerFormatter(String castType, Kind kind) {
        super(castType);
        this.kind = kind;
        this.bare = kind == Kind.INT2 || kind == Kind.INT4 || kind == Kind.INT8;
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        switch (kind) {
            case INT2:
                out.append(buf.getShort(off));
                break;
            case INT4:
                out.append(buf.getInt(off));
                break;
            case INT8:
                out.append(buf.getLong(off));
                break;
            case UINT4:
                out.append(Integer.toUnsignedLong(buf.getInt(off)));
                break;
            default:
                appendUnsigned(out, buf.getLong(off));
        }
    }

    static void appendUnsigned(StringBuilder out, long v) {
        if (v >= 0) {
            out.append(v);
        } else {
            long q = (v >>> 1) / 5;
            long r = v - q * 10;
            out.append(q).append((char) ('0' + r));
        }
    }

    @Override
    public void appendSqlLiteral(StringBuilder out, ByteBuffer buf, int off, int len) {
        if (bare) {
            appendText(out, buf, off, len);
        } else {
            appendQuotedCast(out, buf, off, len, castType);
        }
    }

    @Override
    public boolean appendSqlLiteralOfItsText(StringBuilder out, CharSequence text) {
        if (bare) {
            out.append(text);
        } else {
            appendSqlLiteralOfText(out, text); // the quoted cast appendSqlLiteral makes
        }
        return true;
    }

    @Override
    public boolean literalIsItsText() {
        return bare;
    }

    @Override
    boolean outputMayContainQuote() {
        return false;
    }
}
