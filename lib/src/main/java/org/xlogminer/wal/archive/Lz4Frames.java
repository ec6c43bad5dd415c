package org.xlogminer.wal.archive;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * A whole LZ4 file of frames with independent blocks, as the {@code lz4} tool writes them,
 * decoded from a buffer holding the file straight into the segment's buffer: each block in one
 * call of lz4-java's block decoder (native where it loads). A frame stream instead decodes each
 * block into a buffer of its own (two of the frame's block size, 4 MB for the tool's default,
 * allocated per file) and copies it out again, which took some three times the decoding itself.
 *
 * <p>The layout, from the LZ4 frame format description (lz4_Frame_format.md, version 1.6.x):
 * <pre>
 *   frame     = magic 04 22 4D 18, FLG, BD, [content size: 8], [dictionary id: 4], HC,
 *               block*, end mark 00 00 00 00, [content checksum: 4]
 *   FLG       = version (bits 7-6, 01), block independence (5), block checksum (4),
 *               content size (3), content checksum (2), reserved 0 (1), dictionary id (0)
 *   BD        = block maximum size in bits 6-4 (4: 64 KB, 5: 256 KB, 6: 1 MB, 7: 4 MB), others 0
 *   HC        = second byte of the xxHash32 (seed 0) of FLG up to HC
 *   block     = size: 4 little-endian (highest bit: stored uncompressed), data, [checksum: 4]
 *   skippable = magic 5x 2A 4D 18, size: 4, data (any number of them between frames)
 * </pre>
 * Frames may follow one another; the file decodes to their contents in order.
 *
 * <p>What it does not take (linked blocks, as pgBackRest writes them; a dictionary; an unknown
 * version; anything damaged; more than the buffer holds) it leaves to the stream decoders by
 * answering -1: they read every case, and name what is wrong. The header checksum is checked; the
 * block and content checksums are not (a stream checks them): a block damaged so that it still
 * decodes gives WAL whose record and page checks fail, naming the file and the LSN, as damage in a
 * plain segment does.
 *
 * <p>Stateless; thread-safe.
 */
final class Lz4Frames {

    static final int MAGIC = 0x184D2204;
    static final int SKIPPABLE_MAGIC = 0x184D2A50;
    static final int SKIPPABLE_MASK = 0xFFFFFFF0;
    private static final int FLG_VERSION_SHIFT = 6;
    /** Blocks independent of one another: the frames lz4-java's decoders read. */
    static final int FLG_INDEPENDENT = 0x20;
    static final int FLG_BLOCK_CHECKSUM = 0x10;
    static final int FLG_CONTENT_SIZE = 0x08;
    static final int FLG_CONTENT_CHECKSUM = 0x04;
    private static final int FLG_RESERVED = 0x02;
    private static final int FLG_DICTIONARY = 0x01;
    private static final int BD_RESERVED = 0x8F;
    static final int UNCOMPRESSED = 0x80000000;

    private static final LZ4SafeDecompressor BLOCKS = LZ4Factory.fastestInstance().safeDecompressor();
    /** xxHash32, native where it loads: the header checksum here, and every checksum of {@link Lz4FrameStream}. */
    static final XXHash32 XXHASH = XXHashFactory.fastestInstance().hash32();

    private Lz4Frames() {
    }

    /**
     * Decodes the first {@code n} bytes of {@code src} (from index 0) into {@code into} (from index
     * 0, at most its capacity; positions and limits are left alone).
     *
     * @return the decoded size, or -1 when the stream decoders are to read the file instead
     */
    static long decode(ByteBuffer src, int n, ByteBuffer into) {
        ByteBuffer in = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        Cursor at = new Cursor();
        while (at.in < n) {
            int pos = at.in;
            if (n - pos < 4) {
                return -1;
            }
            int magic = in.getInt(pos);
            if ((magic & SKIPPABLE_MASK) == SKIPPABLE_MAGIC) {
                if (n - pos < 8) {
                    return -1;
                }
                long skip = Integer.toUnsignedLong(in.getInt(pos + 4));
                if (skip > n - pos - 8) {
                    return -1;
                }
                at.in = pos + 8 + (int) skip;
                continue;
            }
            if (magic != MAGIC) {
                return -1;
            }
            at.in = pos + 4;
            if (!frame(in, n, into, at)) {
                return -1;
            }
        }
        return at.out;
    }

    /**
     * The largest block of a frame with these FLG and BD bytes, or -1 for a frame no reader here
     * takes: another version, reserved bits set, a dictionary, or a block size not in the format.
     */
    static int maxBlock(int flg, int bd) {
        int sizeId = bd >>> 4;
        if (flg >>> FLG_VERSION_SHIFT != 1 || (flg & (FLG_RESERVED | FLG_DICTIONARY)) != 0 || (bd & BD_RESERVED) != 0
            || sizeId < 4) {
            return -1;
        }
        return 1 << (2 * sizeId + 8);
    }

    /** Where decoding stands: the next byte of the file, the next byte of the segment. */
    private static final class Cursor {
        int in;
        int out;
    }

    /**
     * Decodes one frame whose descriptor starts at {@code at.in}, moving the cursor past it and
     * its contents; false when it is not taken.
     */
    private static boolean frame(ByteBuffer in, int n, ByteBuffer into, Cursor at) {
        int capacity = into.capacity();
        int pos = at.in;
        int out = at.out;
        if (n - pos < 3) {
            return false;
        }
        int flg = in.get(pos) & 0xFF;
        int bd = in.get(pos + 1) & 0xFF;
        int maxBlock = maxBlock(flg, bd);
        if (maxBlock < 0 || (flg & FLG_INDEPENDENT) == 0) {
            return false;
        }
        int descriptor = 2 + ((flg & FLG_CONTENT_SIZE) != 0 ? 8 : 0);
        if (n - pos < descriptor + 1
            || (XXHASH.hash(in, pos, descriptor, 0) >>> 8 & 0xFF) != (in.get(pos + descriptor) & 0xFF)) {
            return false;
        }
        pos += descriptor + 1;
        int blockChecksum = (flg & FLG_BLOCK_CHECKSUM) != 0 ? 4 : 0;
        while (true) {
            if (n - pos < 4) {
                return false;
            }
            int word = in.getInt(pos);
            pos += 4;
            if (word == 0) {
                break;
            }
            int length = word & ~UNCOMPRESSED;
            if (length > maxBlock || length > n - pos - blockChecksum) {
                return false;
            }
            if ((word & UNCOMPRESSED) != 0) {
                if (length > capacity - out) {
                    return false;
                }
                into.put(out, in, pos, length);
                out += length;
            } else {
                try {
                    out += BLOCKS.decompress(in, pos, length, into, out, Math.min(maxBlock, capacity - out));
                } catch (LZ4Exception e) {
                    return false;
                }
            }
            pos += length + blockChecksum;
        }
        if ((flg & FLG_CONTENT_CHECKSUM) != 0) {
            if (n - pos < 4) {
                return false;
            }
            pos += 4;
        }
        at.in = pos;
        at.out = out;
        return true;
    }
}
