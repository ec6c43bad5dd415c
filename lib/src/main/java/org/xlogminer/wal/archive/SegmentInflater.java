package org.xlogminer.wal.archive;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.github.luben.zstd.ZstdDecompressCtx;

import org.xlogminer.wal.SegmentChecksumException;
import org.xlogminer.wal.WalException;
import org.xlogminer.wal.WalFormatException;

/**
 * Reads a whole {@link SegmentFile} into a buffer, decompressing it as it streams (nothing but the
 * buffer holds the segment; no temporary file), and checks the SHA-1 its name carries.
 *
 * <p>Damage is reported as {@link WalException}s naming the file: a compressed stream that cannot
 * be decoded or ends before its end marker (a truncated file) is a {@link WalFormatException}; a
 * SHA-1 that does not match is a {@link SegmentChecksumException}.
 *
 * <p>Stateless; thread-safe (each call has its own stream and digest).
 */
final class SegmentInflater {

    private static final int STREAM_BUFFER = 64 * 1024;

    private SegmentInflater() {
    }

    /**
     * Fills {@code into} with the segment's first bytes and returns the size of the decompressed
     * segment (at most {@code into.length}, the segment size).
     *
     * @throws WalFormatException naming the file when it holds more than a segment: decompressing
     *                            stops at the first byte past the segment's size (a small file that
     *                            inflates to gigabytes costs no more than a segment)
     */
    static long inflate(SegmentFile file, byte[] into) throws IOException {
        try (Input input = new Input()) {
            return inflate(file, ByteBuffer.wrap(into), input);
        }
    }

    /**
     * {@link #inflate(SegmentFile, byte[])} into a heap or a direct buffer (its whole capacity,
     * from index 0; its position and limit are left alone), holding a compressed file read whole
     * in {@code input}, which the caller keeps for its next file: a new array for each segment's
     * file (a few MB that die young) made the collector run more often, and each of its runs
     * promotes whatever the miner holds at that moment.
     */
    static long inflate(SegmentFile file, ByteBuffer into, Input input) throws IOException {
        MessageDigest sha1 = file.sha1() == null ? null : sha1();
        long size = inflateWhole(file, into, input);
        if (size >= 0) {
            if (sha1 != null) {
                sha1.update(into.slice(0, (int) size));
            }
            check(file, sha1);
            return size;
        }
        int capacity = into.capacity();
        try (InputStream raw = Files.newInputStream(file.path());
             InputStream in = file.compression().decompress(new java.io.BufferedInputStream(raw, STREAM_BUFFER))) {
            int n = into.hasArray() ? readFully(in, into.array()) : readFully(in, into, input.atLeast(STREAM_BUFFER));
            size = n;
            if (sha1 != null) {
                sha1.update(into.slice(0, n));
            }
            if (n == capacity && in.read() >= 0) {
                throw new WalFormatException(file.path() + " holds more than " + capacity + " bytes"
                    + (file.compression() == Compression.NONE ? "" : " decompressed")
                    + ", more than the segment size: not a WAL segment", file.path().getFileName().toString(), 0);
            }
        } catch (WalException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (file.compression() == Compression.NONE && !(e instanceof EOFException)) {
                throw e; // reading a plain file failed: an I/O error, not damaged WAL
            }
            throw damaged(file, e);
        }
        check(file, sha1);
        return size;
    }

