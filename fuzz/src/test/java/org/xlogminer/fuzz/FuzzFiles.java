package org.xlogminer.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Temporary directories of the targets that read files: made once per JVM and deleted, with what
 * is left in them, when it exits (a fuzzing run under the jazzer driver runs no JUnit lifecycle).
 */
public final class FuzzFiles {

    private FuzzFiles() {
    }

    public static Path temporaryDirectory(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory left behind: nothing to report at exit
        }
    }
}
