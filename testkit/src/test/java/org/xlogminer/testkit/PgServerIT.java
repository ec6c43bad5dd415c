package org.xlogminer.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PgServerIT {

    private static final long MB = 1024 * 1024;

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 14, 15, 16, 17, 18})
    void startsCapturesAndStops(int major) throws Exception {
        PgServer server = PgServer.builder(major).walSegSizeMb(1).start();
        Path serverDir = server.serverDir();
        try (server) {
            assertTrue(server.isRunning());
            assertEquals(major, server.major());
            assertTrue(server.version().startsWith(major + "."), server.version());
            try (Connection c = server.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SHOW server_version")) {
                assertTrue(c.getAutoCommit());
                assertTrue(rs.next());
                assertTrue(rs.getString(1).startsWith(major + "."), rs.getString(1));
            }
            assertEquals(major, server.versionNum() / 10000);
            assertEquals("1MB", server.queryString("SHOW wal_segment_size"));
            assertEquals("replica", server.queryString("SHOW wal_level"));
            assertEquals("off", server.queryString("SHOW data_checksums"));
            assertEquals("off", server.queryString("SHOW autovacuum"));
            assertTrue(server.systemIdentifier() != 0);
            assertEquals(1, server.timelineId());

            server.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
            WalRange r = server.captureRange(() -> server.execute(
                    "INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 1000) g",
                    "UPDATE t SET v = v || '!' WHERE id % 10 = 0"));
            assertTrue(r.size() > 0, r.toString());
            assertTrue(Long.compareUnsigned(server.currentWalFlushLsn(), r.end()) >= 0, "flushed up to end");
            assertTrue(Long.compareUnsigned(server.currentWalInsertLsn(), r.end()) >= 0);
            assertEquals(1000, server.queryLong("SELECT count(*) FROM t"));

            // segment files of 1 MB, including the one holding r.end()
            List<Path> segments;
            try (Stream<Path> s = Files.list(server.walDir())) {
                segments = s.filter(p -> p.getFileName().toString().matches("[0-9A-F]{24}")).sorted().toList();
            }
            assertFalse(segments.isEmpty(), "no WAL segments in " + server.walDir());
            for (Path seg : segments) {
                assertEquals(MB, Files.size(seg), seg.toString());
            }
            Path endSegment = server.walDir().resolve(server.walFileName(r.end() - 1));
            assertTrue(Files.isRegularFile(endSegment), endSegment.toString());
            assertTrue(Files.isReadable(endSegment), endSegment.toString());

            if (major >= 15) {
                server.execute("CREATE EXTENSION pg_walinspect");
                long heapRecords = server.queryLong("SELECT count(*) FROM pg_get_wal_records_info('"
                        + Lsn.format(r.start()) + "', '" + Lsn.format(r.end()) + "')"
                        + " WHERE resource_manager IN ('Heap', 'Heap2')");
                assertTrue(heapRecords >= 1000, "heap records in range: " + heapRecords);
            }

            long before = server.currentWalInsertLsn();
            long switched = server.switchWal();
            assertTrue(Long.compareUnsigned(switched, before) >= 0);
            server.checkpoint();
        }
        assertFalse(server.isRunning());
        assertFalse(Files.exists(serverDir), serverDir + " should be deleted");
        server.close(); // idempotent
    }

    @Test
    void minimalWalLevelAndOptionsOnDebian15() throws Exception {
        try (PgServer server = PgServer.builder(15)
                .walLevel("minimal")
                .fullPageWrites(false)
                .walCompression("lz4")
                .dataChecksums(true)
                .setting("max_prepared_transactions", "10")
                // asynchronous commits and a lazy walwriter: captureRange must force the flush itself
                .setting("synchronous_commit", "off")
                .setting("wal_writer_delay", "10s")
                .start()) {
            assertEquals("minimal", server.queryString("SHOW wal_level"));
            assertEquals("off", server.queryString("SHOW full_page_writes"));
            assertEquals("lz4", server.queryString("SHOW wal_compression"));
            assertEquals("on", server.queryString("SHOW data_checksums"));
            assertEquals("10", server.queryString("SHOW max_prepared_transactions"));
            assertEquals("16MB", server.queryString("SHOW wal_segment_size"));
            long[] unflushed = new long[2];
            WalRange r = server.captureRange(() -> {
                server.execute("CREATE TABLE m (x int)", "INSERT INTO m SELECT generate_series(1, 100)");
                unflushed[0] = server.currentWalFlushLsn();
                unflushed[1] = server.currentWalInsertLsn();
            });
            assertTrue(r.size() > 0);
            assertTrue(Long.compareUnsigned(server.currentWalFlushLsn(), r.end()) >= 0);
            if (Long.compareUnsigned(unflushed[0], unflushed[1]) < 0) {
                // the forced flush wrote a transactional logical message right after the range
                ProcessResult after = server.runTool(PgBinaries.pgWaldump(), "-p", server.walDir().toString(),
                        "-s", Lsn.format(r.end()), "-e", Lsn.format(server.currentWalFlushLsn()));
                assertTrue(after.stdout().contains("xlogminer-testkit"), after.stdout() + after.stderr());
            }

            ProcessResult bench = server.runBinary("pgbench", "-i", "-s", "1", "-q");
            bench.requireSuccess();
            assertEquals(100000, server.queryLong("SELECT count(*) FROM pgbench_accounts"));

            ProcessResult dump = server.runTool(PgBinaries.pgWaldump(), "-p", server.walDir().toString(),
                    "-s", Lsn.format(r.start()), "-e", Lsn.format(r.end()));
            dump.requireSuccess();
            assertTrue(dump.stdout().contains("INSERT"), dump.stdout());
        }
    }

    @Test
    void checksumsAndLogicalOn18() throws Exception {
        try (PgServer server = PgServer.builder(18).walLevel("logical").dataChecksums(true)
                .walCompression("pglz").start()) {
            assertEquals("on", server.queryString("SHOW data_checksums"));
            assertEquals("logical", server.queryString("SHOW wal_level"));
            assertEquals("pglz", server.queryString("SHOW wal_compression"));
        }
    }

    @Test
    void walCompressionMappingBefore15() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> PgServer.builder(14).walCompression("lz4"));
        assertThrows(IllegalArgumentException.class, () -> PgServer.builder(13).walCompression("zstd"));
        assertThrows(IllegalArgumentException.class, () -> PgServer.builder(12));
        assertThrows(IllegalArgumentException.class, () -> PgServer.builder(15).walSegSizeMb(3));
        try (PgServer server = PgServer.builder(13).walCompression("pglz").walLevel("minimal")
                .setting("synchronous_commit", "off").setting("wal_writer_delay", "10s").start()) {
            assertEquals("on", server.queryString("SHOW wal_compression"));
            WalRange r = server.captureRange(() -> server.execute("CREATE TABLE x (a int)"));
            assertTrue(r.size() > 0);
            assertTrue(Long.compareUnsigned(server.currentWalFlushLsn(), r.end()) >= 0);
        }
    }

    @Test
    void failedStartIsLoud() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PgServer.builder(17).setting("no_such_parameter_xyz", "1").start());
        assertTrue(e.getMessage().contains("no_such_parameter_xyz"), e.getMessage());
    }

    @Test
    void lsnFormatting() {
        assertEquals(0x16B374D848L, Lsn.parse("16/B374D848"));
        assertEquals("16/B374D848", Lsn.format(0x16B374D848L));
        assertEquals("0/0149F2A8", Lsn.format(Lsn.parse("0/149F2A8")));
        assertEquals(-1L, Lsn.parse("FFFFFFFF/FFFFFFFF"));
        assertThrows(IllegalArgumentException.class, () -> Lsn.parse("12"));
    }
}
