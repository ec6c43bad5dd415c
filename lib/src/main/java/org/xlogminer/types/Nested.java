package org.xlogminer.types;

import java.nio.ByteBuffer;

import org.xlogminer.tuple.DatumDecompressor;
import org.xlogminer.tuple.TupleFormatException;
import org.xlogminer.tuple.Varlena;
import org.xlogminer.tuple.VarlenaKind;

/**
 * Values nested in other values (array elements, composite fields, range bounds): their sizes, and
 * handing their payload to the element's formatter. Stateless, thread-safe.
 */
final class Nested {

    private Nested() {
    }

    /** Stored size of a datum at {@code p}: attlen, VARSIZE_ANY, or strlen + 1 for cstring. */
    static int datumSize(ByteBuffer buf, int p, int attlen, int end) {
        if (attlen > 0) {
            return attlen;
        }
        if (attlen == -1) {
            // the header itself must lie in the value: 1 byte (short), 2 (external: its tag), else 4
            int b = p >= 0 && p < end ? buf.get(p) & 0xFF : 0;
            int header = (b & 0x01) == 0 ? 4 : b == 0x01 ? 2 : 1;
            if (p < 0 || header > end - p) {
                throw new TupleFormatException("nested varlena header past the value's end offset=" + p);
            }
            int size = Varlena.totalSize(buf, p);
            if (size < 1) {
                throw new TupleFormatException("invalid nested varlena header offset=" + p);
            }
            return size;
        }
        for (int q = p; q < end; q++) {
            if (buf.get(q) == 0) {
                return q - p + 1;
            }
        }
        throw new TupleFormatException("nested cstring without NUL offset=" + p);
    }

    /**
     * Appends the text of the datum at {@code p} (of {@code size} bytes): its payload for a varlena,
     * decompressed when needed (with {@code decompressor}, which may be null where PostgreSQL never
     * nests compressed values).
     */
    static void appendText(ValueFormatter f, StringBuilder out, ByteBuffer buf, int p, int size, int attlen,
                           DatumDecompressor decompressor) {
        if (attlen > 0) {
            f.appendText(out, buf, p, size);
        } else if (attlen == -2) {
            f.appendText(out, buf, p, size - 1);
        } else {
            VarlenaKind kind = Varlena.kind(buf, p);
            if (kind == VarlenaKind.SHORT || kind == VarlenaKind.PLAIN) {
                int h = Varlena.headerSize(buf, p);
                f.appendText(out, buf, p + h, size - h);
            } else if (kind == VarlenaKind.COMPRESSED && decompressor != null) {
                int n = decompressor.decompressInline(buf, p);
                f.appendText(out, decompressor.outputBuffer(), 0, n);
            } else {
                throw new TupleFormatException("unexpected " + kind + " datum nested in a value offset=" + p);
            }
        }
    }
}
