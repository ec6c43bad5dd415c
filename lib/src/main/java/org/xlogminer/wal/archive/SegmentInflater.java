package org.xlogminer.wal.archive;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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
     * Fills {@code into} with the segment's first bytes and returns the size of the whole
     * decompressed segment (more than {@code into.length} for a file that is not a segment).
     */
    static long inflate(SegmentFile file, byte[] into) throws IOException {
        MessageDigest sha1 = file.sha1() == null ? null : sha1();
        long size;
        try (InputStream raw = Files.newInputStream(file.path());
             InputStream in = file.compression().decompress(new java.io.BufferedInputStream(raw, STREAM_BUFFER))) {
            int n = readFully(in, into);
            size = n;
            if (sha1 != null) {
                sha1.update(into, 0, n);
            }
            if (n == into.length) {
                size += drain(in, sha1); // a file larger than a segment: its size says it is none
            }
        } catch (WalException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (file.compression() == Compression.NONE && !(e instanceof EOFException)) {
                throw e; // reading a plain file failed: an I/O error, not damaged WAL
            }
            throw damaged(file, e);
        }
        if (sha1 != null) {
            String actual = HexFormat.of().formatHex(sha1.digest());
            if (!actual.equals(file.sha1())) {
                throw new SegmentChecksumException("the SHA-1 of " + file.path() + " is " + actual
                    + ", its name says " + file.sha1() + ": the archived segment is corrupt",
                    file.path().getFileName().toString());
            }
        }
        return size;
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

    private static long drain(InputStream in, MessageDigest sha1) throws IOException {
        long[] extra = new long[1];
        in.transferTo(new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                extra[0] += len;
                if (sha1 != null) {
                    sha1.update(b, off, len);
                }
            }
        });
        return extra[0];
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }
}
