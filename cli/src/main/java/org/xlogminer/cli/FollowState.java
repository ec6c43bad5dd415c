package org.xlogminer.cli;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import org.xlogminer.wal.Lsn;

/**
 * The state file of {@code xlogminer follow}: the commit LSN of the last transaction written out
 * (e.g. {@code 0/1A2B3C40}), or a later LSN up to which the followed database committed nothing
 * (written once per checkpoint while it is quiet, so that the slot moves on), on the first line;
 * on the second, the timeline that LSN is on ({@code timeline 2}), so that a follow started again
 * after a failover knows whether its position lies on the new primary's history (a file of one line
 * is read as of an unknown timeline, the first server's). It always holds one position or the one
 * before: the first write of a run, and one that would make the file shorter, replace it whole (a
 * temporary file beside it, then a rename); the others, nearly all, write the new text over the
 * old in place with one write(2) of a few bytes (which a killed process does either whole or not
 * at all) through a channel kept open. A temporary file and a rename for every transaction took
 * some 100 µs of CPU each here, twice what follow spends on the transaction itself. Neither way
 * is synced to disk (a crash of the host may lose the last positions, as the output's own
 * buffers would).
 *
 * <p>Not thread-safe: the mining thread writes it. {@link #close()} closes the kept channel.
 */
final class FollowState implements Closeable {

    private static final String TIMELINE = "timeline ";

    /** A saved position: the LSN, and its timeline (0: not known). */
    record Saved(long lsn, int timeline) {
    }

    private final Path file;
    private final Path temp;
    /** Open on the file as last replaced, while this object writes it in place; else null. */
    private FileChannel inPlace;
    /** The length of the text last written. */
    private int length;

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
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (inPlace != null && bytes.length >= length) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                inPlace.write(b, b.position());
            }
            length = bytes.length;
            return;
        }
        close();
        Files.write(temp, bytes);
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        inPlace = FileChannel.open(file, StandardOpenOption.WRITE);
        length = bytes.length;
    }

    /** Closes the channel kept for writing in place (a later write replaces the file first). */
    @Override
    public void close() throws IOException {
        if (inPlace != null) {
            FileChannel c = inPlace;
            inPlace = null;
            c.close();
        }
    }
}
