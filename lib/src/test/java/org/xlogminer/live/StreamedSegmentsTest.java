package org.xlogminer.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.TestData;
import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.reader.DirectorySegmentSource;
import org.xlogminer.wal.reader.EndOfWal;
import org.xlogminer.wal.reader.TimelineHistory;
import org.xlogminer.wal.reader.WalReader;
import org.xlogminer.wal.reader.XLogRecordView;

/**
 * The real segment in testdata/ arriving as a stream, in pieces cut anywhere (inside record
 * headers, records, page headers): the reader over {@link StreamedSegments} stops before each record
 * not yet received whole ({@code NOT_YET_RECEIVED}), reads on after {@link WalReader#resume()}, and
 * in the end has read exactly the records (CRC-checked) that reading the segment file gives.
 */
class StreamedSegmentsTest {

    private static final int SEGMENT_SIZE = 1 << 20;
    private static final long START = 6L * SEGMENT_SIZE;

    @TempDir
    Path tmp;

    private static String describe(XLogRecordView r) {
        return Long.toHexString(r.lsn()) + "-" + Long.toHexString(r.endLsn()) + " xid " + r.xid() + " rm " + r.rmid()
            + " info " + r.info() + " blocks " + r.blockCount();
    }

    /** The records of the segment file and where valid WAL ends in it. */
    private static List<String> fromFile(long[] end) throws IOException {
        List<String> out = new ArrayList<>();
        try (WalReader r = WalReader.builder(DirectorySegmentSource.open(TestData.accountsUpdateWal())).build()) {
            XLogRecordView v;
            while ((v = r.next()) != null) {
                out.add(describe(v));
                end[0] = v.endLsn();
            }
        }
        return out;
    }

    @Test
    void readsWhatArrivedAndResumesWherePiecesEnd() throws IOException {
        long[] end = new long[1];
        List<String> expected = fromFile(end);
        assertTrue(expected.size() > 300, "a segment of real WAL: " + expected.size());
        byte[] segment = Files.readAllBytes(TestData.accountsUpdateWal().resolve("000000010000000000000006"));
        int length = (int) (end[0] - START);
        for (long seed = 1; seed <= 4; seed++) {
            Random random = new Random(seed);
            List<String> got = new ArrayList<>();
            int waits = 0;
            // seeds 1 and 2 with 64 kB in memory: the reader reads back pages the memory let go of
            int recent = seed <= 2 ? 1 << 16 : StreamedSegments.RECENT_BYTES;
            try (StreamedSegments s = new StreamedSegments(tmp, SEGMENT_SIZE, TimelineHistory.single(1), START, recent);
                 WalReader reader = WalReader.builder(s).startLsn(START).build()) {
                int sent = 0;
                while (sent < length) {
                    int n = Math.min(length - sent, 1 + random.nextInt(seed % 2 == 0 ? 300 : 20_000));
                    s.append(START + sent, ByteBuffer.wrap(segment, sent, n));
                    sent += n;
                    if (sent < 24) {
                        continue; // the reader is built to start once the stream has begun
                    }
                    if (reader.endOfWal() != null) {
                        assertTrue(reader.resume(), "more has arrived: read on");
                        waits++;
                    }
                    XLogRecordView v;
                    while ((v = reader.next()) != null) {
                        got.add(describe(v));
                    }
                    assertEquals(EndOfWal.Reason.NOT_YET_RECEIVED, reader.endOfWal().reason(),
                        "at " + Long.toHexString(START + sent) + ": " + reader.endOfWal());
                }
            }
            for (int i = 0; i < Math.min(expected.size(), got.size()); i++) {
                assertEquals(expected.get(i), got.get(i), "seed " + seed + ", record " + i);
            }
            assertEquals(expected.size(), got.size(), "seed " + seed);
            assertTrue(waits > 10, "the stream came in pieces: " + waits);
        }
    }

    /** Bytes the memory let go of come back from the spool file, also in a read that straddles both. */
    @Test
    void readsBackWhatMemoryLetGoFromTheFile() throws IOException {
        byte[] segment = Files.readAllBytes(TestData.accountsUpdateWal().resolve("000000010000000000000006"));
        int recent = 1 << 16;
        try (StreamedSegments s = new StreamedSegments(tmp, SEGMENT_SIZE, TimelineHistory.single(1), START, recent)) {
            Random random = new Random(7);
            int sent = 0;
            while (sent < segment.length) {
                int n = Math.min(segment.length - sent, 1 + random.nextInt(5_000));
                s.append(START + sent, ByteBuffer.wrap(segment, sent, n));
                sent += n;
            }
            for (int off : new int[] {0, 8_192, segment.length - recent - 100, segment.length - recent / 2, segment.length - 700}) {
                byte[] dst = new byte[segment.length - off];
                assertEquals(dst.length, s.read(6, off, dst, 0, dst.length));
                assertArrayEquals(Arrays.copyOfRange(segment, off, segment.length), dst, "from " + off);
            }
            try (var files = Files.walk(tmp)) {
                long spooled = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
                assertTrue(spooled >= segment.length - recent && spooled <= segment.length,
                    "the file holds what memory let go of, written in pieces: " + spooled);
            }
        }
    }

    /**
     * The miner closes the spool while the receiver may still write out (a session ending): closing
     * deletes it whole, and a later write fails instead of making a file in it.
     */
    @Test
    void closesWhileTheReceiverWritesOut() throws Exception {
        byte[] segment = Files.readAllBytes(TestData.accountsUpdateWal().resolve("000000010000000000000006"));
        for (int round = 0; round < 20; round++) {
            StreamedSegments s = new StreamedSegments(tmp, 1 << 16, TimelineHistory.single(1), 0, 1 << 12);
            Thread receiver = new Thread(() -> {
                try {
                    for (long at = 0; ; at += 1000) {
                        s.append(at, ByteBuffer.wrap(segment, (int) (at % 500_000), 1000));
                    }
                } catch (IOException e) {
                    // closed under it
                }
            });
            receiver.start();
            Thread.sleep(round % 5);
            s.close();
            receiver.join(10_000);
            assertTrue(!receiver.isAlive(), "the receiver's write out failed once the spool was closed");
        }
        try (var left = Files.list(tmp)) {
            assertEquals(0, left.count(), "every spool deleted");
        }
    }

    @Test
    void readsZerosPastWhatArrivedInWholePagesAndRefusesAGap() throws IOException {
        byte[] segment = Files.readAllBytes(TestData.accountsUpdateWal().resolve("000000010000000000000006"));
        try (StreamedSegments s = new StreamedSegments(tmp, SEGMENT_SIZE, TimelineHistory.single(1), START)) {
            s.append(START, ByteBuffer.wrap(segment, 0, 10_000));
            assertEquals(START + 10_000, s.receivedEnd());
            assertEquals(6, s.lastSegno());
            assertTrue(s.contains(6) && !s.contains(7) && !s.contains(5));
            byte[] dst = new byte[65_536];
            assertEquals(16_384, s.read(6, 0, dst, 0, dst.length), "up to the end of the page the bytes end in");
            assertEquals(segment[9_999], dst[9_999]);
            for (int i = 10_000; i < 16_384; i++) {
                assertEquals(0, dst[i], "zeros past what arrived, at " + i);
            }
            assertEquals(8_192, s.read(6, 16_384, dst, 0, dst.length), "a page of zeros where nothing arrived yet");
            assertThrows(WalFormatException.class, () -> s.append(START + 20_000, ByteBuffer.wrap(segment, 20_000, 10)));
            assertNull(s.failure());
        }
    }
}
