package org.xlogminer.catalog.pgdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xlogminer.TestData;
import org.xlogminer.wal.Lsn;

/**
 * pg_control and the relation maps of a fresh cluster of each major (testdata/pgdata-files, made
 * by make-pgdata-files.sh) read as the server itself reported them: pg_control_system(),
 * pg_control_checkpoint() and pg_relation_filenode() of every mapped catalog. Damaged copies are
 * refused, naming the file.
 */
class ControlAndMapFilesTest {

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 14, 15, 16, 17, 18})
    void readsWhatTheServerReports(int major) throws IOException {
        Path dir = TestData.dir("pgdata-files").resolve("pg" + major);
        List<String> expected = Files.readAllLines(dir.resolve("expected.txt"));
        String[] c = expected.get(0).split(" ");
        ControlFile cf = ControlFile.parse(Files.readAllBytes(dir.resolve("pg_control")), major, "pg_control");
        assertEquals(c[1], Long.toUnsignedString(cf.systemIdentifier()));
        assertEquals(Integer.parseInt(c[2]), cf.controlVersion());
        assertEquals(Integer.parseInt(c[3]), cf.catalogVersion());
        assertEquals(Lsn.parse(c[4]).value(), cf.checkpoint());
        assertEquals(Lsn.parse(c[5]).value(), cf.redo());
        assertEquals(Integer.parseInt(c[6]), cf.timeline());
        assertEquals(Integer.parseInt(c[7]), cf.nextXid());
        assertEquals(Integer.parseInt(c[8]), cf.oldestXid());
        assertTrue(cf.shutDownCleanly(), cf.stateName());

        Map<Long, Long> shared = RelMapFile.parse(Files.readAllBytes(dir.resolve("pg_filenode.map")), major, "g");
        Map<Long, Long> local = RelMapFile.parse(Files.readAllBytes(dir.resolve("base-5-pg_filenode.map")), major, "b");
        Map<Long, Long> wantShared = new HashMap<>();
        Map<Long, Long> wantLocal = new HashMap<>();
        for (String line : expected.subList(1, expected.size())) {
            String[] m = line.split(" ");
            (m[1].equals("true") ? wantShared : wantLocal).put(Long.parseLong(m[2]), Long.parseLong(m[3]));
        }
        assertEquals(wantShared, shared);
        assertEquals(wantLocal, local);
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {15, 18})
    void damagedFilesAreRefusedByName(int major) throws IOException {
        Path dir = TestData.dir("pgdata-files").resolve("pg" + major);
        byte[] control = Files.readAllBytes(dir.resolve("pg_control"));
        assertCorrupt("global/pg_control: truncated",
            () -> ControlFile.parse(Arrays.copyOf(control, 200), major, "global/pg_control"));
        byte[] flipped = control.clone();
        flipped[40] ^= 0x10;
        assertCorrupt("global/pg_control: CRC mismatch", () -> ControlFile.parse(flipped, major, "global/pg_control"));
        PgDataException other = assertThrows(PgDataException.class,
            () -> ControlFile.parse(control, major == 18 ? 17 : 18, "global/pg_control"));
        assertEquals(PgDataException.Kind.UNSUPPORTED, other.kind(), other.getMessage());

        byte[] map = Files.readAllBytes(dir.resolve("pg_filenode.map"));
        assertCorrupt("m: truncated", () -> RelMapFile.parse(Arrays.copyOf(map, 100), major, "m"));
        byte[] badMap = map.clone();
        badMap[12] ^= 1;
        assertCorrupt("m: CRC mismatch", () -> RelMapFile.parse(badMap, major, "m"));
        byte[] magic = map.clone();
        magic[0] ^= 1;
        assertCorrupt("m: not a relation map", () -> RelMapFile.parse(magic, major, "m"));
    }

    private static void assertCorrupt(String message, Runnable r) {
        PgDataException e = assertThrows(PgDataException.class, r::run);
        assertEquals(PgDataException.Kind.CORRUPT, e.kind());
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }
}
