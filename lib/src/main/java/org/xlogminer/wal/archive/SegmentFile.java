package org.xlogminer.wal.archive;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.xlogminer.wal.reader.SegmentName;

/**
 * One file that holds a WAL segment, as found in a pg_wal directory or an archive, with what its
 * name and first bytes say about it. Immutable.
 *
 * <p>Names: {@code <segment>[.partial][-<sha1>][.<ext>]}, where {@code <segment>} is the 24
 * hexadecimal digits of {@link SegmentName}; {@code .partial} marks a segment that was not
 * complete when it was copied (pg_receivewal, a promoted standby's last segment of the old
 * timeline); {@code -<sha1>} is the 40 hexadecimal digits of the SHA-1 of the uncompressed segment
 * that pgBackRest puts into its file names; {@code <ext>} one of the compression suffixes of
 * {@link #EXTENSIONS} (a hint only: the first bytes decide). Anything else (a {@code .backup}
 * label, a {@code .history} file, {@code archive.info}, {@code .ready} status files) is not a
 * segment.
 *
 * @param path        the file
 * @param name        the segment's name, 24 upper-case hexadecimal digits
 * @param partial     whether the name ends in {@code .partial}
 * @param sha1        the SHA-1 the name carries (lower case), or null
 * @param compression how the file is stored, from its first bytes
 */
public record SegmentFile(Path path, String name, boolean partial, String sha1, Compression compression) {

    /** Suffixes that archivers give compressed segments. */
    static final String EXTENSIONS = "gz|bz2|xz|lzma|lz4|zst|zstd|snappy|br";

    private static final Pattern NAME = Pattern.compile(
        "([0-9A-Fa-f]{24})(\\.partial)?(?:-([0-9A-Fa-f]{40}))?(?:\\.(?:" + EXTENSIONS + "))?");

    /** What the file name says, or null when it is not a segment's name. */
    static SegmentFile parse(Path path, Compression compression) {
        Matcher m = NAME.matcher(path.getFileName().toString());
        if (!m.matches()) {
            return null;
        }
        String sha1 = m.group(3) == null ? null : m.group(3).toLowerCase(java.util.Locale.ROOT);
        return new SegmentFile(path, m.group(1).toUpperCase(java.util.Locale.ROOT), m.group(2) != null, sha1, compression);
    }

    /** Whether the file name is that of a segment (see the class comment). */
    static boolean isSegmentFileName(String fileName) {
        return NAME.matcher(fileName).matches();
    }

    public int timeline() {
        return SegmentName.timeline(name);
    }

    public long segno(int segmentSize) {
        return SegmentName.segno(name, segmentSize);
    }

    /** Whether the file is the segment as it is: no compression, no checksum to verify. */
    public boolean plain() {
        return compression == Compression.NONE && sha1 == null;
    }

    /** For messages: the file's path. */
    @Override
    public String toString() {
        return path.toString();
    }
}
