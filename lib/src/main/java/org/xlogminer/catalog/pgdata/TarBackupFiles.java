package org.xlogminer.catalog.pgdata;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tar-format base backup: {@code base.tar} ({@link TarFiles}) and, beside it, a tar per
 * tablespace other than pg_default and pg_global, named by the tablespace's OID
 * ({@code 16384.tar}, compressed as base.tar is), holding what the tablespace's location holds
 * ({@code PG_15_202209061/DBOID/...}). Its files are seen where the data directory links them:
 * under {@code pg_tblspc/OID/}. A tablespace's tar is read only once something under it was asked
 * for: the catalog of a database in pg_default never streams them.
 */
final class TarBackupFiles implements PgDataFiles {

    /** A tablespace's tar: its OID, then {@code .tar}, then what compressed it, if anything. */
    private static final Pattern TABLESPACE_TAR = Pattern.compile("([0-9]{1,10})\\.tar(\\.[a-z0-9]{1,4})?");

    private final TarFiles base;
    /** By "pg_tblspc/OID/": the tablespace's tar, and whether it was asked for yet. */
    private final Map<String, Tablespace> tablespaces;

    private static final class Tablespace {
        final TarFiles tar;
        boolean used;

        Tablespace(TarFiles tar) {
            this.tar = tar;
        }
    }

    private TarBackupFiles(TarFiles base, Map<String, Tablespace> tablespaces) {
        this.base = base;
        this.tablespaces = tablespaces;
    }

    /** The backup whose main archive is {@code baseTar}, with the tablespaces' tars beside it. */
    static PgDataFiles open(Path baseTar) throws IOException {
        Map<String, Tablespace> tablespaces = new TreeMap<>();
        Path dir = baseTar.toAbsolutePath().getParent();
        if (dir != null) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                for (Path p : s) {
                    Matcher m = TABLESPACE_TAR.matcher(p.getFileName().toString());
                    if (m.matches() && Files.isRegularFile(p)) {
                        // one tar per tablespace; pg_basebackup writes one form of it
                        tablespaces.putIfAbsent("pg_tblspc/" + Long.parseLong(m.group(1)) + "/",
                            new Tablespace(new TarFiles(p)));
                    }
                }
            }
        }
        return new TarBackupFiles(new TarFiles(baseTar), tablespaces);
    }

    @Override
    public String describe() {
        return base.describe();
    }

    @Override
    public void prefetch(Predicate<String> wanted) throws IOException {
        base.prefetch(wanted);
        for (Map.Entry<String, Tablespace> e : tablespaces.entrySet()) {
            if (e.getValue().used) {
                String prefix = e.getKey();
                e.getValue().tar.prefetch(n -> wanted.test(prefix + n));
            }
        }
    }

    @Override
    public byte[] read(String path) throws IOException {
        Map.Entry<String, Tablespace> e = tablespaceOf(path);
        return e == null ? base.read(path) : e.getValue().tar.read(path.substring(e.getKey().length()));
    }

    @Override
    public List<String> list(String dir) throws IOException {
        Map.Entry<String, Tablespace> e = tablespaceOf(dir + "/");
        if (e == null) {
            return base.list(dir);
        }
        String within = dir.length() < e.getKey().length() ? "" : dir.substring(e.getKey().length()); // "" for its root
        return e.getValue().tar.list(within);
    }

    /** The tablespace a path is under ("pg_tblspc/OID/..."), now marked as asked for; null for base.tar's. */
    private Map.Entry<String, Tablespace> tablespaceOf(String path) {
        for (Map.Entry<String, Tablespace> e : tablespaces.entrySet()) {
            if (path.startsWith(e.getKey())) {
                e.getValue().used = true;
                return e;
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        base.close();
        for (Tablespace t : tablespaces.values()) {
            t.tar.close();
        }
    }
}
