package org.xlogminer.wal.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.TestData;
import org.xlogminer.wal.WalException;

/**
 * The read-ahead yields, on the real segment in testdata/, exactly the records the reader does (as
 * {@link XLogRecordView#copyWithoutImages()} copies them), with tiny batches so that many are
 * passed between the threads, and what the reader throws on damaged WAL after the same records.
 */
class ReadAheadWithoutImagesTest {

    private static final String SEGMENT = "000000010000000000000006";

    @TempDir
    Path tmp;

    /** What a consumer without images can see of each record. */
    private static String describe(XLogRecordView r) {
        StringBuilder b = new StringBuilder();
        b.append(r.lsn()).append(' ').append(r.endLsn()).append(' ').append(r.xid()).append(' ')
            .append(r.rmid()).append(' ').append(r.info()).append(' ').append(r.blockCount());
        for (int i = 0; i < r.blockCount(); i++) {
            b.append(" [").append(r.relNumber(i)).append('/').append(r.blockNumber(i)).append(' ')
                .append(r.hasImage(i)).append(' ').append(r.dataLength(i)).append(']');
        }
        return b.append(' ').append(Arrays.toString(r.copyWithoutImages())).toString();
    }

    private static List<String> direct(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (WalReader r = WalReader.builder(DirectorySegmentSource.open(dir)).build()) {
            XLogRecordView v;
            while ((v = r.next()) != null) {
                out.add(describe(v).replace(" true ", " false ")); // the copies carry no image
            }
        }
        return out;
    }

    @Test
    void yieldsTheReadersRecordsWithoutImages() throws IOException {
        Path dir = TestData.accountsUpdateWal();
        List<String> expected = direct(dir);
        assertTrue(expected.size() > 300, "records in testdata: " + expected.size());
        assertTrue(expected.stream().anyMatch(s -> s.contains(" false ")), "some records had images");
        for (int batch : new int[] {64, 8192, ReadAheadWithoutImages.DEFAULT_BATCH_BYTES}) {
            List<String> got = new ArrayList<>();
            WalReader reader = WalReader.builder(DirectorySegmentSource.open(dir)).build();
            try (reader; ReadAheadWithoutImages ahead = new ReadAheadWithoutImages(reader, null, batch)) {
                XLogRecordView v;
                while ((v = ahead.next()) != null) {
                    for (int i = 0; i < v.blockCount(); i++) {
                        assertFalse(v.hasImage(i));
                    }
                    got.add(describe(v));
                }
                assertNotNull(ahead.endOfWal());
                assertEquals(reader.systemIdentifier(), ahead.systemIdentifier());
                assertNull(ahead.next(), "stays at the end");
            }
            assertEquals(expected, got, "batch of " + batch + " bytes");
        }
    }

    @Test
    void triageLeavesOutAndSummarisesOnTheReadingThread() throws IOException {
        Path dir = TestData.accountsUpdateWal();
        List<String> expected = new ArrayList<>();
        long total = 0;
        try (WalReader r = WalReader.builder(DirectorySegmentSource.open(dir)).build()) {
            XLogRecordView v;
            int skipped = 0;
            while ((v = r.next()) != null) {
                total++;
                if (v.rmid() % 3 == 0) {
                    skipped++;
                    continue;
                }
                String what = v.rmid() % 3 == 1 ? "summary " + v.lsn() + "/" + v.xid() : describe(v).replace(" true ", " false ");
                expected.add(skipped + " " + what);
                skipped = 0;
            }
            expected.add("end, then " + skipped + " left out");
        }
        Thread caller = Thread.currentThread();
        ReadAheadWithoutImages.Triage triage = v -> {
            assertFalse(Thread.currentThread() == caller, "the triage runs on the reading thread");
            return v.rmid() % 3 == 0 ? ReadAheadWithoutImages.SKIP
                : v.rmid() % 3 == 1 ? ("summary " + v.lsn() + "/" + v.xid()).getBytes() : null;
        };
        for (int batch : new int[] {64, ReadAheadWithoutImages.DEFAULT_BATCH_BYTES}) {
            List<String> got = new ArrayList<>();
            long seen = 0;
            WalReader reader = WalReader.builder(DirectorySegmentSource.open(dir)).build();
            try (reader; ReadAheadWithoutImages ahead = new ReadAheadWithoutImages(reader, triage, batch)) {
                while (ahead.advance()) {
                    seen += 1 + ahead.skipped();
                    byte[] s = ahead.summary();
                    if (s != null) {
                        assertNull(ahead.view());
                        assertEquals(new String(s), "summary " + ahead.lsn() + "/" + ahead.xid());
                        got.add(ahead.skipped() + " " + new String(s));
                    } else {
                        assertEquals(ahead.lsn(), ahead.view().lsn());
                        got.add(ahead.skipped() + " " + describe(ahead.view()));
                    }
                }
                seen += ahead.skipped();
                got.add("end, then " + ahead.skipped() + " left out");
            }
            assertEquals(expected, got, "batch of " + batch + " bytes");
            assertEquals(total, seen, "every record read is handed over or counted as left out");
        }
    }

    @Test
    void throwsWhatTheReaderThrowsAfterTheSameRecords() throws IOException {
        byte[] seg = Files.readAllBytes(TestData.accountsUpdateWal().resolve(SEGMENT));
        seg[0x4F0 + 8] = 0x11; // the prev-link of the record at 0/006004F0
        Path dir = tmp.resolve("damaged");
        Files.createDirectories(dir);
        Files.write(dir.resolve(SEGMENT), seg);

        long direct = 0;
        WalException expected = null;
        try (WalReader r = WalReader.builder(DirectorySegmentSource.open(dir)).build()) {
            while (r.next() != null) {
                direct++;
            }
        } catch (WalException e) {
            expected = e;
        }
        assertNotNull(expected, "the damage is detected");

        long[] read = {0};
        WalReader reader = WalReader.builder(DirectorySegmentSource.open(dir)).build();
        try (reader; ReadAheadWithoutImages ahead = new ReadAheadWithoutImages(reader, null, 256)) {
            WalException e = assertThrows(WalException.class, () -> {
                while (ahead.next() != null) {
                    read[0]++;
                }
            });
            assertEquals(expected.getMessage(), e.getMessage());
        }
        assertEquals(direct, read[0], "every record before the damage");
    }

    @Test
    void closingMidwayStopsTheThread() throws IOException {
        WalReader reader = WalReader.builder(DirectorySegmentSource.open(TestData.accountsUpdateWal())).build();
        ReadAheadWithoutImages ahead = new ReadAheadWithoutImages(reader, null, 64);
        try (reader) {
            assertNotNull(ahead.next());
            ahead.close();
        }
        assertFalse(Thread.getAllStackTraces().keySet().stream()
            .anyMatch(t -> t.getName().equals("xlogminer-wal-reader") && t.isAlive()), "the reading thread has ended");
    }
}
