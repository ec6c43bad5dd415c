package org.xlogminer.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The directory of one test server, and the clean-up of those that killed JVMs left behind.
 *
 * <p>Each server lives in {@code /tmp/xlogminer-it/pg<major>-<random>/} (base directory overridable with
 * {@code -Dxlogminer.it.dir} / {@code XLOGMINER_IT_DIR}): {@code data/} is the data directory (mode 0700,
 * made by initdb), {@code server.log} the server log ({@code pg_ctl -l}), and the Unix socket lives in
 * the directory itself. When the JVM runs as root the directory is owned by the OS user {@code postgres}
 * (root can still read {@code pg_wal}), and every directory above it must let that user through.
 *
 * <p>{@value #OWNER_FILE} in each directory names the JVM that owns it (pid and start time), the
 * binaries and whether to keep it. The first server a JVM starts stops the servers of directories
 * whose owning JVM is gone (killed with SIGKILL, so its shutdown hook never ran) and deletes those
 * directories, unless they were to be kept.
 *
 * <p>Thread-safe: instances are immutable, and the clean-up runs once per JVM.
 */
final class ServerDirectory {

    static final String OWNER_FILE = "xlogminer-owner.properties";
    private static final System.Logger LOG = System.getLogger("org.xlogminer.testkit");
    private static final AtomicBoolean REAPED = new AtomicBoolean();

    private final Path root;

    private ServerDirectory(Path root) {
        this.root = root;
    }

    /**
     * Cleans up after killed JVMs (once per JVM), then creates a new server directory for
     * {@code major} under {@link #base()} with its owner file.
     */
    static ServerDirectory create(int major, Path binDir, boolean keep) {
        Path base = base();
        reapOrphans(base);
        return new ServerDirectory(createIn(base, major, binDir, keep));
    }

    /** The server directory itself: holds {@code data/}, {@code server.log} and the Unix socket. */
    Path root() {
        return root;
    }

    /** The data directory ({@code PGDATA}). */
    Path data() {
        return root.resolve("data");
    }

    /** The server log ({@code pg_ctl -l}). */
    Path log() {
        return root.resolve("server.log");
    }

    /** Deletes the whole directory; a failure is logged, not thrown. */
    void delete() {
        try {
            Os.deleteRecursively(root);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete " + root + ": " + e);
        }
    }

    /** Base directory for server directories: {@code -Dxlogminer.it.dir}, {@code XLOGMINER_IT_DIR}, or /tmp/xlogminer-it. */
    static Path base() {
        Path base = Path.of(Os.Config.get("xlogminer.it.dir", "XLOGMINER_IT_DIR", "/tmp/xlogminer-it"))
                .toAbsolutePath().normalize();
        try {
            if (!Files.isDirectory(base)) {
                Files.createDirectories(base);
                Os.chmod(base, "rwxr-xr-x");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + base + " (set -Dxlogminer.it.dir / XLOGMINER_IT_DIR"
                    + " to a writable directory): " + e, e);
        }
        if (!Files.isWritable(base)) {
            Path own = base.resolveSibling(base.getFileName() + "-" + System.getProperty("user.name"));
            try {
                Files.createDirectories(own);
                Os.chmod(own, "rwxr-xr-x");
            } catch (IOException e) {
                throw new IllegalStateException(base + " is not writable and " + own + " cannot be created: " + e, e);
            }
            base = own;
        }
        if (Os.isRoot()) {
            checkTraversable(base);
        }
        return base;
    }

    /** The OS user {@code postgres} must be able to reach {@code base} from {@code /}. */
    private static void checkTraversable(Path base) {
        for (Path p = base; p != null; p = p.getParent()) {
            try {
                if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new IllegalStateException("The OS user '" + Os.PG_OS_USER + "' cannot traverse " + p
                            + " (needs o+x) to reach " + base + "; choose another -Dxlogminer.it.dir.");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static Path createIn(Path base, int major, Path binDir, boolean keep) {
        try {
            Path dir = Files.createTempDirectory(base, "pg" + major + "-");
            Os.chmod(dir, "rwxr-xr-x");
            Properties owner = new Properties();
            ProcessHandle self = ProcessHandle.current();
            owner.setProperty("pid", String.valueOf(self.pid()));
            owner.setProperty("start", self.info().startInstant().map(i -> String.valueOf(i.toEpochMilli())).orElse(""));
            owner.setProperty("bindir", binDir.toString());
            owner.setProperty("keep", String.valueOf(keep));
            // Written under another name and renamed, so a concurrent reaper never sees a partial file.
            Path tmp = dir.resolve(OWNER_FILE + ".tmp");
            try (var out = Files.newOutputStream(tmp)) {
                owner.store(out, "xlogminer-testkit: JVM that owns this server directory");
            }
            Os.chmod(tmp, "rw-r--r--");
            Files.move(tmp, dir.resolve(OWNER_FILE), StandardCopyOption.ATOMIC_MOVE);
            if (Os.isRoot()) {
                Files.setOwner(dir, Os.pgOsUser(dir));
            }
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a server directory under " + base + ": " + e, e);
        }
    }

    /**
     * Once per JVM: stops and deletes server directories whose owning JVM is gone (killed with SIGKILL,
     * so its shutdown hook never ran). Directories of live JVMs, of unknown owners and with
     * {@code keepData(true)} are not deleted (the latter's servers are still stopped).
     */
    private static void reapOrphans(Path base) {
        if (!REAPED.compareAndSet(false, true)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(base, "pg*-*")) {
            for (Path dir : ds) {
                try {
                    reapIfOrphan(dir);
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.DEBUG, "not reaping " + dir + ": " + e);
                }
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "cannot scan " + base + ": " + e);
        }
    }

    private static void reapIfOrphan(Path dir) throws IOException {
        Path ownerFile = dir.resolve(OWNER_FILE);
        Properties owner = new Properties();
        try (InputStream in = Files.newInputStream(ownerFile)) {
            owner.load(in);
        } catch (NoSuchFileException e) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(owner.getProperty("pid", "").trim());
        } catch (NumberFormatException e) {
            return; // not written by us: leave it alone
        }
        if (pid <= 0 || pid == ProcessHandle.current().pid() || ownerAlive(pid, owner.getProperty("start", ""))) {
            return;
        }
        Path bin = Path.of(owner.getProperty("bindir", "/nonexistent"));
        ServerDirectory orphan = new ServerDirectory(dir);
        if (Postmaster.runs(bin, orphan.data())) {
            LOG.log(Level.INFO, "stopping orphaned PostgreSQL server in " + dir);
            Postmaster.stop(bin, orphan.data(), dir, false);
        }
        if (!Boolean.parseBoolean(owner.getProperty("keep", "false"))) {
            LOG.log(Level.INFO, "deleting orphaned server directory " + dir);
            Os.deleteRecursively(dir);
        }
    }

    private static boolean ownerAlive(long pid, String startMillis) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        Optional<Instant> started = h.get().info().startInstant();
        if (started.isEmpty() || startMillis.isBlank()) {
            return true; // cannot tell: assume it is the owner
        }
        return Math.abs(started.get().toEpochMilli() - Long.parseLong(startMillis.trim())) <= 2000;
    }
}