    /**
     * Fills {@code into} (its whole capacity, from index 0) with part {@code part} of a segment cut
     * into {@code parts} parts of that size, and returns how many bytes of it the file holds (fewer
     * than the capacity only where the file ends): for segments too large to hold whole, read as a
     * stream kept open in {@code streams} from one part to the next. The SHA-1 its name carries is
     * checked when the stream reaches the file's end.
     *
     * @throws WalFormatException naming the file when it cannot be decoded, or holds more than
     *                            parts times the capacity (more than a segment)
     */
    static int inflatePart(SegmentFile file, int part, int parts, ByteBuffer into, Input input, PartStreams streams)
        throws IOException {
        int capacity = into.capacity();
        long start = (long) part * capacity;
        PartStreams.Open o = streams.take(file, start);
        boolean keep = false;
        try {
            byte[] scratch = input.atLeast(STREAM_BUFFER);
            while (o.position < start) { // a part not asked for: read through (the digest needs it)
                int r = o.in.read(scratch, 0, (int) Math.min(scratch.length, start - o.position));
                if (r < 0) {
                    check(file, o.sha1);
                    return 0;
                }
                if (o.sha1 != null) {
                    o.sha1.update(scratch, 0, r);
                }
                o.position += r;
            }
            int n = readFully(o.in, into, scratch);
            if (o.sha1 != null) {
                o.sha1.update(into.slice(0, n));
            }
            o.position += n;
            if (n == capacity && part == parts - 1 && o.in.read() >= 0) {
                throw new WalFormatException(file.path() + " holds more than " + (start + capacity) + " bytes"
                    + (file.compression() == Compression.NONE ? "" : " decompressed")
                    + ", more than the segment size: not a WAL segment", file.path().getFileName().toString(), 0);
            }
            if (n < capacity || part == parts - 1) {
                check(file, o.sha1); // the whole file was read
            } else {
                keep = true;
            }
            return n;
        } catch (WalException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (file.compression() == Compression.NONE && !(e instanceof EOFException)) {
                throw e;
            }
            throw damaged(file, e);
        } finally {
            streams.release(o, keep);
        }
    }

    /**
     * The file's contents, decompressed, as a stream (over a buffer of the file).
     *
     * @throws WalFormatException naming the file when its compressed stream cannot even begin
     */
    static InputStream open(SegmentFile file) throws IOException {
        InputStream raw = new java.io.BufferedInputStream(Files.newInputStream(file.path()), STREAM_BUFFER);
        try {
            return file.compression().decompress(raw);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw damaged(file, e);
        }
    }

    /**
     * The first {@code into.length} bytes of the file's contents, decompressed (fewer where it
     * ends); how many.
     *
     * @throws WalFormatException naming the file when it cannot be read or decoded
     */
    static int readStart(SegmentFile file, byte[] into) {
        try (InputStream in = open(file)) {
            return readFully(in, into);
        } catch (WalException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw damaged(file, e);
        }
    }

    /**
     * Reads until {@code into} (a direct buffer) is full or the stream ends, through the scratch array
     * ({@link Lz4FrameStream} copies from its window straight into it).
     */
    private static int readFully(InputStream in, ByteBuffer into, byte[] scratch) throws IOException {
        int n = 0;
        int capacity = into.capacity();
        while (n < capacity) {
            int r = in instanceof Lz4FrameStream lz ? lz.read(into, n, capacity - n) // straight from its window
                : in.read(scratch, 0, Math.min(scratch.length, capacity - n));
            if (r < 0) {
                break;
            }
            if (!(in instanceof Lz4FrameStream)) {
                into.put(n, scratch, 0, r);
            }
            n += r;
        }
        return n;
    }

    /** Checks the SHA-1 the file's name carries, if any, against the digest of its contents. */
    private static void check(SegmentFile file, MessageDigest sha1) {
        if (sha1 != null) {
            String actual = HexFormat.of().formatHex(sha1.digest());
            if (!actual.equals(file.sha1())) {
                throw new SegmentChecksumException("the SHA-1 of " + file.path() + " is " + actual
                    + ", its name says " + file.sha1() + ": the archived segment is corrupt",
                    file.path().getFileName().toString());
            }
        }
    }

