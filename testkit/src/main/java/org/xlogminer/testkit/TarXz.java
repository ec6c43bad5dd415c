package org.xlogminer.testkit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Pure-Java extraction of a {@code .tar.xz} stream, keeping permission bits, symbolic links and hard
 * links, and making the result world-readable ({@code chmod -R a+rX}). Package-private.
 */
final class TarXz {

    private TarXz() {
    }

    /**
     * Extracts {@code txz} into the existing, empty directory {@code target}.
     *
     * @throws IOException on I/O errors or on an entry that would escape {@code target}
     */
    static void extract(InputStream txz, Path target) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        List<Path> dirs = new ArrayList<>();
        List<Set<PosixFilePermission>> dirPerms = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZInputStream(new BufferedInputStream(txz, 1 << 16)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path p = inside(root, e.getName());
                if (p.equals(root)) {
                    continue;
                }
                if (e.isDirectory()) {
                    Files.createDirectories(p);
                    dirs.add(p);
                    dirPerms.add(Os.withAllReadX(perms(e.getMode()), true));
                } else if (e.isSymbolicLink()) {
                    Files.createDirectories(p.getParent());
                    Path link = Path.of(e.getLinkName());
                    if (link.isAbsolute() || !p.getParent().resolve(link).normalize().startsWith(root)) {
                        throw new IOException("symbolic link " + e.getName() + " -> " + e.getLinkName()
                                + " points outside the archive");
                    }
                    Files.deleteIfExists(p);
                    Files.createSymbolicLink(p, link);
                } else if (e.isLink()) {
                    Files.createDirectories(p.getParent());
                    Path existing = inside(root, e.getLinkName());
                    Files.deleteIfExists(p);
                    Files.createLink(p, existing);
                } else if (e.isFile()) {
                    Files.createDirectories(p.getParent());
                    Files.copy(tar, p, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(p, Os.withAllReadX(perms(e.getMode()), false));
                }
                // devices, FIFOs etc. are not expected in a PostgreSQL distribution: skipped
            }
        }
        // Directory permissions last (a read-only directory would block its own extraction), deepest first.
        for (int i = dirs.size() - 1; i >= 0; i--) {
            Files.setPosixFilePermissions(dirs.get(i), dirPerms.get(i));
        }
        // Directories created implicitly (no entry of their own) get 0755 too.
        try (var walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Set<PosixFilePermission> cur = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                    Set<PosixFilePermission> want = Os.withAllReadX(cur, true);
                    if (!cur.equals(want)) {
                        Files.setPosixFilePermissions(p, want);
                    }
                }
            }
        }
    }

    private static Path inside(Path root, String name) throws IOException {
        Path p = root.resolve(name).normalize();
        if (!p.startsWith(root)) {
            throw new IOException("archive entry escapes the target directory: " + name);
        }
        return p;
    }

    private static Set<PosixFilePermission> perms(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int bit = 0; bit < 9; bit++) {
            if ((mode & (1 << bit)) != 0) {
                s.add(order[bit]);
            }
        }
        return s;
    }
}
