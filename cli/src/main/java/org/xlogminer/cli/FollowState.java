package org.xlogminer.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.xlogminer.wal.Lsn;

/**
 * The state file of {@code xlogminer follow}: the commit LSN of the last transaction written out
 * (e.g. {@code 0/1A2B3C40}), or a later LSN up to which the followed database committed nothing
 * (written once per checkpoint while it is quiet, so that the slot moves on), on the first line;
 * on the second, the timeline that LSN is on ({@code timeline 2}), so that a follow started again
 * after a failover knows whether its position lies on the new primary's history (a file of one line
 * is read as of an unknown timeline, the first server's). Replaced whole (a temporary file beside
 * it, then a rename), so that it always holds one position or the one before.
 *
 * <p>Not thread-safe: the mining thread writes it.
 */
final class FollowState {

    private static final String TIMELINE = "timeline ";

    /** A saved position: the LSN, and its timeline (0: not known). */
    record Saved(long lsn, int timeline) {
    }

    private final Path file;
    private final Path temp;

    FollowState(Path file) {
        this.file = file;
        this.temp = file.resolveSibling(file.getFileName() + ".tmp");
    }

    /** The position saved, or (0, 0) when there is no state file yet. */
    Saved read() throws IOException {
        if (!Files.exists(file)) {
            return new Saved(0, 0);
        }
        String[] lines = Files.readString(file, StandardCharsets.UTF_8).strip().split("\\R");
        long lsn;
        try {
            lsn = Lsn.parse(lines[0].strip()).value();
        } catch (IllegalArgumentException e) {
            throw new IOException("state file " + file + " does not hold an LSN: '" + lines[0] + "'");
        }
        int timeline = 0;
        if (lines.length > 1) {
            String t = lines[1].strip();
            try {
                timeline = t.startsWith(TIMELINE) ? Integer.parseUnsignedInt(t.substring(TIMELINE.length())) : 0;
            } catch (NumberFormatException e) {
                timeline = 0;
            }
            if (timeline == 0) {
                throw new IOException("state file " + file + ": the second line is not 'timeline N': '" + t + "'");
            }
        }
        return new Saved(lsn, timeline);
    }

    /** Saves the position: an LSN on this timeline (0: not known, then written without). */
    void write(long lsn, int timeline) throws IOException {
        String text = Lsn.format(lsn) + "\n" + (timeline == 0 ? "" : TIMELINE + Integer.toUnsignedString(timeline) + "\n");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
