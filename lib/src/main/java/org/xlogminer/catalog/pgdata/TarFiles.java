package org.xlogminer.catalog.pgdata;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.xlogminer.catalog.pgdata.PgDataException.Kind;
import org.xlogminer.wal.archive.Compression;

/**
 * The {@code base.tar} of {@code pg_basebackup -Ft}, plain or compressed as pg_basebackup writes it
 * ({@code -z}: gzip; {@code --compress=lz4} or {@code zstd}, on the client or the server) or as a
 * DBA may have since (bzip2, xz), the format told by its magic bytes ({@link Compression}), read as
 * a stream:
 * never unpacked to disk, and only the files asked for are kept in memory. Each
 * {@link #prefetch} reads the archive once from its start and keeps the wanted files; the first
 * pass also learns every entry's name (for {@link #list}). Reading a file no pass kept costs a
 * pass of its own.
 */
final class TarFiles implements PgDataFiles {

    private final Path tar;
    private final Map<String, byte[]> kept = new HashMap<>();
    private TreeSet<String> names;

    TarFiles(Path tar) {
        this.tar = tar;
    }

    @Override
    public String describe() {
        return tar.toString();
    }

    @Override
    public void prefetch(Predicate<String> wanted) throws IOException {
        if (names != null && names.stream().noneMatch(n -> !kept.containsKey(n) && wanted.test(n))) {
            return; // everything wanted is kept already (or not in the archive)
        }
        boolean learn = names == null;
        TreeSet<String> seen = learn ? new TreeSet<>() : names;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(tar), 1 << 16);
             TarArchiveInputStream in = new TarArchiveInputStream(decompressed(raw))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                String name = normalize(e.getName());
                if (e.isDirectory()) {
                    if (learn) {
                        seen.add(name + "/");
                    }
                    continue;
                }
                if (learn) {
                    seen.add(name);
                }
                if (!kept.containsKey(name) && wanted.test(name)) {
                    if (e.getSize() > Integer.MAX_VALUE - 8) {
                        throw new PgDataException(Kind.UNSUPPORTED, tar + ": " + name, "a file of " + e.getSize()
                            + " bytes");
                    }
                    kept.put(name, in.readAllBytes());
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof PgDataException p) {
                throw p;
            }
            if (names == null && kept.isEmpty()) {
                throw new PgDataException(Kind.NOT_A_DATA_DIRECTORY, tar.toString(), "not a readable tar archive: "
                    + e.getMessage(), e);
            }
            throw new PgDataException(Kind.CORRUPT, tar.toString(), "the archive is damaged or breaks off: "
                + e.getMessage(), e);
        }
        names = seen;
    }

    /** The tar stream within {@code raw} (which supports mark), decompressed as its magic says. */
    private static InputStream decompressed(InputStream raw) throws IOException {
        raw.mark(Compression.MAGIC_BYTES);
        byte[] head = raw.readNBytes(Compression.MAGIC_BYTES);
        raw.reset();
        Compression c = Compression.detect(head, head.length);
        return c == Compression.NONE ? raw : new BufferedInputStream(c.decompress(raw), 1 << 16);
    }

    private static String normalize(String name) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
    }

    @Override
    public byte[] read(String path) throws IOException {
        byte[] b = kept.get(path);
        if (b == null && (names == null || names.contains(path))) {
            prefetch(path::equals);
            b = kept.get(path);
        }
        return b;
    }

    @Override
    public List<String> list(String dir) throws IOException {
        if (names == null) {
            prefetch(n -> false);
        }
        String prefix = dir.isEmpty() ? "" : dir + "/";
        List<String> out = new ArrayList<>();
        for (String n : names.tailSet(prefix)) {
            if (!n.startsWith(prefix)) {
                break;
            }
            String rest = n.substring(prefix.length());
            int slash = rest.indexOf('/');
            String child = slash < 0 ? rest : rest.substring(0, slash);
            if (!child.isEmpty() && (out.isEmpty() || !out.get(out.size() - 1).equals(child))) {
                out.add(child);
            }
        }
        return out;
    }

    @Override
    public void close() {
        kept.clear();
    }
}
