package org.xlogminer.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.xlogminer.wal.Lsn;

/**
 * The {@code range.txt} the bench scripts write next to the segments they copy: {@code key=LSN}
 * lines ({@code start_lsn}, {@code run_start_lsn}, {@code end_lsn}, ...).
 */
final class RangeFile {

    private RangeFile() {
    }

    /** The WAL directory of a benchmark parameter: relative paths are from the repository root. */
    static Path walDir(String walDir, String script) throws IOException {
        Path dir = Path.of(walDir);
        if (!dir.isAbsolute()) {
            dir = RepositoryRoot.find().resolve(dir);
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no WAL directory " + dir + ": run " + script + " first, or pass -p walDir=DIR");
        }
        return dir;
    }

    /**
     * {startKey's LSN, end_lsn} of the directory's range.txt.
     *
     * @throws IllegalStateException when the file or one of the two lines is missing
     */
    static long[] range(Path dir, String startKey) throws IOException {
        Path rangeFile = dir.resolve("range.txt");
        if (!Files.isRegularFile(rangeFile)) {
            throw new IllegalStateException("no " + rangeFile);
        }
        long start = 0;
        long end = 0;
        for (String line : Files.readAllLines(rangeFile)) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = line.substring(0, eq).trim();
            if (key.equals(startKey)) {
                start = Lsn.parse(line.substring(eq + 1).trim()).value();
            } else if (key.equals("end_lsn")) {
                end = Lsn.parse(line.substring(eq + 1).trim()).value();
            }
        }
        if (start == 0 || end == 0) {
            throw new IllegalStateException(rangeFile + " has no " + startKey + "= or end_lsn= line");
        }
        return new long[] {start, end};
    }

    /** The start key of a benchmark's {@code range} parameter: all (from the load on) or run. */
    static String startKey(String range) {
        return switch (range) {
            case "all" -> "start_lsn";
            case "run" -> "run_start_lsn";
            default -> throw new IllegalArgumentException("range must be all or run, not " + range);
        };
    }
}
