package org.xlogminer.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import org.xlogminer.mine.SegmentIndexEntry;
import org.xlogminer.mine.WalIndexFile;
import org.xlogminer.mine.WalIndexer;
import org.xlogminer.wal.reader.SegmentSource;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code xlogminer index}: writes the index of a WAL archive that {@code --from-time} and
 * {@code --to-time} use to find their window without a search (see {@link WalIndexFile}). Run
 * again as the archive grows: segments already indexed with their files unchanged are kept, only
 * the others are read.
 */
@Command(name = "index", mixinStandardHelpOptions = true,
    description = {"Writes an index of the WAL: per segment its first and last record, commit times and checkpoints,",
        "so that --from-time/--to-time find their window without reading the WAL before it. Run again as the",
        "archive grows: only new or changed segments are read."})
final class IndexCommand implements Callable<Integer> {

    /** The index's name in the first --wal-dir, where mine and stats look for it without --index. */
    static final String DEFAULT_NAME = "xlogminer-wal-index.jsonl";

    @Spec
    CommandSpec spec;

    @Option(names = "--wal-dir", required = true, paramLabel = "DIR", description = WalDirs.DESCRIPTION)
    List<Path> walDirs;

    @Option(names = "--timeline", paramLabel = "TLI",
        description = "Timeline to read, following its history (default: the highest a segment or history file is of).")
    int timeline;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
        description = "The index file (default: " + DEFAULT_NAME + " in the first --wal-dir); an index there is updated.")
    Path output;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Path file = output != null ? output : walDirs.get(0).resolve(DEFAULT_NAME);
        TreeMap<Long, SegmentIndexEntry> earlier = new TreeMap<>();
        try (SegmentSource source = WalDirs.open(spec, walDirs, timeline)) {
            if (Files.exists(file)) {
                WalIndexFile.Contents c = WalIndexFile.read(file);
                if (c.segmentSize() == source.segmentSize()) {
                    earlier = c.entries();
                }
            }
            WalIndexer.Result r = WalIndexer.index(source, earlier);
            WalIndexFile.write(file, source.segmentSize(), r.entries());
            err.println("xlogminer: indexed " + r.entries().size() + " segments into " + file + " (" + r.read()
                + " read, " + r.kept() + " kept from the index there)");
        }
        return Main.EXIT_OK;
    }
}
