package org.xlogminer.wal.archive;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

import net.jpountz.xxhash.StreamingXXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * LZ4 frames read as a stream, blocks linked or not: in a frame of linked blocks, as pgBackRest's
 * {@code lz4} and {@code pg_basebackup --compress=lz4} write them, a block may copy from the 64 kB
 * decoded before it, which lz4-java's block decoders refuse (they take no history), and
 * commons-compress's frame stream, which reads them, decoded some 16 MB a second: a second per
 * segment. The layout is the one {@link Lz4Frames} describes; blocks are decoded here, in Java, into
 * a window that keeps the last 64 kB of the frame before them.
 *
 * <p>The header checksum, the block checksums and the content checksum are checked where the frame
 * has them. Anything else wrong (an unknown version, a dictionary, a block larger than the frame
 * says, a copy from before the frame or past the block, a file that ends inside a frame) is an
 * {@link IOException} saying what, never an exception of another kind and never bytes made up.
 *
 * <p>Not thread-safe.
 */
final class Lz4FrameStream extends InputStream {

    /** How far back a block may copy from. */
    private static final int HISTORY = 64 * 1024;

    private final InputStream in;
    private final byte[] word = new byte[8];
    /** The history of the frame, then the block's decoded bytes: window[readPos, readEnd) not read yet. */
    private byte[] window = new byte[0];
    private int readPos;
    private int readEnd;
    private byte[] block = new byte[0];
    private boolean inFrame;
    private boolean linked;
    private boolean blockChecksum;
    private int maxBlock;
    /** The frame's content so far, when it ends with a checksum of it (else null). */
    private StreamingXXHash32 content;
    /** The hash kept for frames' content checksums (native where it loads), freed by close. */
    private StreamingXXHash32 hash;

