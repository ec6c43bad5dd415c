package org.xlogminer.wal.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream.BLOCKSIZE;
import net.jpountz.lz4.LZ4FrameOutputStream.FLG.Bits;

/**
 * The real segment of testdata/pg15-accounts-update in LZ4 frames as lz4-java's frame writer
 * makes them, with each block size and each optional field (block and content checksums, the
 * content size), uncompressible blocks, frames one after another with a skippable frame between:
 * decoded whole, each gives the segment's bytes, into a heap and a direct buffer. What the whole
 * decoder does not take (linked blocks, a damaged header, a truncated file, more than the buffer
 * holds) it answers with -1, and {@link SegmentInflater} then reads the stream, which decodes
 * linked blocks and names what is damaged.
 */
class Lz4FramesTest {

    @TempDir
    Path tmp;

    @Test
    void everyBlockSizeAndOptionalFieldDecodesToTheSegment() throws IOException {
        byte[] seg = SegmentSourcesTest.segment();
        for (BLOCKSIZE size : BLOCKSIZE.values()) {
            for (Bits[] flags : new Bits[][] {
                {Bits.BLOCK_INDEPENDENCE},
                {Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_CHECKSUM},
                {Bits.BLOCK_INDEPENDENCE, Bits.BLOCK_CHECKSUM, Bits.CONTENT_CHECKSUM},
                {Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_SIZE},
            }) {
                byte[] lz4 = frame(seg, size, flags);
                assertDecodes(seg, lz4, size + " " + Arrays.toString(flags));
            }
        }
    }

    @Test
    void blocksStoredUncompressedAreCopied() throws IOException {
        byte[] noise = new byte[3 << 20];
        new java.util.Random(18).nextBytes(noise);
        assertDecodes(noise, frame(noise, BLOCKSIZE.SIZE_256KB, Bits.BLOCK_INDEPENDENCE), "random bytes");
    }

    @Test
    void framesFollowOneAnotherAndSkippableFramesAreSkipped() throws IOException {
        byte[] seg = SegmentSourcesTest.segment();
        int half = seg.length / 2;
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(frame(Arrays.copyOf(seg, half), BLOCKSIZE.SIZE_64KB, Bits.BLOCK_INDEPENDENCE));
        ByteBuffer skippable = ByteBuffer.allocate(8 + 5).order(ByteOrder.LITTLE_ENDIAN).putInt(0x184D2A5A).putInt(5);
        file.write(skippable.array());
        file.write(frame(Arrays.copyOfRange(seg, half, seg.length), BLOCKSIZE.SIZE_4MB, Bits.BLOCK_INDEPENDENCE,
            Bits.CONTENT_CHECKSUM));
        assertDecodes(seg, file.toByteArray(), "two frames and a skippable one");
    }

    @Test
    void whatItDoesNotTakeIsLeftToTheStream() throws IOException {
        byte[] seg = SegmentSourcesTest.segment();
        byte[] good = frame(seg, BLOCKSIZE.SIZE_64KB, Bits.BLOCK_INDEPENDENCE);
        ByteBuffer into = ByteBuffer.allocateDirect(seg.length);

        ByteArrayOutputStream linked = new ByteArrayOutputStream();
        try (OutputStream out = new FramedLZ4CompressorOutputStream(linked, new FramedLZ4CompressorOutputStream.Parameters(
            FramedLZ4CompressorOutputStream.BlockSize.K64, true, false, true))) {
            out.write(seg);
        }
        assertEquals(-1, decode(linked.toByteArray(), into), "linked blocks");
        SegmentFile linkedFile = write("linked", linked.toByteArray());
        assertEquals(seg.length, SegmentInflater.inflate(linkedFile, into, new SegmentInflater.Input()),
            "the stream reads linked blocks");

        byte[] header = good.clone();
        header[6] ^= 1; // the header checksum
        assertEquals(-1, decode(header, into), "a header checksum that does not match");
        assertEquals(-1, decode(Arrays.copyOf(good, good.length / 2), into), "a truncated file");
        assertEquals(-1, decode(Arrays.copyOf(good, good.length - 4), into), "no end mark");
        assertEquals(-1, decode(good, ByteBuffer.allocateDirect(seg.length - 1)), "more than the buffer holds");

        byte[] block = good.clone();
        ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).putInt(7, (1 << 16) + 1);
        assertEquals(-1, decode(block, into), "a block longer than the frame's block size");
    }

    private static void assertDecodes(byte[] expected, byte[] lz4, String what) {
        for (boolean direct : new boolean[] {true, false}) {
            ByteBuffer into = direct ? ByteBuffer.allocateDirect(expected.length) : ByteBuffer.allocate(expected.length);
            assertEquals(expected.length, decode(lz4, into), what);
            byte[] got = new byte[expected.length];
            into.get(0, got);
            assertArrayEquals(expected, got, what);
        }
    }

    private static long decode(byte[] file, ByteBuffer into) {
        ByteBuffer src = into.isDirect() ? ByteBuffer.allocateDirect(file.length).put(0, file) : ByteBuffer.wrap(file);
        return Lz4Frames.decode(src, file.length, into);
    }

    private static byte[] frame(byte[] data, BLOCKSIZE size, Bits... flags) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean contentSize = Arrays.asList(flags).contains(Bits.CONTENT_SIZE);
        try (OutputStream out = contentSize ? new LZ4FrameOutputStream(bytes, size, data.length, flags)
            : new LZ4FrameOutputStream(bytes, size, flags)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    private SegmentFile write(String dir, byte[] bytes) throws IOException {
        Path p = Files.createDirectories(tmp.resolve(dir)).resolve("000000010000000000000006");
        Files.write(p, bytes);
        return SegmentFile.parse(p, WalDirectoryScanner.compressionOf(p));
    }
}
