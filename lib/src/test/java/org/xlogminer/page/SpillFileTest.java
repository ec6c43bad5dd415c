package org.xlogminer.page;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page spill file: its bytes as its layout table says, overlays back as they went out whether
 * they were still in the buffer, in the file, or larger than the buffer, and compaction keeping
 * every live overlay while cutting the dead bytes.
 */
class SpillFileTest {

    @TempDir
    Path tmp;

    private static TrackedPage page(long block, Overlay o) {
        TrackedPage p = new TrackedPage(1663, 5, 16384, block);
        p.overlay = o;
        return p;
    }

    /** Spills the page's overlay as the budget does: the page then holds none in memory. */
    private static void spill(SpillFile f, TrackedPage p) {
        f.write(p);
        p.overlay = null;
    }

    private static void assertSame(Overlay expected, Overlay got) {
        assertEquals(expected.n, got.n);
        for (int s = 0; s < expected.slots(); s++) {
            if (expected.tupleInSlot(s) != null) {
                assertArrayEquals(expected.tupleInSlot(s), got.get(expected.offnumInSlot(s)), "offnum " + expected.offnumInSlot(s));
            }
        }
    }

    @Test
    void bytesAsTheLayoutTableSays() throws Exception {
        Overlay o = new Overlay();
        o.put(1, new byte[] {(byte) 0xAA, (byte) 0xBB});
        o.put(300, new byte[] {(byte) 0xCC});
        try (SpillFile f = new SpillFile(tmp, 1024)) {
            TrackedPage p = page(0, o);
            spill(f, p);
            assertEquals(0, p.spillAt);
            assertEquals(4 + 6 + 2 + 6 + 1, p.spillLength);
            assertEquals(p.spillLength, SpillFile.size(o));
            f.flush();
            assertEquals("02000000" + "0100" + "02000000" + "aabb" + "2c01" + "01000000" + "cc",
                HexFormat.of().formatHex(Files.readAllBytes(f.path())));
        }
    }

    @Test
    void overlaysComeBackAsTheyWentWhereverTheyAre() {
        Random random = new Random(11);
        try (SpillFile f = new SpillFile(tmp, 256)) {
            List<TrackedPage> pages = new ArrayList<>();
            List<Overlay> sent = new ArrayList<>();
            for (int block = 0; block < 200; block++) {
                Overlay o = new Overlay();
                int entries = 1 + random.nextInt(block % 10 == 0 ? 60 : 5); // some indexed, some past the buffer
                for (int i = 0; i < entries; i++) {
                    byte[] t = new byte[1 + random.nextInt(40)];
                    random.nextBytes(t);
                    o.put(1 + random.nextInt(random.nextInt(20) == 0 ? 1000 : Overlay.MAX_DIRECT), t);
                }
                TrackedPage p = page(block, o);
                spill(f, p);
                pages.add(p);
                sent.add(o);
            }
            long live = pages.stream().mapToLong(p -> p.spillLength).sum();
            assertEquals(live, f.fileBytes());
            assertEquals(live, f.appendedBytes());
            for (int i = pages.size() - 1; i >= 0; i--) { // the buffer's last ones first, then from the file
                TrackedPage p = pages.get(i);
                assertSame(sent.get(i), f.read(p));
                assertEquals(-1, p.spillAt);
            }
            assertTrue(f.worthCompacting(0), "everything in the file is dead");
        }
    }

    @Test
    void compactionKeepsTheLiveOverlaysAndCutsTheRest() {
        try (SpillFile f = new SpillFile(tmp, 64)) {
            List<TrackedPage> pages = new ArrayList<>();
            List<Overlay> sent = new ArrayList<>();
            for (int block = 0; block < 30; block++) {
                Overlay o = new Overlay();
                o.put(block + 1, new byte[block % 7 == 0 ? 100 : 10]); // every seventh larger than the buffer
                o.get(block + 1)[0] = (byte) block;
                TrackedPage p = page(block, o);
                spill(f, p);
                pages.add(p);
                sent.add(o);
            }
            long before = f.fileBytes();
            long dead = 0;
            for (int block = 0; block < 30; block += 3) {
                dead += pages.get(block).spillLength;
                f.read(pages.get(block)); // read back: its bytes in the file are dead
            }
            assertFalse(f.worthCompacting(before), "dead bytes not past the budget");
            assertTrue(f.worthCompacting(0) == dead > before - dead);
            f.compact(pages);
            assertEquals(1, f.compactions());
            assertEquals(before - dead, f.fileBytes(), "only the live overlays are left");
            for (int block = 0; block < 30; block++) {
                TrackedPage p = pages.get(block);
                if (block % 3 == 0) {
                    assertEquals(-1, p.spillAt);
                } else {
                    assertTrue(p.spillAt >= 0 && p.spillAt + p.spillLength <= f.fileBytes());
                    assertSame(sent.get(block), f.read(p));
                }
            }
        }
    }
}
