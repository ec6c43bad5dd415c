package org.xlogminer.tuple;

import static org.xlogminer.tuple.VarlenaLayout.TOAST_LZ4_COMPRESSION_ID;
import static org.xlogminer.tuple.VarlenaLayout.TOAST_PGLZ_COMPRESSION_ID;
import static org.xlogminer.tuple.VarlenaLayout.VARHDRSZ_COMPRESSED;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.airlift.compress.MalformedInputException;
import io.airlift.compress.lz4.Lz4Decompressor;
import org.xlogminer.compress.Pglz;

/**
 * Decompresses compressed datums (inline {@code va_compressed}, or the reassembled chunks of a
 * compressed TOAST value) with pglz ({@code src/common/pg_lzcompress.c}) or lz4 (a raw LZ4 block,
 * {@code LZ4_decompress_safe} in {@code src/backend/access/common/toast_compression.c}) into a
 * reusable output buffer that grows as needed and is never shrunk.
 *
 * <p>The result is the value's payload, without varlena header: exactly the bytes that
 * {@code VARDATA} of the decompressed datum would hold. Read it through {@link #output()} or
 * {@link #outputBuffer()} (little-endian, position-independent) from offset 0 up to the returned
 * length, before the next call overwrites it. Not thread-safe.
 */
public final class DatumDecompressor {

    /**
     * The most bytes one compressed byte can stand for: 255 in an LZ4 block (each further length
     * byte adds 255), about 91 in pglz (a 3-byte tag copies up to 273). A raw size beyond this many
     * times the compressed length is damage, refused before the output is allocated for it.
     */
    private static final int MAX_EXPANSION = 255;

    private final Lz4Decompressor lz4 = new Lz4Decompressor();
    private byte[] out = new byte[256];
    private ByteBuffer outBuffer = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    private byte[] in = new byte[0];

    /**
     * Decompresses an inline-compressed datum ({@link VarlenaKind#COMPRESSED}).
     *
     * @param buf       buffer holding the datum
     * @param datumOff  offset of the datum's 4-byte length word
     * @return the decompressed length (va_tcinfo's raw size)
     * @throws TupleFormatException when the data is corrupt or the method unknown
     */
    public int decompressInline(ByteBuffer buf, int datumOff) {
        int total = Varlena.totalSize(buf, datumOff);
        if (Varlena.kind(buf, datumOff) != VarlenaKind.COMPRESSED || total < VARHDRSZ_COMPRESSED) {
            throw new TupleFormatException("not an inline-compressed datum offset=" + datumOff);
        }
        return decompress(buf, datumOff + VARHDRSZ_COMPRESSED, total - VARHDRSZ_COMPRESSED,
                Varlena.compressedMethod(buf, datumOff), Varlena.compressedRawSize(buf, datumOff));
    }

    /**
     * Decompresses {@code len} compressed bytes at {@code off}.
     *
     * @param method  {@link VarlenaLayout#TOAST_PGLZ_COMPRESSION_ID} or {@link VarlenaLayout#TOAST_LZ4_COMPRESSION_ID}
     * @param rawSize the decompressed size (from va_tcinfo)
     * @return rawSize
     */
    public int decompress(ByteBuffer buf, int off, int len, int method, int rawSize) {
        if (rawSize < 0 || len < 0) {
            throw new TupleFormatException("negative compressed datum size rawsize=" + rawSize + " len=" + len);
        }
        if (rawSize > (long) MAX_EXPANSION * len) {
            throw new TupleFormatException("corrupt compressed datum: rawsize=" + rawSize + " cannot come from len="
                    + len + " compressed bytes");
        }
        ensureCapacity(rawSize);
        byte[] src;
        int srcOff;
        if (buf.hasArray()) {
            src = buf.array();
            srcOff = buf.arrayOffset() + off;
        } else {
            if (in.length < len) {
                in = new byte[Math.max(len, in.length * 2)];
            }
            buf.get(off, in, 0, len);
            src = in;
            srcOff = 0;
        }
        int n;
        if (method == TOAST_PGLZ_COMPRESSION_ID) {
            n = Pglz.decompress(src, srcOff, len, out, 0, rawSize, true);
        } else if (method == TOAST_LZ4_COMPRESSION_ID) {
            try {
                n = lz4.decompress(src, srcOff, len, out, 0, rawSize);
            } catch (MalformedInputException e) {
                throw new TupleFormatException("corrupt lz4 datum rawsize=" + rawSize + " len=" + len, e);
            }
        } else {
            throw new TupleFormatException("unknown compression method " + method + " rawsize=" + rawSize);
        }
        if (n != rawSize) {
            throw new TupleFormatException("corrupt " + (method == 0 ? "pglz" : "lz4") + " datum: got " + n
                    + " bytes rawsize=" + rawSize + " len=" + len);
        }
        return rawSize;
    }

    /** The output array; valid from 0 up to the length the last call returned. */
    public byte[] output() {
        return out;
    }

    /** The output as a little-endian buffer over {@link #output()}; use absolute reads. */
    public ByteBuffer outputBuffer() {
        return outBuffer;
    }

    private void ensureCapacity(int n) {
        if (out.length < n) {
            out = new byte[Math.max(n, out.length * 2)];
            outBuffer = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        }
    }
}
