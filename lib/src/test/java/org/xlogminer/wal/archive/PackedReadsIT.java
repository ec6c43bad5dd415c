package org.xlogminer.wal.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
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
import org.xlogminer.wal.reader.DirectorySegmentSource;
import org.xlogminer.wal.reader.SegmentSource;

import com.github.luben.zstd.Zstd;

/**
 * Mining a zstd archive at wal_level=replica reads the old rows of updates and deletes from
 * full-page images logged segments before: with two buffers of decompressed segments (so that
 * every earlier segment has left them), those tuples come from what the miner marked and the
 * archive kept packed, and each segment is decompressed once. A real PostgreSQL 15 with 1 MB
 * segments: 30,000 rows, a checkpoint, then updates and deletes that touch every page several
 * times over many segments. The changes, old rows included, are those mined from pg_wal.
 */
class PackedReadsIT {

    @TempDir
    Path tmp;

    @Test
    void oldRowsOfEarlierSegmentsAreReadFromWhatWasKeptPacked() throws Exception {
        try (PgServer server = PgServer.builder(15).walSegSizeMb(1).start()) {
            server.execute("CREATE TABLE acc (id int PRIMARY KEY, owner text, balance numeric)",
                "INSERT INTO acc SELECT g, md5(g::text), g * 10 FROM generate_series(1, 30000) g");
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
            int segments = 0;
            try (Stream<Path> files = Files.list(server.walDir())) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.getFileName().toString().matches("[0-9A-F]{24}"))::iterator) {
                    Files.write(zst.resolve(f.getFileName() + ".zst"), Zstd.compress(Files.readAllBytes(f), 3));
                    segments++;
                }
            }

            List<String> plain = mine(DirectorySegmentSource.open(server.walDir()), catalog, range);
            MergedSegmentSource archive = (MergedSegmentSource) SegmentSources.open(List.of(zst), 0, 2);
            List<String> packed = mine(archive, catalog, range);

            assertTrue(plain.size() > 5000, "a real workload: " + plain.size() + " changes");
            assertTrue(plain.stream().noneMatch(c -> c.contains("Unknown")), "every old row known from pg_wal");
            assertEquals(plain, packed);
            long[] readsAndFills = archive.inflated().packedReadsAndFills();
            assertTrue(readsAndFills[0] > 1000, "tuples read from the packed ranges: " + readsAndFills[0]);
            assertTrue(readsAndFills[1] <= segments, readsAndFills[1] + " segments decompressed, of " + segments
                + ": none again for its tuples");
        }
    }

    private static List<String> mine(SegmentSource source, CatalogSnapshot catalog, WalRange range) throws Exception {
        List<String> changes = new ArrayList<>();
        try (Miner miner = Miner.builder(source, catalog).fromLsn(range.start()).toLsn(range.end()).build()) {
            for (Transaction t : miner) {
                for (RowChange c : t.changes()) {
                    changes.add(c.toString());
                }
            }
        }
        return changes;
    }
}
