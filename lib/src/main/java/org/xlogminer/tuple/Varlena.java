package org.xlogminer.tuple;

import static org.xlogminer.tuple.VarlenaLayout.VARATT_EXTERNAL_SIZE;
import static org.xlogminer.tuple.VarlenaLayout.VARATT_POINTER_SIZE;
import static org.xlogminer.tuple.VarlenaLayout.VARHDRSZ;
import static org.xlogminer.tuple.VarlenaLayout.VARHDRSZ_COMPRESSED;
import static org.xlogminer.tuple.VarlenaLayout.VARHDRSZ_EXTERNAL;
import static org.xlogminer.tuple.VarlenaLayout.VARHDRSZ_SHORT;
import static org.xlogminer.tuple.VarlenaLayout.VARLENA_EXTSIZE_BITS;
import static org.xlogminer.tuple.VarlenaLayout.VARLENA_EXTSIZE_MASK;
import static org.xlogminer.tuple.VarlenaLayout.VARTAG_EXPANDED_RO;
import static org.xlogminer.tuple.VarlenaLayout.VARTAG_EXPANDED_RW;
import static org.xlogminer.tuple.VarlenaLayout.VARTAG_INDIRECT;
import static org.xlogminer.tuple.VarlenaLayout.VARTAG_ONDISK;
import static org.xlogminer.tuple.VarlenaLayout.VA_EXTINFO;
import static org.xlogminer.tuple.VarlenaLayout.VA_RAWSIZE;
import static org.xlogminer.tuple.VarlenaLayout.VA_TCINFO;
import static org.xlogminer.tuple.VarlenaLayout.VA_TOASTRELID;
import static org.xlogminer.tuple.VarlenaLayout.VA_VALUEID;

import java.nio.ByteBuffer;

/**
 * Reads varlena headers in place, the macros of {@code varatt.h} ({@code VARATT_IS_*},
 * {@code VARSIZE_ANY}, {@code VARDATA_ANY}, {@code VARATT_EXTERNAL_GET_*}). Every method takes the
 * buffer (little-endian, absolute reads) and the offset of the datum's first byte.
 *
 * <p>Stateless and thread-safe.
 */
public final class Varlena {

    private Varlena() {
    }

    /** Classifies the datum by its first byte (and tag). */
    public static VarlenaKind kind(ByteBuffer buf, int off) {
        int b = buf.get(off) & 0xFF;
        if (b == 0x01) {
            int tag = buf.get(off + 1) & 0xFF;
            return tag == VARTAG_ONDISK ? VarlenaKind.EXTERNAL_ONDISK : VarlenaKind.EXTERNAL_IN_MEMORY;
        }
        if ((b & 0x01) == 0x01) {
            return VarlenaKind.SHORT;
        }
        return (b & 0x03) == 0x02 ? VarlenaKind.COMPRESSED : VarlenaKind.PLAIN;
    }

    /**
     * {@code VARSIZE_ANY}: the datum's total size, header included, or -1 when the header is not a
     * valid on-disk one (an unknown external tag).
     */
    public static int totalSize(ByteBuffer buf, int off) {
        int b = buf.get(off) & 0xFF;
        if (b == 0x01) {
            int tag = buf.get(off + 1) & 0xFF;
            if (tag == VARTAG_ONDISK) {
                return VARHDRSZ_EXTERNAL + VARATT_EXTERNAL_SIZE;
            }
            if (tag == VARTAG_INDIRECT || tag == VARTAG_EXPANDED_RO || tag == VARTAG_EXPANDED_RW) {
                return VARHDRSZ_EXTERNAL + VARATT_POINTER_SIZE;
            }
            return -1;
        }
        if ((b & 0x01) == 0x01) {
            return b >>> 1;
        }
        return (buf.getInt(off) >>> 2) & 0x3FFFFFFF;
    }

    /** Size of the header in front of the payload: 1 (short), 4 (plain), 8 (compressed), 2 (external). */
    public static int headerSize(ByteBuffer buf, int off) {
        int b = buf.get(off) & 0xFF;
        if (b == 0x01) {
            return VARHDRSZ_EXTERNAL;
        }
        if ((b & 0x01) == 0x01) {
            return VARHDRSZ_SHORT;
        }
        return (b & 0x03) == 0x02 ? VARHDRSZ_COMPRESSED : VARHDRSZ;
    }

    /** {@code VARDATA_ANY}: offset of the payload of an inline uncompressed datum (short or plain). */
    public static int payloadOffset(ByteBuffer buf, int off) {
        return off + headerSize(buf, off);
    }

    /** {@code VARSIZE_ANY_EXHDR}: payload length of an inline datum (compressed: the compressed bytes). */
    public static int payloadLength(ByteBuffer buf, int off) {
        return totalSize(buf, off) - headerSize(buf, off);
    }

    /** va_tcinfo of an inline-compressed datum. */
    public static int compressedTcinfo(ByteBuffer buf, int off) {
        return buf.getInt(off + VA_TCINFO);
    }

    /** {@code VARDATA_COMPRESSED_GET_EXTSIZE}: the decompressed size of an inline-compressed datum. */
    public static int compressedRawSize(ByteBuffer buf, int off) {
        return compressedTcinfo(buf, off) & VARLENA_EXTSIZE_MASK;
    }

    /** {@code VARDATA_COMPRESSED_GET_COMPRESS_METHOD}: 0 pglz, 1 lz4. */
    public static int compressedMethod(ByteBuffer buf, int off) {
        return compressedTcinfo(buf, off) >>> VARLENA_EXTSIZE_BITS;
    }

    /** va_rawsize of an on-disk TOAST pointer: the original size, varlena header included. */
    public static int externalRawSize(ByteBuffer buf, int off) {
        return buf.getInt(off + VARHDRSZ_EXTERNAL + VA_RAWSIZE);
    }

    /** va_extinfo of an on-disk TOAST pointer. */
    public static int externalExtInfo(ByteBuffer buf, int off) {
        return buf.getInt(off + VARHDRSZ_EXTERNAL + VA_EXTINFO);
    }

    /** {@code VARATT_EXTERNAL_GET_EXTSIZE}: the stored (possibly compressed) size. */
    public static int externalExtSize(ByteBuffer buf, int off) {
        return externalExtInfo(buf, off) & VARLENA_EXTSIZE_MASK;
    }

    /** {@code VARATT_EXTERNAL_GET_COMPRESS_METHOD}: 0 pglz, 1 lz4 (meaningful only when compressed). */
    public static int externalCompressionMethod(ByteBuffer buf, int off) {
        return externalExtInfo(buf, off) >>> VARLENA_EXTSIZE_BITS;
    }

    /** {@code VARATT_EXTERNAL_IS_COMPRESSED}: extsize &lt; rawsize - VARHDRSZ. */
    public static boolean externalIsCompressed(ByteBuffer buf, int off) {
        return externalExtSize(buf, off) < externalRawSize(buf, off) - VARHDRSZ;
    }

    /** va_valueid (chunk_id in the TOAST table), unsigned. */
    public static long externalValueId(ByteBuffer buf, int off) {
        return Integer.toUnsignedLong(buf.getInt(off + VARHDRSZ_EXTERNAL + VA_VALUEID));
    }

    /** va_toastrelid: pg_class OID of the TOAST table, unsigned. */
    public static long externalToastRelid(ByteBuffer buf, int off) {
        return Integer.toUnsignedLong(buf.getInt(off + VARHDRSZ_EXTERNAL + VA_TOASTRELID));
    }
}
