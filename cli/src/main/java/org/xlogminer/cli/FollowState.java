package org.xlogminer.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.xlogminer.wal.Lsn;

/**
 * The state file of {@code xlogminer follow}: one line, the commit LSN of the last transaction
 * written out (e.g. {@code 0/1A2B3C40}), or a later LSN up to which the followed database committed
 * nothing (written once per checkpoint while it is quiet, so that the slot moves on). Replaced whole (a temporary file beside it, then a rename),
 * so that it always holds one position or the one before.
 *
 * <p>Not thread-safe: the mining thread writes it.
 */
final class FollowState {

    private final Path file;
    private final Path temp;

    FollowState(Path file) {
        this.file = file;
        this.temp = file.resolveSibling(file.getFileName() + ".tmp");
    }

    /** The position saved, or 0 when there is no state file yet. */
    long read() throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).trim();
        try {
            return Lsn.parse(text).value();
        } catch (IllegalArgumentException e) {
            throw new IOException("state file " + file + " does not hold an LSN: '" + text + "'");
        }
    }

    void write(long commitLsn) throws IOException {
        Files.writeString(temp, Lsn.format(commitLsn) + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
