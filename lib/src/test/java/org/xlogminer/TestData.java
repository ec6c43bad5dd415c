package org.xlogminer;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository's testdata/ from whichever module a test runs in. */
public final class TestData {

    private TestData() {
    }

    /** testdata/NAME, looked up from the working directory upwards. */
    public static Path dir(String name) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("testdata").resolve(name))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("testdata/" + name + " not found above " + Path.of("").toAbsolutePath());
        }
        return dir.resolve("testdata").resolve(name);
    }

    /** pg_wal/ of the shipped PostgreSQL 15 "UPDATE without WHERE" scenario. */
    public static Path accountsUpdateWal() {
        return dir("pg15-accounts-update").resolve("pg_wal");
    }
}
