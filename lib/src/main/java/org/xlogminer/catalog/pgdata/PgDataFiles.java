package org.xlogminer.catalog.pgdata;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

import org.xlogminer.catalog.pgdata.PgDataException.Kind;

/**
 * The files of a data directory, wherever they are kept: a directory (a stopped cluster's, or a
 * plain-format base backup) or the {@code base.tar} of a tar-format base backup, plain or
 * compressed. Paths are relative to the data directory, with {@code /}: {@code global/pg_control}.
 */
interface PgDataFiles extends Closeable {

    /**
     * The names a tar-format base backup's main archive has in its directory, looked for in this
     * order: pg_basebackup's (plain, {@code -z}, {@code --compress=lz4}, {@code zstd}), then the
     * usual ones of a tar compressed afterwards.
     */
    List<String> TAR_NAMES = List.of("base.tar", "base.tar.gz", "base.tar.lz4", "base.tar.zst", "base.tgz",
        "base.tar.bz2", "base.tar.xz");

    /** Where the files are, for messages. */
    String describe();

    /** The whole file, or null when there is none. */
    byte[] read(String path) throws IOException;

    /** The names of the entries directly in directory {@code dir} ("" for the top), sorted. */
    List<String> list(String dir) throws IOException;

    /**
     * Says which files will be read next, so that a tar archive is read once for all of them
     * (nothing to do for a directory).
     */
    default void prefetch(Predicate<String> wanted) throws IOException {
    }

    /**
     * Opens a data directory, a directory holding {@code base.tar} (plain or compressed:
     * {@link #TAR_NAMES}), or such a tar file itself (its compression told by its magic bytes).
     *
     * @throws PgDataException NOT_A_DATA_DIRECTORY when it is none of them
     */
    static PgDataFiles open(Path path) throws IOException {
        if (Files.isRegularFile(path)) {
            return TarBackupFiles.open(path);
        }
        if (!Files.isDirectory(path)) {
            throw new PgDataException(Kind.NOT_A_DATA_DIRECTORY, path.toString(), "no such file or directory");
        }
        if (Files.exists(path.resolve("global/pg_control")) || Files.exists(path.resolve("PG_VERSION"))) {
            return new DirectoryFiles(path);
        }
        for (String name : TAR_NAMES) {
            if (Files.isRegularFile(path.resolve(name))) {
                return TarBackupFiles.open(path.resolve(name));
            }
        }
        throw new PgDataException(Kind.NOT_A_DATA_DIRECTORY, path.toString(),
            "not a data directory (no PG_VERSION, no global/pg_control) nor a tar-format base backup (no base.tar)");
    }
}
