package org.xlogminer.mine;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.TreeMap;

import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.reader.SegmentSource;

/**
 * The bounds of a window of commit times from an index ({@link WalIndexFile}) instead of the
 * search: exact, as the index has the earliest and latest commit time of every segment. The start
 * is the first segment after the last one whose commits, and those of every segment before it,
 * are all before {@code from}; the end is the first segment from which on every commit is at or
 * after {@code to}. Every segment whose entry decides it must be in the index with its file
 * unchanged (stamps compared: see {@link SegmentIndexEntry}); else the answer is null, with the
 * reason in {@link #problem()}, and the caller searches instead.
 *
 * <p>Single-threaded.
 */
public final class IndexedSeek {

    private final SegmentSource source;
    private final TreeMap<Long, SegmentIndexEntry> entries;
    private final long[] segnos;
    private final boolean[] checked;
    private String problem;

    public IndexedSeek(SegmentSource source, WalIndexFile.Contents index) {
        this.source = source;
        this.entries = index.segmentSize() == source.segmentSize() ? index.entries() : new TreeMap<>();
        if (index.segmentSize() != source.segmentSize()) {
            problem = "its segment size is " + index.segmentSize() + ", the WAL's " + source.segmentSize();
        }
        long[] s = new long[(int) Math.max(0, source.lastSegno() - source.firstSegno() + 1)];
        int n = 0;
        for (long g = source.firstSegno(); g >= 0 && g <= source.lastSegno(); g++) {
            if (source.contains(g)) {
                s[n++] = g;
            }
        }
        this.segnos = java.util.Arrays.copyOf(s, n);
        this.checked = new boolean[n];
    }

    /** Why the last answer was null. */
    public String problem() {
        return problem;
    }

    /** The start (as {@link TimeSeek#start}), or null when the index cannot say. */
    public TimeSeek.Found start(Instant from) throws IOException {
        if (problem != null) {
            return null;
        }
        long bound = TimeSeek.micros(from);
        int last = -1; // the last index whose segment and all before it commit before `from`
        for (int i = 0; i < segnos.length; i++) {
            SegmentIndexEntry e = valid(i);
            if (e == null) {
                return null;
            }
            if (e.commits() > 0 && e.maxCommit() >= bound) {
                break;
            }
            last = i;
        }
        if (last < 0) {
            return new TimeSeek.Found(0, 0, segnos.length, "by the index, the first segment has a commit at or after it");
        }
        if (last == segnos.length - 1) {
            return new TimeSeek.Found(source.lastSegno() * source.segmentSize(), 0, segnos.length,
                "by the index, no commit is at or after it");
        }
        long lsn = segnos[last + 1] * source.segmentSize();
        return new TimeSeek.Found(lsn, 0, segnos.length, "by the index, every commit before " + Lsn.format(lsn)
            + " is before it", lastCheckpoint(last));
    }

    /**
     * The last checkpoint of the segments up to index i (all checked), or null: the one to start
     * at, which the miner then need not look for.
     */
    private Checkpoints.Checkpoint lastCheckpoint(int i) {
        for (int k = i; k >= 0; k--) {
            java.util.List<SegmentIndexEntry.IndexedCheckpoint> cps = entries.get(segnos[k]).checkpoints();
            if (!cps.isEmpty()) {
                return cps.get(cps.size() - 1).checkpoint();
            }
        }
        return null;
    }

    /** The end (as {@link TimeSeek#end}), or null when the index cannot say. */
    public TimeSeek.Found end(Instant to) throws IOException {
        if (problem != null) {
            return null;
        }
        long bound = TimeSeek.micros(to);
        int first = segnos.length; // the first index from which on every commit is at or after `to`
        for (int i = segnos.length - 1; i >= 0; i--) {
            SegmentIndexEntry e = valid(i);
            if (e == null) {
                return null;
            }
            if (e.commits() > 0 && e.minCommit() < bound) {
                break;
            }
            first = i;
        }
        if (first >= segnos.length) {
            return new TimeSeek.Found(0, 0, segnos.length, "by the index, a commit before it is in the last segment");
        }
        if (first == 0) {
            return new TimeSeek.Found(0, 0, segnos.length, "by the index, every commit is at or after it (reading on)");
        }
        long lsn = segnos[first] * source.segmentSize();
        return new TimeSeek.Found(lsn, 0, segnos.length, "by the index, every commit from " + Lsn.format(lsn)
            + " on is at or after it");
    }

    /** The entry of segment index i when its file is the one indexed; else null, with the problem set. */
    private SegmentIndexEntry valid(int i) throws IOException {
        long g = segnos[i];
        SegmentIndexEntry e = entries.get(g);
        if (e == null) {
            problem = "segment " + source.segmentName(g) + " is not in it";
            return null;
        }
        if (!checked[i]) {
            Path f = source.file(g);
            if (f == null || !SegmentIndexEntry.Stamp.of(f).equals(e.stamp())) {
                problem = "the file of segment " + source.segmentName(g) + " changed since it was indexed";
                return null;
            }
            checked[i] = true;
        }
        return e;
    }
}
