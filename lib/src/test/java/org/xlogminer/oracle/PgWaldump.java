package org.xlogminer.oracle;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.xlogminer.testkit.PgBinaries;
import org.xlogminer.testkit.ProcessResult;
import org.xlogminer.wal.Lsn;

/**
 * Runs PostgreSQL 15's {@code pg_waldump --bkp-details} and parses its text
 * ({@code src/bin/pg_waldump/pg_waldump.c}, {@code XLogDumpDisplayRecord}).
 */
public final class PgWaldump {

    private static final Pattern HEADER = Pattern.compile(
        "rmgr: (\\S+)\\s+len \\(rec/tot\\):\\s*(\\d+)/\\s*(\\d+), tx:\\s*(\\d+), lsn: (\\S+), prev (\\S+), desc: (\\S+).*");
    private static final Pattern BLOCK = Pattern.compile(
        "\\s+blkref #(\\d+): rel (\\d+)/(\\d+)/(\\d+) fork (\\S+) blk (\\d+)"
            + "(?: \\(FPW( for WAL verification)?\\); hole: offset: (\\d+), length: (\\d+)"
            + "(?:, compression saved: (\\d+), method: (\\S+))?)?\\s*");

    private PgWaldump() {
    }

    /** Records starting at or after start and ending at or before end. */
    public static List<OracleRecord> records(Path walDir, long start, long end) {
        ProcessResult r = Processes.run(List.of(PgBinaries.pgWaldump().toString(), "--bkp-details",
            "--path=" + walDir, "--start=" + Lsn.format(start), "--end=" + Lsn.format(end)));
        if (r.exitCode() != 0) {
            throw new AssertionError("pg_waldump failed: " + r.stderr());
        }
        return parse(r.stdout());
    }

    public static List<OracleRecord> parse(String text) {
        List<OracleRecord> out = new ArrayList<>();
        String[] lines = text.split("\n");
        int i = 0;
        while (i < lines.length) {
            String line = lines[i++];
            if (line.isEmpty()) {
                continue;
            }
            Matcher h = HEADER.matcher(line);
            if (!h.matches()) {
                throw new AssertionError("unexpected pg_waldump line: " + line);
            }
            List<OracleRecord.OracleBlock> blocks = new ArrayList<>();
            while (i < lines.length && lines[i].startsWith("\tblkref")) {
                Matcher b = BLOCK.matcher(lines[i]);
                if (!b.matches()) {
                    throw new AssertionError("unexpected pg_waldump block line: " + lines[i]);
                }
                i++;
                boolean image = b.group(8) != null;
                Integer holeOff = null, holeLen = null, imgLen = null;
                String method = null;
                Boolean apply = null;
                if (image) {
                    holeOff = Integer.parseInt(b.group(8));
                    holeLen = Integer.parseInt(b.group(9));
                    method = b.group(11) == null ? "none" : b.group(11);
                    int saved = b.group(10) == null ? 0 : Integer.parseInt(b.group(10));
                    imgLen = 8192 - holeLen - saved;
                    apply = b.group(7) == null;
                }
                blocks.add(new OracleRecord.OracleBlock(Integer.parseInt(b.group(1)), Long.parseLong(b.group(2)),
                    Long.parseLong(b.group(3)), Long.parseLong(b.group(4)), b.group(5), Long.parseLong(b.group(6)),
                    image, imgLen, holeOff, holeLen, method, apply, null, null));
            }
            int rec = Integer.parseInt(h.group(2));
            int tot = Integer.parseInt(h.group(3));
            out.add(new OracleRecord(Lsn.parse(h.group(5)).value(), Lsn.parse(h.group(6)).value(), h.group(1),
                h.group(7), Long.parseLong(h.group(4)), tot, null, tot - rec, blocks));
        }
        return out;
    }
}
