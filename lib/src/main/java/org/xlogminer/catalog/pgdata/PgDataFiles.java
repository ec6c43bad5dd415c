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
 * plain-format base backup) or the {@code base.tar} / {@code base.tar.gz} of a tar-format base
 * backup. Paths are relative to the data directory, with {@code /}: {@code global/pg_control}.
 */
interface PgDataFiles extends Closeable {

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
     * Opens a data directory, a directory holding {@code base.tar} or {@code base.tar.gz}, or such a
     * tar file itself (gzip recognized by its magic bytes).
     *
     * @throws PgDataException NOT_A_DATA_DIRECTORY when it is none of them
     */
    static PgDataFiles open(Path path) throws IOException {
        if (Files.isRegularFile(path)) {
            return new TarFiles(path);
        }
        if (!Files.isDirectory(path)) {
            throw new PgDataException(Kind.NOT_A_DATA_DIRECTORY, path.toString(), "no such file or directory");
        }
        if (Files.exists(path.resolve("global/pg_control")) || Files.exists(path.resolve("PG_VERSION"))) {
            return new DirectoryFiles(path);
        }
        for (String name : new String[] {"base.tar", "base.tar.gz", "base.tgz"}) {
            if (Files.isRegularFile(path.resolve(name))) {
                return new TarFiles(path.resolve(name));
            }
        }
        throw new PgDataException(Kind.NOT_A_DATA_DIRECTORY, path.toString(),
            "not a data directory (no PG_VERSION, no global/pg_control) nor a tar-format base backup (no base.tar)");
    }
}
