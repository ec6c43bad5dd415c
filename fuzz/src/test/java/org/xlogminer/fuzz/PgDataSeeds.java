package org.xlogminer.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;

import org.xlogminer.testkit.PgServer;

/**
 * Writes the seeds of {@code PgDataFileFuzzTest} and {@code TimelineHistoryFuzzTest}: pg_control and
 * the relation maps of every major from {@code testdata/pgdata-files}, and from a real PostgreSQL 15
 * (the testkit's) the history file its promoted standby writes, the backup label
 * {@code pg_backup_stop()} returns and the first and last pages of its {@code pg_class}. Run from the
 * repository root once, when a target changes:
 *
 * <pre>
 * mvn -B -ntp -o -q -pl fuzz -am test-compile
 * java -cp "$(cat fuzz/target/classpath.txt):fuzz/target/test-classes" org.xlogminer.fuzz.PgDataSeeds
 * </pre>
 */
public final class PgDataSeeds {

    private static final Path RESOURCES = Path.of("fuzz/src/test/resources/org/xlogminer");
    private static final Path PGDATA = RESOURCES.resolve("catalog/pgdata/PgDataFileFuzzTestInputs");
    private static final int PAGE = 8192;

    private PgDataSeeds() {
    }

    public static void main(String[] args) throws Exception {
        for (int major = 13; major <= 18; major++) {
            Path dir = Path.of("testdata/pgdata-files/pg" + major);
            byte[] m = {(byte) (major - 13)};
            write(PGDATA.resolve("controlFile/seed-pg" + major), m, Files.readAllBytes(dir.resolve("pg_control")));
            write(PGDATA.resolve("relMapFile/seed-pg" + major + "-global"), m,
                Files.readAllBytes(dir.resolve("pg_filenode.map")));
            write(PGDATA.resolve("relMapFile/seed-pg" + major + "-base"), m,
                Files.readAllBytes(dir.resolve("base-5-pg_filenode.map")));
        }
        try (PgServer primary = PgServer.builder(15).start()) {
            primary.execute("CHECKPOINT");
            Path pgClass = primary.dataDir().resolve(primary.queryString("SELECT pg_relation_filepath('pg_class')"));
            byte[] rel = Files.readAllBytes(pgClass);
            write(PGDATA.resolve("heapPage/seed-pg15-pg_class-0"), Arrays.copyOf(rel, PAGE));
            write(PGDATA.resolve("heapPage/seed-pg15-pg_class-last"), Arrays.copyOfRange(rel, rel.length - PAGE, rel.length));
            try (Connection c = primary.connect(); Statement st = c.createStatement()) {
                st.execute("SELECT pg_backup_start('fuzz seed', true)");
                try (ResultSet rs = st.executeQuery("SELECT labelfile FROM pg_backup_stop(false)")) {
                    rs.next();
                    write(PGDATA.resolve("backupLabel/seed-pg15"), rs.getString(1).getBytes(StandardCharsets.UTF_8));
                }
            }
            try (PgServer standby = primary.startStandby()) {
                standby.execute("SELECT pg_promote()");
                if (standby.timelineId() != 2) {
                    throw new IllegalStateException("the standby did not promote");
                }
                byte[] history = Files.readAllBytes(standby.walDir().resolve("00000002.history"));
                write(RESOURCES.resolve("wal/archive/TimelineHistoryFuzzTestInputs/parse/seed-pg15-00000002"),
                    new byte[] {1}, history);
            }
        }
    }

    private static void write(Path file, byte[]... parts) throws IOException {
        Files.createDirectories(file.getParent());
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        Files.write(file, all);
        System.out.println(file + ": " + n + " bytes");
    }
}
