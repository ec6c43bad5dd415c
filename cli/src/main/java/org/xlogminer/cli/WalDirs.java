package org.xlogminer.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.xlogminer.wal.archive.SegmentSources;
import org.xlogminer.wal.reader.SegmentSource;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The {@code --wal-dir} options of a command, checked and opened as one segment source. */
final class WalDirs {

    /** The option's description, the same for every command. */
    static final String DESCRIPTION = "Directory of WAL segment files (repeatable): pg_wal, an archive (plain or compressed"
        + " segments, by content: gzip, bzip2, xz, lzma, lz4, zstd, snappy), a pgBackRest <repo>/archive/<stanza>, or a Barman"
        + " server's wals/.";

    private WalDirs() {
    }

    static SegmentSource open(CommandSpec spec, List<Path> dirs, int timeline) throws IOException {
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) {
                throw new ParameterException(spec.commandLine(), "--wal-dir " + d + " is not a directory");
            }
        }
        return SegmentSources.open(dirs, timeline);
    }
}