    Lz4FrameStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = len == 0 ? 0 : Math.min(len, ready());
        if (n < 0) {
            return -1;
        }
        System.arraycopy(window, readPos, b, off, n);
        readPos += n;
        return n;
    }

    /**
     * {@link #read(byte[], int, int)} into a buffer (heap or direct) at {@code at}, without a copy in
     * between: how a segment's buffer is filled.
     */
    int read(ByteBuffer dst, int at, int len) throws IOException {
        int n = len == 0 ? 0 : Math.min(len, ready());
        if (n < 0) {
            return -1;
        }
        dst.put(at, window, readPos, n);
        readPos += n;
        return n;
    }

    /** How many decoded bytes are there to read, decoding the next block if none; -1 at the end. */
    private int ready() throws IOException {
        while (readPos == readEnd) {
            if (!nextBlock()) {
                return -1;
            }
        }
        return readEnd - readPos;
    }

    @Override
    public void close() throws IOException {
        if (hash != null) {
            hash.close();
        }
        in.close();
    }

    /** Decodes the next block that holds bytes; false at the end of the last frame. */
    private boolean nextBlock() throws IOException {
        while (true) {
            if (!inFrame && !startFrame()) {
                return false;
            }
            int size = intLe();
            if (size == 0) {
                endFrame();
                continue;
            }
            boolean stored = (size & Lz4Frames.UNCOMPRESSED) != 0;
            size &= ~Lz4Frames.UNCOMPRESSED;
            if (size > maxBlock) {
                throw new IOException("an LZ4 block of " + size + " bytes, more than its frame's " + maxBlock);
            }
            readFully(block, size);
            if (blockChecksum && Lz4Frames.XXHASH.hash(block, 0, size, 0) != intLe()) {
                throw new IOException("an LZ4 block's checksum does not match");
            }
            int start = linked ? makeRoom() : 0;
            int end;
            if (stored) {
                System.arraycopy(block, 0, window, start, size);
                end = start + size;
            } else {
                end = decodeBlock(block, size, window, start, start + maxBlock, linked ? 0 : start);
            }
            if (content != null) {
                content.update(window, start, end - start);
            }
            readPos = start;
            readEnd = end;
            if (end > start) {
                return true;
            }
        }
    }

    /** Keeps the last 64 kB decoded when the next block might not fit after them; where it goes. */
    private int makeRoom() {
        if (readEnd + maxBlock > window.length) {
            int keep = Math.min(HISTORY, readEnd);
            System.arraycopy(window, readEnd - keep, window, 0, keep);
            readPos = keep;
            readEnd = keep;
        }
        return readEnd;
    }

    /** Reads a frame's header (past skippable frames); false at the end of the file. */
    private boolean startFrame() throws IOException {
        while (true) {
            int got = in.readNBytes(word, 0, 4);
            if (got == 0) {
                return false;
            }
            if (got < 4) {
                throw new EOFException("an LZ4 file that ends inside a frame's magic number");
            }
            int magic = le(word, 0);
            if ((magic & Lz4Frames.SKIPPABLE_MASK) == Lz4Frames.SKIPPABLE_MAGIC) {
                in.skipNBytes(intLe() & 0xFFFFFFFFL); // EOFException where the file ends first
                continue;
            }
            if (magic != Lz4Frames.MAGIC) {
                throw new IOException("not an LZ4 frame: magic number " + Integer.toHexString(magic));
            }
            readFully(word, 2);
            int flg = word[0] & 0xFF;
            int bd = word[1] & 0xFF;
            int frameMaxBlock = Lz4Frames.maxBlock(flg, bd);
            if (frameMaxBlock < 0) {
                throw new IOException(String.format("an LZ4 frame of another version, with reserved bits set, a "
                    + "dictionary or an unknown block size (FLG %02X, BD %02X)", flg, bd));
            }
            int optional = (flg & Lz4Frames.FLG_CONTENT_SIZE) != 0 ? 8 : 0;
            byte[] descriptor = new byte[2 + optional];
            descriptor[0] = (byte) flg;
            descriptor[1] = (byte) bd;
            readFully(word, optional);
            System.arraycopy(word, 0, descriptor, 2, optional);
            int hc = in.read();
            if (hc < 0) {
                throw new EOFException("an LZ4 file that ends inside a frame's header");
            }
            if (((Lz4Frames.XXHASH.hash(descriptor, 0, descriptor.length, 0) >>> 8) & 0xFF) != hc) {
                throw new IOException("an LZ4 frame's header checksum does not match");
            }
            maxBlock = frameMaxBlock;
            linked = (flg & Lz4Frames.FLG_INDEPENDENT) == 0;
            blockChecksum = (flg & Lz4Frames.FLG_BLOCK_CHECKSUM) != 0;
            content = null;
            if ((flg & Lz4Frames.FLG_CONTENT_CHECKSUM) != 0) {
                if (hash == null) {
                    hash = XXHashFactory.fastestInstance().newStreamingHash32(0);
                }
                hash.reset();
                content = hash;
            }
            if (block.length < maxBlock) {
                block = new byte[maxBlock];
            }
            int windowSize = (linked ? HISTORY : 0) + maxBlock;
            if (window.length < windowSize) {
                window = new byte[windowSize];
            }
            readPos = 0;
            readEnd = 0; // no history from another frame
            inFrame = true;
            return true;
        }
    }

    /** After a frame's end mark: its content checksum. */
    private void endFrame() throws IOException {
        if (content != null && content.getValue() != intLe()) {
            throw new IOException("an LZ4 frame's content checksum does not match");
        }
        inFrame = false;
    }

    /**
     * Decodes an LZ4 block ({@code src[0, srcLen)}) into {@code dst} from {@code dp}, at most to
     * {@code dstLimit}, its copies reaching back to {@code historyStart} at most; returns where the
     * decoded bytes end.
     */
    static int decodeBlock(byte[] src, int srcLen, byte[] dst, int dp, int dstLimit, int historyStart)
        throws IOException {
        int sp = 0;
        while (true) {
            if (sp >= srcLen) {
                throw new IOException("an LZ4 block that ends before its last literals");
            }
            int token = src[sp++] & 0xFF;
            int literals = token >>> 4;
            if (literals == 15) {
                int b;
                do {
                    if (sp >= srcLen) {
                        throw new IOException("an LZ4 block that ends inside a length");
                    }
                    b = src[sp++] & 0xFF;
                    literals += b;
                } while (b == 255 && literals < srcLen);
            }
            if (literals > srcLen - sp || literals > dstLimit - dp) {
                throw new IOException("an LZ4 block whose literals run past its end or its maximum size");
            }
            System.arraycopy(src, sp, dst, dp, literals);
            sp += literals;
            dp += literals;
            if (sp == srcLen) {
                return dp; // the last sequence has literals only
            }
            if (srcLen - sp < 2) {
                throw new IOException("an LZ4 block that ends inside an offset");
            }
            int offset = (src[sp] & 0xFF) | (src[sp + 1] & 0xFF) << 8;
            sp += 2;
            int length = token & 15;
            if (length == 15) {
                int b;
                do {
                    if (sp >= srcLen) {
                        throw new IOException("an LZ4 block that ends inside a length");
                    }
                    b = src[sp++] & 0xFF;
                    length += b;
                } while (b == 255 && length < dstLimit);
            }
            length += 4;
            int from = dp - offset;
            if (offset == 0 || from < historyStart) {
                throw new IOException("an LZ4 copy from before the data it may refer to");
            }
            if (length > dstLimit - dp) {
                throw new IOException("an LZ4 block that decodes past its maximum size");
            }
            if (offset >= length) {
                System.arraycopy(dst, from, dst, dp, length);
                dp += length;
            } else { // the copy overlaps what it writes: a pattern of offset bytes, repeated
                int end = dp + length;
                while (dp < end) {
                    int n = Math.min(end - dp, dp - from);
                    System.arraycopy(dst, from, dst, dp, n);
                    dp += n;
                }
            }
        }
    }

    private void readFully(byte[] into, int n) throws IOException {
        if (in.readNBytes(into, 0, n) < n) {
            throw new EOFException("an LZ4 file that ends inside a frame");
        }
    }

    /** A 4-byte little-endian number from the stream. */
    private int intLe() throws IOException {
        readFully(word, 4);
        return le(word, 0);
    }

    private static int le(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }
}