    /**
     * A zstd or LZ4 file that fits a buffer of a segment's size, decoded in one go from its whole
     * contents straight into {@code into}: a zstd frame in one call (the zstd tool writes the
     * content size), LZ4 frames block by block ({@link Lz4Frames}); some 10-20% less work than a
     * zstd stream, a third of an LZ4 one. -1 when that cannot be done (no native zstd, another
     * format, a file larger than a segment, more output than {@code into} holds, a damaged file,
     * LZ4 frames of linked blocks), and the caller reads it as a stream, which tells why. Holds at
     * most the compressed file.
     */
    private static long inflateWhole(SegmentFile file, ByteBuffer into, Input input) throws IOException {
        Compression c = file.compression();
        if (c != Compression.LZ4 && (c != Compression.ZSTD || !Compression.nativeZstdLoaded())) {
            return -1;
        }
        int capacity = into.capacity();
        try (FileChannel ch = FileChannel.open(file.path(), StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize > capacity) {
                return -1;
            }
            int n = (int) fileSize;
            ByteBuffer src = into.isDirect() ? input.directAtLeast(n) : ByteBuffer.wrap(input.atLeast(n));
            src.clear().limit(n);
            while (src.hasRemaining() && ch.read(src) >= 0) {
                // read on until the buffer is full or the file ends
            }
            if (src.hasRemaining() || ch.read(ByteBuffer.allocate(1)) >= 0) {
                return -1; // the file changed while it was read: the stream says what it holds now
            }
            if (c == Compression.LZ4) {
                return Lz4Frames.decode(src, n, into);
            }
            try {
                ZstdDecompressCtx ctx = input.zstd();
                return into.isDirect()
                    ? ctx.decompressDirectByteBuffer(into, 0, capacity, src, 0, n)
                    : ctx.decompressByteArray(into.array(), 0, capacity, src.array(), 0, n);
            } catch (RuntimeException e) {
                input.dropZstd(); // its state after a failure is not to be trusted
                return -1; // ZstdException and the like: the stream says what is wrong
            }
        }
    }

    /**
     * Buffers kept from one file to the next: an array (a compressed file read whole for a heap
     * buffer, else the scratch of a stream read into a direct one), a direct buffer (a
     * compressed file read whole for a direct one; a dropped one is freed when collected) and a
     * zstd context (freed by {@link #close()}). Not thread-safe.
     */
    static final class Input implements AutoCloseable {

        private byte[] bytes = new byte[0];
        private ByteBuffer direct = ByteBuffer.allocateDirect(0);
        /** Kept from one zstd file to the next: made and freed per file, it cost a few faults each. */
        private ZstdDecompressCtx zstd;

        /** The zstd context, made on first use. */
        ZstdDecompressCtx zstd() {
            if (zstd == null) {
                zstd = new ZstdDecompressCtx();
            }
            return zstd;
        }

        /** Frees the zstd context (a new one is made when needed). */
        void dropZstd() {
            if (zstd != null) {
                zstd.close();
                zstd = null;
            }
        }

        /** Frees the zstd context. */
        @Override
        public void close() {
            dropZstd();
        }

        /** The direct buffer, grown first to at least n bytes. */
        ByteBuffer directAtLeast(int n) {
            if (direct.capacity() < n) {
                direct = ByteBuffer.allocateDirect(Math.max(n, direct.capacity() + (direct.capacity() >> 1)));
            }
            return direct;
        }

        /** The buffer, grown first to at least n bytes. */
        byte[] atLeast(int n) {
            if (bytes.length < n) {
                bytes = new byte[Math.max(n, bytes.length + (bytes.length >> 1))];
            }
            return bytes;
        }
    }

    /** The error for a compressed file that cannot be decoded, naming it. */
    static WalFormatException damaged(SegmentFile file, Exception e) {
        return new WalFormatException("cannot decompress " + file.path() + " (" + file.compression().label()
            + "): " + e.getMessage() + ": the file is damaged or truncated", file.path().getFileName().toString(), 0, e);
    }

    /** Reads until {@code into} is full or the stream ends; returns the bytes read. */
    static int readFully(InputStream in, byte[] into) throws IOException {
        int n = 0;
        while (n < into.length) {
            int r = in.read(into, n, into.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }
}
