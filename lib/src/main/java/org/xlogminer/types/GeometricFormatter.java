package org.xlogminer.types;

import java.nio.ByteBuffer;

import org.xlogminer.tuple.TupleFormatException;

/**
 * Geometric types of {@code utils/geo_decls.h}, all float8 coordinates printed like float8
 * ({@code pair_encode()} uses {@code float8out_internal()}): {@code point} {@code (x,y)}; {@code lseg}
 * {@code [(x1,y1),(x2,y2)]}; {@code box} {@code (x1,y1),(x2,y2)}; {@code line} {@code {A,B,C}};
 * {@code circle} {@code <(x,y),r>}; {@code path} (varlena: int32 npts, int32 closed, int32 padding,
 * points) {@code ((..),..)} when closed, {@code [(..),..]} when open; {@code polygon} (varlena: int32
 * npts, box boundbox (32 bytes), points) {@code ((..),..)}.
 */
final class GeometricFormatter extends TypeFormatter {

    enum Kind { POINT, LSEG, BOX, LINE, CIRCLE, PATH, POLYGON }

    private final Kind kind;

    GeometricFormatter(String castType, Kind kind) {
        super(castType);
        this.kind = kind;
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        switch (kind) {
            case POINT:
                appendPoint(out, buf, off);
                break;
            case LSEG:
                out.append('[');
                appendPoint(out, buf, off);
                out.append(',');
                appendPoint(out, buf, off + 16);
                out.append(']');
                break;
            case BOX:
                appendPoint(out, buf, off);
                out.append(',');
                appendPoint(out, buf, off + 16);
                break;
            case LINE:
                out.append('{');
                ShortestDecimal.appendDouble(out, buf.getDouble(off));
                out.append(',');
                ShortestDecimal.appendDouble(out, buf.getDouble(off + 8));
                out.append(',');
                ShortestDecimal.appendDouble(out, buf.getDouble(off + 16));
                out.append('}');
                break;
            case CIRCLE:
                out.append('<');
                appendPoint(out, buf, off);
                out.append(',');
                ShortestDecimal.appendDouble(out, buf.getDouble(off + 16));
                out.append('>');
                break;
            case PATH: {
                int npts = points(buf, off, len, 12);
                boolean closed = buf.getInt(off + 4) != 0;
                appendPoints(out, buf, off + 12, npts, closed ? '(' : '[', closed ? ')' : ']');
                break;
            }
            default:
                appendPoints(out, buf, off + 36, points(buf, off, len, 36), '(', ')');
        }
    }

    /**
     * The point count of a path or polygon (int32 npts first), checked against the datum: its points
     * start {@code header} bytes in, 16 bytes each.
     */
    private static int points(ByteBuffer buf, int off, int len, int header) {
        int npts = len < header ? -1 : buf.getInt(off);
        if (npts < 0 || header + 16L * npts > len) {
            throw new TupleFormatException(npts + " points do not fit a " + len + "-byte datum offset=" + off);
        }
        return npts;
    }

    private static void appendPoints(StringBuilder out, ByteBuffer buf, int p, int npts, char open, char close) {
        out.append(open);
        for (int i = 0; i < npts; i++) {
            if (i > 0) {
                out.append(',');
            }
            appendPoint(out, buf, p + 16 * i);
        }
        out.append(close);
    }

    private static void appendPoint(StringBuilder out, ByteBuffer buf, int p) {
        out.append('(');
        ShortestDecimal.appendDouble(out, buf.getDouble(p));
        out.append(',');
        ShortestDecimal.appendDouble(out, buf.getDouble(p + 8));
        out.append(')');
    }

    @Override
    boolean outputMayContainQuote() {
        return false;
    }
}
