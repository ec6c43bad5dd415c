package org.xlogminer.wal.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.TestData;
import org.xlogminer.wal.WalException;

/**
 * Damages the real segment in testdata/ at random (flipped bytes, runs of garbage, truncation) and
 * reads it through: the reader must either end cleanly or throw a {@link WalException} naming a
 * segment, and never fail otherwise, allocate without bound, or hang.
 */
class WalReaderCorruptionTest {

    private static final String SEGMENT = "000000010000000000000006";

    @TempDir
    Path tmp;

    static Path testdata() {
        return TestData.accountsUpdateWal();
    }

    private static long readAll(Path walDir) throws IOException {
        long n = 0;
        try (WalReader r = WalReader.builder(DirectorySegmentSource.open(walDir)).build()) {
            BlockImages images = new BlockImages();
            byte[] page = new byte[8192];
            XLogRecordView v;
            while ((v = r.next()) != null) {
                for (int i = 0; i < v.blockCount(); i++) {
                    if (v.hasImage(i)) {
                        images.restore(v, i, page);
                    }
                }
                n++;
            }
        }
        return n;
    }

    @Test
    void intactSegmentReadsToItsEnd() throws IOException {
        assertTrue(readAll(testdata()) > 300);
    }

    @Test
    void damagedSegmentsFailCleanly() throws IOException {
        byte[] original = Files.readAllBytes(testdata().resolve(SEGMENT));
        int used = 0x2E000; // the part of the segment the server wrote
        Random random = new Random(20261121);
        int clean = 0, refused = 0;
        for (int round = 0; round < 400; round++) {
            byte[] damaged = original.clone();
            int kind = round % 4;
            int at = random.nextInt(used);
            byte[] data = damaged;
            switch (kind) {
                case 0 -> damaged[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> {
                    for (int k = 0; k < 1 + random.nextInt(64) && at + k < damaged.length; k++) {
                        damaged[at + k] = (byte) random.nextInt(256);
                    }
                }
                case 2 -> damaged[at] = (byte) (random.nextBoolean() ? 0xFF : 0x00);
                default -> data = java.util.Arrays.copyOf(damaged, at);
            }
            Path dir = tmp.resolve("r" + round);
            Files.createDirectories(dir);
            Files.write(dir.resolve(SEGMENT), data);
            final int r = round;
            try {
                assertTimeoutPreemptively(Duration.ofSeconds(10), () -> readAll(dir), "round " + r + " hangs");
                clean++;
            } catch (WalException e) {
                assertTrue(e.getMessage().contains("segment="), e.getMessage());
                refused++;
            } catch (RuntimeException | OutOfMemoryError e) {
                fail("round " + round + " (damage kind " + kind + " at " + at + "): " + e, e);
            }
        }
        assertEquals(400, clean + refused);
        assertTrue(refused > 100, "most damage is detected: " + refused + " of 400");
    }

    /** A record early in the segment, well before the last page of WAL. */
    private static final long RECORD = 0x6004F0L;

    private void assertDamageIsNotTakenForTheEnd(int offsetInRecord, byte value) throws IOException {
        byte[] seg = Files.readAllBytes(testdata().resolve(SEGMENT));
        int at = (int) (RECORD % (1 << 20)) + offsetInRecord;
        long before = 0;
        try (WalReader r = WalReader.builder(DirectorySegmentSource.open(testdata())).endLsn(RECORD).build()) {
            while (r.next() != null) {
                before++;
            }
        }
        seg[at] = value;
        Path dir = tmp.resolve("d");
        Files.createDirectories(dir);
        Files.write(dir.resolve(SEGMENT), seg);
        long read = 0;
        try (WalReader r = WalReader.builder(DirectorySegmentSource.open(dir)).build()) {
            while (r.next() != null) {
                read++;
            }
            fail("damage at " + org.xlogminer.wal.Lsn.format(RECORD) + " read as " + r.endOfWal());
        } catch (WalException e) {
            assertTrue(e.getMessage().contains("damaged"), e.getMessage());
            assertTrue(e.getMessage().contains("lsn=0/006004F0"), e.getMessage());
        }
        assertEquals(before, read, "every record before the damage");
    }

    @Test
    void brokenPrevLinkInTheMiddleIsDamageNotTheEnd() throws IOException {
        assertDamageIsNotTakenForTheEnd(8, (byte) 0x11);
    }

    @Test
    void zeroRecordLengthInTheMiddleIsDamageNotTheEnd() throws IOException {
        byte[] seg = Files.readAllBytes(testdata().resolve(SEGMENT));
        int at = (int) (RECORD % (1 << 20));
        for (int k = 1; k < 4; k++) {
            assertEquals(0, seg[at + k], "a short record: its length fits in one byte");
        }
        assertDamageIsNotTakenForTheEnd(0, (byte) 0);
    }
}
