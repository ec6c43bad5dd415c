package org.xlogminer.wal.reader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.wal.WalFormatException;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.testkit.WalRange;

/**
 * Reading records again by LSN ({@link RecordFetcher}, the store of full-page images behind the
 * page tracker) and copying them without their images ({@link XLogRecordView#copyWithoutImages},
 * what transaction buffers keep), on real PostgreSQL 15 WAL with 1 MB segments, so that records
 * cross pages and segments, and with images plain, with holes, and lz4-compressed.
 */
class RecordFetcherPg15IT {

    private record Kept(long lsn, long end, byte[] bytes) {
    }

    @Test
    void fetchesEveryRecordAgainAndStripsImagesWithoutLosingData(@TempDir Path tmp) throws Exception {
        try (PgServer server = PgServer.builder(15).walSegSizeMb(1).start()) {
            WalRange range = server.captureRange(() -> server.execute(
                "CREATE TABLE f (id int PRIMARY KEY, v text) WITH (fillfactor = 50)",
                "INSERT INTO f SELECT g, repeat(md5(g::text), 1 + g % 5) FROM generate_series(1, 20000) g",
                "CHECKPOINT",
                "UPDATE f SET v = v || '!' WHERE id % 7 = 0",
                // in this session, at once (a reload reaches the backend only some time later)
                "SET wal_compression = 'lz4'",
                "CHECKPOINT",
                "DELETE FROM f WHERE id % 11 = 0"));
            List<Kept> records = new ArrayList<>();
            int withImages = 0;
            int compressed = 0;
            int crossing = 0;
            long segSize = server.walSegmentSize();
            try (DirectorySegmentSource source = DirectorySegmentSource.open(server.walDir());
                 WalReader reader = WalReader.builder(source).startLsn(range.start()).endLsn(range.end()).build()) {
                RecordFetcher fetcher = null;
                XLogRecordView r;
                XLogRecordView copy = new XLogRecordView();
                while ((r = reader.next()) != null) {
                    if (fetcher == null) {
                        fetcher = new RecordFetcher(source, r.version());
                    }
                    byte[] whole = r.copyBytes();
                    records.add(new Kept(r.lsn(), r.endLsn(), whole));
                    if (r.lsn() / segSize != (r.endLsn() - 1) / segSize) {
                        crossing++;
                    }
                    byte[] stripped = r.copyWithoutImages();
                    copy.wrapCopy(stripped, r.lsn(), r.endLsn(), r.version());
                    assertEquals(r.blockCount(), copy.blockCount());
                    assertEquals(r.xid(), copy.xid());
                    assertEquals(r.rmid(), copy.rmid());
                    assertEquals(r.info(), copy.info());
                    assertEquals(r.toplevelXid(), copy.toplevelXid());
                    int imageBytes = 0;
                    for (int i = 0; i < r.blockCount(); i++) {
                        assertFalse(copy.hasImage(i));
                        assertEquals(r.blockId(i), copy.blockId(i));
                        assertEquals(r.forkNumber(i), copy.forkNumber(i));
                        assertEquals(r.willInit(i), copy.willInit(i));
                        assertEquals(r.tablespace(i), copy.tablespace(i));
                        assertEquals(r.database(i), copy.database(i));
                        assertEquals(r.relNumber(i), copy.relNumber(i));
                        assertEquals(r.blockNumber(i), copy.blockNumber(i));
                        assertArrayEquals(bytes(r.buffer(), r.dataOffset(i), r.dataLength(i)),
                            bytes(copy.buffer(), copy.dataOffset(i), copy.dataLength(i)), "block data at " + r.lsn());
                        if (r.hasImage(i)) {
                            imageBytes += r.imageLength(i);
                            withImages++;
                            if (r.imageCompression(i) != ImageCompression.NONE) {
                                compressed++;
                            }
                            // the image's bytes, read alone from the WAL as the page tracker reads a tuple
                            int at = r.imageOffset(i) - r.offset();
                            byte[] img = new byte[r.imageLength(i)];
                            fetcher.read(r.lsn(), at, img, 0, img.length);
                            assertArrayEquals(bytes(r.buffer(), r.imageOffset(i), r.imageLength(i)), img,
                                "image of block " + i + " read again at " + r.lsn());
                        }
                    }
                    assertArrayEquals(bytes(r.buffer(), r.mainDataOffset(), r.mainDataLength()),
                        bytes(copy.buffer(), copy.mainDataOffset(), copy.mainDataLength()), "main data at " + r.lsn());
                    assertTrue(stripped.length <= whole.length - imageBytes, "the copy is smaller by the images");
                }
                assertTrue(withImages > 100 && compressed > 10 && crossing > 0,
                    "images " + withImages + ", compressed " + compressed + ", records across segments " + crossing);

                // every record read again by its LSN is the same, CRC checked
                for (Kept k : records) {
                    XLogRecordView again = fetcher.fetch(k.lsn());
                    assertArrayEquals(k.bytes(), again.copyBytes(), "record at " + k.lsn());
                }
            }

            // a segment overwritten since: the fetch says so, with segment and LSN, never returns other bytes
            Path copyDir = Files.createDirectories(tmp.resolve("wal"));
            try (var files = Files.list(server.walDir())) {
                for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    Files.copy(p, copyDir.resolve(p.getFileName()));
                }
            }
            Kept big = records.stream().filter(k -> k.bytes().length > 4000).findFirst().orElseThrow();
            try (DirectorySegmentSource source = DirectorySegmentSource.open(copyDir)) {
                String name = source.segmentName(big.lsn() / segSize);
                Path seg = copyDir.resolve(name);
                byte[] b = Files.readAllBytes(seg);
                int pos = (int) ((big.lsn() + 100) % segSize);
                b[pos] ^= 0x5A;
                Files.write(seg, b);
                RecordFetcher fetcher = new RecordFetcher(source, org.xlogminer.wal.WalVersion.PG15);
                WalFormatException e = assertThrows(WalFormatException.class, () -> fetcher.fetch(big.lsn()));
                assertTrue(e.getMessage().contains(name) && e.getMessage().contains(org.xlogminer.wal.Lsn.format(big.lsn())),
                    e.getMessage());
            }
        }
    }

    private static byte[] bytes(ByteBuffer b, int off, int len) {
        if (len <= 0) {
            return new byte[0];
        }
        byte[] out = new byte[len];
        b.get(off, out);
        return out;
    }
}
