package org.xlogminer.wal.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.xlogminer.wal.WalFormatException;

import com.github.luben.zstd.Zstd;

/**
 * One {@link SegmentInflater.Input} kept from file to file: each file, larger or smaller than the
 * one before, inflates to its own bytes (none left over from the one before is read), into a heap
 * or a direct buffer; a stream into a direct buffer stops past the segment's size as into an array.
 */
class SegmentInflaterTest {

    @TempDir
    Path tmp;

    @Test
    void aReusedInputGivesEachFileItsOwnBytes() throws IOException {
        byte[] plain = SegmentSourcesTest.segment();
        byte[] fast = Zstd.compress(plain, 1);
        byte[] small = Zstd.compress(plain, 19);
        byte[] stream = SegmentSourcesTest.compress(Compression.ZSTD, plain);
        assertTrue(small.length < fast.length, "level 19 packs smaller than level 1");
        SegmentFile[] files = {
            write("a", fast), write("b", small), write("c", stream), write("d", fast), write("e", small)
        };
        SegmentInflater.Input input = new SegmentInflater.Input();
        for (boolean direct : new boolean[] {true, false, true}) {
            for (SegmentFile f : files) {
                ByteBuffer into = direct ? ByteBuffer.allocateDirect(plain.length) : ByteBuffer.allocate(plain.length);
                assertEquals(plain.length, SegmentInflater.inflate(f, into, input), f + (direct ? " (direct)" : ""));
                byte[] got = new byte[plain.length];
                into.get(0, got);
                assertArrayEquals(plain, got, f + (direct ? " (direct)" : ""));
            }
        }
    }

    @Test
    void aStreamIntoADirectBufferStopsPastTheSegment() throws IOException {
        byte[] plain = SegmentSourcesTest.segment();
        SegmentFile gz = write("gz", SegmentSourcesTest.compress(Compression.GZIP, plain));
        SegmentInflater.Input input = new SegmentInflater.Input();
        ByteBuffer exact = ByteBuffer.allocateDirect(plain.length);
        assertEquals(plain.length, SegmentInflater.inflate(gz, exact, input));
        byte[] got = new byte[plain.length];
        exact.get(0, got);
        assertArrayEquals(plain, got);
        ByteBuffer smaller = ByteBuffer.allocateDirect(plain.length - 1);
        assertThrows(WalFormatException.class, () -> SegmentInflater.inflate(gz, smaller, input));
    }

    private SegmentFile write(String dir, byte[] bytes) throws IOException {
        Path p = Files.createDirectories(tmp.resolve(dir)).resolve("000000010000000000000006");
        Files.write(p, bytes);
        return SegmentFile.parse(p, WalDirectoryScanner.compressionOf(p));
    }
}
