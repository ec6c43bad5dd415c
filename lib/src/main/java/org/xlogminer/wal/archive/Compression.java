package org.xlogminer.wal.archive;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;

import io.airlift.compress.snappy.SnappyFramedInputStream;
import io.airlift.compress.zstd.ZstdInputStream;
import net.jpountz.lz4.LZ4FrameInputStream;

/**
 * How a segment file is stored, told by its first bytes (never by its name: Barman keeps no
 * record of how it compressed a file, and an {@code archive_command} may name files as it likes).
 *
 * <table>
 *   <caption>Magic bytes at offset 0</caption>
 *   <tr><th>bytes</th><th>format</th><th>written by</th></tr>
 *   <tr><td>1F 8B</td><td>gzip (RFC 1952), members may be concatenated</td><td>gzip, pigz, pgBackRest gz, Barman gzip</td></tr>
 *   <tr><td>42 5A 68</td><td>bzip2 ("BZh")</td><td>bzip2, pgBackRest bz2, Barman bzip2</td></tr>
 *   <tr><td>FD 37 7A 58 5A 00</td><td>xz</td><td>xz, Barman xz</td></tr>
 *   <tr><td>04 22 4D 18</td><td>LZ4 frame</td><td>lz4, pgBackRest lz4, Barman lz4</td></tr>
 *   <tr><td>28 B5 2F FD</td><td>Zstandard frame</td><td>zstd, pgBackRest zst, Barman zstd</td></tr>
 *   <tr><td>FF 06 00 00 73 4E 61 50 70 59</td><td>Snappy framing format</td><td>Barman snappy</td></tr>
 *   <tr><td>5D 00 00</td><td>LZMA ("alone": properties of lc 3, lp 0, pb 2, a dictionary of 64 kB or
 *       more)</td><td>{@code xz --format=lzma}, WAL-G lzma</td></tr>
 *   <tr><td>anything else</td><td>plain: the segment itself</td><td>cp, pg_receivewal</td></tr>
 * </table>
 *
 * <p>Speed decides the decoders of the two formats an archive is written in for speed: zstd is read
 * with zstd-jni (the reference library, about twice aircompressor's pure-Java speed), and LZ4 frames
 * of independent blocks, as the {@code lz4} tool writes them, with lz4-java (some 20 times
 * commons-compress's): a segment's file whole, block by block ({@link Lz4Frames}), or else as a
 * stream; frames of linked blocks, as pgBackRest and {@code pg_basebackup --compress=lz4} write them,
 * which lz4-java does not read, with {@link Lz4FrameStream} (commons-compress's took a second per
 * segment). Where zstd-jni's native library cannot be loaded, aircompressor reads zstd.
 *
 * <p>Brotli has no magic bytes, so a Brotli file cannot be told apart from others by content;
 * none of the archivers above writes it, and it is not read.
 */
public enum Compression {

    NONE(""),
    GZIP("gzip"),
    BZIP2("bzip2"),
    XZ("xz"),
    LZ4("lz4"),
    ZSTD("zstd"),
    SNAPPY("snappy"),
    LZMA("lzma");

    /** Bytes needed to tell every format apart. */
    public static final int MAGIC_BYTES = 10;

    private static final byte[] GZIP_MAGIC = {0x1F, (byte) 0x8B};
    private static final byte[] BZIP2_MAGIC = {0x42, 0x5A, 0x68};
    private static final byte[] XZ_MAGIC = {(byte) 0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00};
    private static final byte[] LZ4_MAGIC = {0x04, 0x22, 0x4D, 0x18};
    private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD};
    private static final byte[] SNAPPY_MAGIC = {(byte) 0xFF, 0x06, 0x00, 0x00, 0x73, 0x4E, 0x61, 0x50, 0x70, 0x59};
    /** Not a magic number but the header's first bytes as LZMA's tools write it (a WAL page starts otherwise). */
    private static final byte[] LZMA_MAGIC = {0x5D, 0x00, 0x00};
    /** The most memory an LZMA stream may ask for (its dictionary): more is a damaged or hostile file. */
    private static final int LZMA_MEMORY_KIB = 256 * 1024;

    /** Buffer of the gzip inflater: large, so that zlib is called for much at a time. */
    private static final int GZIP_BUFFER = 64 * 1024;
    /** LZ4 frame descriptor: the FLG byte after the magic (its bits: {@link Lz4Frames}). */
    private static final int LZ4_FLG = 4;
    /** Whether zstd-jni's native library loads on this platform. */
    private static final boolean NATIVE_ZSTD = nativeZstd();

    private final String label;

    Compression(String label) {
        this.label = label;
    }

    /** The format whose magic the first {@code n} bytes of {@code head} start with; NONE if none. */
    public static Compression detect(byte[] head, int n) {
        if (startsWith(head, n, GZIP_MAGIC)) {
            return GZIP;
        }
        if (startsWith(head, n, BZIP2_MAGIC)) {
            return BZIP2;
        }
        if (startsWith(head, n, XZ_MAGIC)) {
            return XZ;
        }
        if (startsWith(head, n, LZ4_MAGIC)) {
            return LZ4;
        }
        if (startsWith(head, n, ZSTD_MAGIC)) {
            return ZSTD;
        }
        if (startsWith(head, n, SNAPPY_MAGIC)) {
            return SNAPPY;
        }
        if (startsWith(head, n, LZMA_MAGIC)) {
            return LZMA;
        }
        return NONE;
    }

    private static boolean startsWith(byte[] head, int n, byte[] magic) {
        if (n < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (head[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The decompressed contents of {@code raw}, which starts with this format's magic. Streams that
     * concatenate several frames or members (as pigz and pgBackRest may write) are read to the end.
     */
    public InputStream decompress(InputStream raw) throws IOException {
        switch (this) {
            case NONE:
                return raw;
            case GZIP:
                return new GZIPInputStream(raw, GZIP_BUFFER);
            case BZIP2:
                return new BZip2CompressorInputStream(raw, true);
            case XZ:
                return new XZCompressorInputStream(raw, true);
            case LZ4:
                return lz4(raw);
            case ZSTD:
                return NATIVE_ZSTD ? new ZstdInputStreamNoFinalizer(raw) : new ZstdInputStream(raw);
            case SNAPPY:
                return new SnappyFramedInputStream(raw, true);
            case LZMA:
                return new LZMACompressorInputStream(raw, LZMA_MEMORY_KIB);
            default:
                throw new AssertionError(this);
        }
    }

    private static InputStream lz4(InputStream raw) throws IOException {
        InputStream in = raw.markSupported() ? raw : new BufferedInputStream(raw);
        in.mark(LZ4_FLG + 1);
        byte[] head = in.readNBytes(LZ4_FLG + 1);
        in.reset();
        boolean independent = head.length > LZ4_FLG && (head[LZ4_FLG] & Lz4Frames.FLG_INDEPENDENT) != 0;
        return independent ? new LZ4FrameInputStream(in) : new Lz4FrameStream(in);
    }

    /** Whether zstd-jni's native library is loaded (else zstd is read with aircompressor). */
    static boolean nativeZstdLoaded() {
        return NATIVE_ZSTD;
    }

    private static boolean nativeZstd() {
        try {
            return com.github.luben.zstd.util.Native.isLoaded() || loadZstd();
        } catch (LinkageError e) {
            return false;
        }
    }

    private static boolean loadZstd() {
        com.github.luben.zstd.util.Native.load();
        return com.github.luben.zstd.util.Native.isLoaded();
    }

    /** The format's name for messages ("gzip"); empty for NONE. */
    public String label() {
        return label;
    }
}
