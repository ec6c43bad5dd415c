package org.xlogminer.wal.archive;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A timeline history file as found in pg_wal or an archive: {@code <8 hex digits>.history}, the
 * timeline it is the history of, optionally compressed by an archiver ({@code [.<ext>]}, a hint only:
 * the first bytes decide, as for segments). Immutable.
 *
 * @param path        the file
 * @param timeline    the timeline its name says it is the history of
 * @param compression how the file is stored, from its first bytes
 */
public record HistoryFile(Path path, int timeline, Compression compression) {

    private static final Pattern NAME = Pattern.compile(
        "([0-9A-Fa-f]{8})\\.history(?:\\.(?:" + SegmentFile.EXTENSIONS + "))?");

    /** What the file name says, or null when it is not a history file's name. */
    static HistoryFile parse(Path path, Compression compression) {
        Matcher m = NAME.matcher(path.getFileName().toString());
        if (!m.matches()) {
            return null;
        }
        return new HistoryFile(path, (int) Long.parseLong(m.group(1), 16), compression);
    }

    /** Whether the file name is that of a history file (see the class comment). */
    static boolean isHistoryFileName(String fileName) {
        return NAME.matcher(fileName).matches();
    }

    /** The name PostgreSQL gives the history file of a timeline ({@code TLHistoryFileName}). */
    public static String nameOf(int timeline) {
        return String.format(Locale.ROOT, "%08X.history", timeline);
    }

    /** For messages: the file's path. */
    @Override
    public String toString() {
        return path.toString();
    }
}
