package org.xlogminer.wal.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.catalog.CatalogCapture;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.Transaction;
import org.xlogminer.mine.Miner;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.testkit.WalRange;
import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.reader.DirectorySegmentSource;
import org.xlogminer.wal.reader.SegmentName;
import org.xlogminer.wal.reader.SegmentSource;

import com.github.luben.zstd.Zstd;

/**
 * Mining a zstd archive at wal_level=replica reads the old rows of updates and deletes from
 * full-page images logged segments before. A real PostgreSQL 15: rows, a checkpoint, then updates
 * and deletes that touch every page several times over many segments; the changes mined from the
 * archive, old rows included, are those mined from pg_wal.
 * <ul>
 *   <li>With 1 MB segments and two buffers of decompressed segments (so that every earlier segment
 *       has left them), those tuples come from what the miner marked and the archive kept packed,
 *       and each segment is decompressed once.
 *   <li>Segments too large to hold whole (up to 1 GB: two did not fit a 640 MB heap's direct
 *       memory) are held in parts, each read from a stream kept open from one part to the next:
 *       here 16 MB segments in parts of 1 MB with two buffers, records and images crossing parts
 *       and segments. Each part is decompressed once, and a file cut short is reported with the
 *       size it has.
 * </ul>
 */
class PackedReadsIT {

    private static final int PART = 1 << 20;

    @TempDir
    Path tmp;

    /** A workload's WAL: the server's segments, their zstd copies in {@code zst}, the catalog and range. */
    private record Archived(List<Path> segments, Path zst, CatalogSnapshot catalog, WalRange range) {
    }

    private Archived archive(PgServer server, int rows) throws Exception {
        server.execute("CREATE TABLE acc (id int PRIMARY KEY, owner text, balance numeric)",
            "INSERT INTO acc SELECT g, md5(g::text), g * 10 FROM generate_series(1, " + rows + ") g");
        CatalogSnapshot catalog;
        try (Connection ro = server.connect()) {
            catalog = CatalogCapture.capture(ro);
        }
        server.checkpoint();
        WalRange range = server.captureRange(() -> {
            for (int k = 0; k < 12; k++) { // each touches every page: its first images, then their other tuples
                server.execute("UPDATE acc SET balance = balance + " + k + " WHERE id % 47 = " + k);
            }
            server.execute("DELETE FROM acc WHERE id % 47 = 40");
        });
        server.switchWal();
        Path zst = Files.createDirectories(tmp.resolve("zst"));
        List<Path> segments = new ArrayList<>();
        try (Stream<Path> files = Files.list(server.walDir())) {
            files.filter(p -> p.getFileName().toString().matches("[0-9A-F]{24}")).sorted().forEach(segments::add);
        }
        for (Path f : segments) {
            Files.write(zst.resolve(f.getFileName() + ".zst"), Zstd.compress(Files.readAllBytes(f), 3));
        }
        return new Archived(segments, zst, catalog, range);
    }

    @Test
    void oldRowsOfEarlierSegmentsAreReadFromWhatWasKeptPacked() throws Exception {
        try (PgServer server = PgServer.builder(15).walSegSizeMb(1).start()) {
            Archived a = archive(server, 30000);
            List<String> plain = mine(DirectorySegmentSource.open(server.walDir()), a);
            MergedSegmentSource archive = (MergedSegmentSource) SegmentSources.open(List.of(a.zst()), 0, 2);
            List<String> packed = mine(archive, a);

            assertTrue(plain.size() > 5000, "a real workload: " + plain.size() + " changes");
            assertTrue(plain.stream().noneMatch(c -> c.contains("Unknown")), "every old row known from pg_wal");
            assertEquals(plain, packed);
            long[] readsAndFills = archive.inflated().packedReadsAndFills();
            assertTrue(readsAndFills[0] > 1000, "tuples read from the packed ranges: " + readsAndFills[0]);
            assertTrue(readsAndFills[1] <= a.segments().size(), readsAndFills[1] + " segments decompressed, of "
                + a.segments().size() + ": none again for its tuples");
        }
    }

    @Test
    void segmentsReadInPartsGiveWhatPgWalGives() throws Exception {
        try (PgServer server = PgServer.builder(15).start()) {
            Archived a = archive(server, 60000);
            long segmentSize = server.walSegmentSize();
            long firstSegno = a.range().start() / segmentSize;
            long lastSegno = a.range().end() / segmentSize;
            assertTrue(lastSegno > firstSegno, "the range crosses a segment boundary");

            List<String> plain = mine(DirectorySegmentSource.open(server.walDir()), a);
            MergedSegmentSource archive = (MergedSegmentSource) SegmentSources.open(List.of(a.zst()), 0, 2, PART);
            List<String> parts = mine(archive, a);

            assertEquals(PART, archive.inflated().partSize());
            assertTrue(plain.size() > 10000, "a real workload: " + plain.size() + " changes");
            assertTrue(plain.stream().noneMatch(c -> c.contains("Unknown")), "every old row known from pg_wal");
            assertEquals(plain, parts);
            long[] readsAndFills = archive.inflated().packedReadsAndFills();
            long partsRead = (lastSegno - firstSegno + 2) * (segmentSize / PART);
            assertTrue(readsAndFills[0] > 1000, "tuples read from the packed ranges: " + readsAndFills[0]);
            assertTrue(readsAndFills[1] <= partsRead, readsAndFills[1] + " parts decompressed, of at most "
                + partsRead + ": none again for its tuples");

            // the last segment of the range, cut inside a part: the error says where the file ends
            Path cut = Files.createDirectories(tmp.resolve("cut"));
            for (Path f : a.segments()) {
                byte[] bytes = Files.readAllBytes(f);
                if (SegmentName.segno(f.getFileName().toString(), (int) segmentSize) == lastSegno) {
                    bytes = Arrays.copyOf(bytes, 5 * PART + PART / 2);
                }
                Files.write(cut.resolve(f.getFileName() + ".zst"), Zstd.compress(bytes, 3));
            }
            SegmentSource shortOne = SegmentSources.open(List.of(cut), 0, 2, PART);
            WalFormatException e = assertThrows(WalFormatException.class, () -> mine(shortOne, a));
            assertTrue(e.getMessage().contains("segment is truncated: file has " + (5 * PART + PART / 2) + " bytes"),
                e.getMessage());
        }
    }

    private static List<String> mine(SegmentSource source, Archived a) throws Exception {
        List<String> changes = new ArrayList<>();
        WalRange r = a.range();
        try (Miner miner = Miner.builder(source, a.catalog()).fromLsn(r.start()).toLsn(r.end()).build()) {
            for (Transaction t : miner) {
                for (RowChange c : t.changes()) {
                    changes.add(c.toString());
                }
            }
        }
        return changes;
    }
}
