package org.xlogminer.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.reader.EndOfWal;
import org.xlogminer.wal.reader.RecordLineFormatter;
import org.xlogminer.wal.reader.SegmentSource;
import org.xlogminer.wal.reader.TimelineHistory;
import org.xlogminer.wal.reader.WalReader;
import org.xlogminer.wal.reader.XLogRecordView;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code xlogminer records}: one line per WAL record. */
@Command(name = "records",
    mixinStandardHelpOptions = true,
    description = {
        "Lists WAL records, one line each: LSN, prev LSN, resource manager, record type, xid, total length,",
        "main-data length, then per block reference: relation (tablespace/database/relfilenode), fork, block,",
        "data length, and an image's stored length, compression and hole."})
final class RecordsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--wal-dir", required = true, paramLabel = "DIR", description = WalDirs.DESCRIPTION)
    List<Path> walDirs;

    @Option(names = "--from-lsn", paramLabel = "LSN",
        description = "Start at the first record at or after this LSN (default: the first record of the first segment).")
    Lsn fromLsn;

    @Option(names = "--to-lsn", paramLabel = "LSN",
        description = "Stop before the first record that starts at or after this LSN (default: the end of valid WAL).")
    Lsn toLsn;

    @Option(names = "--timeline", paramLabel = "TLI",
        description = "Timeline to read, following its history (default: the highest a segment or history file is of).")
    int timeline;

    @Option(names = "--no-crc", negatable = false, description = "Do not verify record checksums.")
    boolean noCrc;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long from = fromLsn == null ? 0 : fromLsn.value();
        long to = toLsn == null ? 0 : toLsn.value();
        if (to != 0 && Long.compareUnsigned(from, to) >= 0 && from != 0) {
            throw new ParameterException(spec.commandLine(), "--from-lsn must be before --to-lsn");
        }
        SegmentSource source = WalDirs.open(spec, walDirs, timeline);
        RecordLineFormatter formatter = new RecordLineFormatter();
        StringBuilder line = new StringBuilder(256);
        try (WalReader reader = WalReader.builder(source).startLsn(from).endLsn(to).verifyCrc(!noCrc).build()) {
            XLogRecordView r;
            int tli = 0;
            while ((r = reader.next()) != null) {
                line.setLength(0);
                if (reader.timeline() != tli) {
                    if (tli != 0) {
                        appendSwitch(line, tli, reader);
                    }
                    tli = reader.timeline();
                }
                formatter.append(line, r);
                line.append('\n');
                out.append(line);
            }
            out.flush();
            EndOfWal end = reader.endOfWal();
            err.println("xlogminer: " + reader.recordsRead() + " records; " + end);
            if (to != 0 && end.reason() != EndOfWal.Reason.END_LSN_REACHED) {
                err.println("xlogminer: error: WAL ends at " + Lsn.format(end.lsn()) + " (segment " + end.segment()
                    + "), before --to-lsn " + Lsn.format(to));
                return Main.EXIT_BAD_WAL;
            }
        }
        return Main.EXIT_OK;
    }

    /**
     * The line before the first record of another timeline: {@code -- timeline switch: 1 -> 2 at
     * 0/030000A8 (00000002.history)}, the LSN being the switch point.
     */
    static void appendSwitch(StringBuilder line, int from, WalReader reader) {
        TimelineHistory h = reader.history();
        line.append("-- timeline switch: ").append(Integer.toUnsignedString(from)).append(" -> ")
            .append(Integer.toUnsignedString(reader.timeline())).append(" at ");
        Lsn.appendTo(line, h.beginOf(reader.timeline()));
        if (h.source() != null) {
            line.append(" (").append(java.nio.file.Path.of(h.source()).getFileName()).append(')');
        }
        line.append('\n');
    }
}
