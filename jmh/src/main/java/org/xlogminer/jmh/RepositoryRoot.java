package org.xlogminer.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository root, so benchmarks can name the WAL under {@code bench/cache/}. */
final class RepositoryRoot {

    private RepositoryRoot() {
    }

    /**
     * The nearest directory at or above {@code user.dir} that holds the {@code xlogminer} launcher
     * and a {@code pom.xml} with {@code <modules>}.
     *
     * @throws IllegalStateException when there is none
     */
    static Path find() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (isRoot(dir)) {
                return dir;
            }
        }
        throw new IllegalStateException("no xlogminer repository root at or above " + start
            + ": run from inside the repository, or pass an absolute -p walDir=DIR");
    }

    private static boolean isRoot(Path dir) {
        Path pom = dir.resolve("pom.xml");
        if (!Files.isRegularFile(dir.resolve("xlogminer")) || !Files.isRegularFile(pom)) {
            return false;
        }
        try {
            return Files.readString(pom).contains("<modules>");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
