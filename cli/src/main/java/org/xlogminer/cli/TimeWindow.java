package org.xlogminer.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.xlogminer.mine.Checkpoints;
import org.xlogminer.mine.IndexedSeek;
import org.xlogminer.mine.Miner;
import org.xlogminer.mine.WalIndexFile;
import org.xlogminer.mine.TimeSeek;
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.reader.SegmentSource;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Where {@code --from-time}/{@code --to-time} put the reading, when no {@code --from-lsn}/
 * {@code --to-lsn} does: found by {@link TimeSeek}'s search over segment heads, and said on
 * stderr in one line per bound. The transactions are still filtered by commit time (ChangeFilter);
 * this only spares reading the WAL before and after the window.
 *
 * @param fromLsn  the start LSN found (0: the first segment)
 * @param toLsn    the end LSN found (0: the end of the WAL)
 * @param fromWhy  why, for stderr (null when --from-time was not asked for, or --from-lsn was)
 * @param toWhy    why, for stderr (null likewise)
 * @param checkpoint the last checkpoint before fromLsn when the index knows it, else null
 */
record TimeWindow(long fromLsn, long toLsn, String fromWhy, String toWhy, Checkpoints.Checkpoint checkpoint) {

    static final TimeWindow NONE = new TimeWindow(0, 0, null, null, null);

    static TimeWindow find(CommandSpec spec, SegmentSource source, MiningOptions o) throws IOException {
        Instant from = o.fromLsn == null ? MiningOptions.time(spec, "--from-time", o.fromTime) : null;
        Instant to = o.toLsn == null ? MiningOptions.time(spec, "--to-time", o.toTime) : null;
        if (from == null && to == null) {
            return NONE;
        }
        Path file = o.index != null ? o.index : o.walDirs.get(0).resolve(IndexCommand.DEFAULT_NAME);
        TimeSeek.Found start = null;
        TimeSeek.Found end = null;
        String indexNote = "";
        if (o.index != null || Files.isRegularFile(file)) {
            if (!Files.isRegularFile(file)) {
                throw new ParameterException(spec.commandLine(), "--index " + file + " is not a file");
            }
            IndexedSeek indexed;
            try {
                indexed = new IndexedSeek(source, WalIndexFile.read(file));
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "--index: " + e.getMessage());
            }
            start = from == null ? null : indexed.start(from);
            end = to == null || (from != null && start == null) ? null : indexed.end(to);
            if ((from != null && start == null) || (to != null && end == null)) {
                indexNote = "; index " + file + " not used: " + indexed.problem();
                start = null;
                end = null;
            } else {
                indexNote = " (index " + file + ")";
            }
        }
        if ((from != null && start == null) || (to != null && end == null)) {
            TimeSeek seek = new TimeSeek(source);
            start = from == null ? null : seek.start(from);
            end = to == null ? null : seek.end(to);
        }
        return new TimeWindow(start == null ? 0 : start.lsn(), end == null ? 0 : end.lsn(),
            start == null ? null : "--from-time " + o.fromTime + ": " + start.why() + heads(start) + indexNote,
            end == null ? null : "--to-time " + o.toTime + ": "
                + (end.lsn() != 0 ? "reading stops before " + Lsn.format(end.lsn()) + ": " : "") + end.why() + heads(end)
                + (start == null ? indexNote : ""), start == null ? null : start.checkpoint());
    }

    private static String heads(TimeSeek.Found f) {
        return f.sampled() == 0 ? "" : " (" + f.sampled() + " of " + f.segments() + " segment heads read)";
    }

    /** The lines on stderr: where reading started and why, where it stops and why. */
    void report(PrintWriter err, Miner miner) {
        if (fromWhy != null) {
            err.println("xlogminer: reading from " + Lsn.format(miner.startPosition())
                + (fromLsn != 0 && miner.startPosition() != fromLsn ? ", the REDO point of the last checkpoint before "
                + Lsn.format(fromLsn) : "") + ": " + fromWhy);
        }
        if (toWhy != null) {
            err.println("xlogminer: " + toWhy);
        }
    }
}
