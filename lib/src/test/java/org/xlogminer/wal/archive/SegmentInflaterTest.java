package org.xlogminer.wal.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.github.luben.zstd.Zstd;

/**
 * One {@link SegmentInflater.Input} kept from file to file: each file, larger or smaller than the
 * one before, inflates to its own bytes (none left over from the one before is read).
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
        for (SegmentFile f : files) {
            byte[] into = new byte[plain.length];
            assertEquals(plain.length, SegmentInflater.inflate(f, into, input), f.toString());
            assertArrayEquals(plain, into, f.toString());
        }
    }

    private SegmentFile write(String dir, byte[] bytes) throws IOException {
        Path p = Files.createDirectories(tmp.resolve(dir)).resolve("000000010000000000000006.zst");
        Files.write(p, bytes);
        return SegmentFile.parse(p, Compression.ZSTD);
    }
}
