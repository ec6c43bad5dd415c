package org.xlogminer.cli;

import java.util.ArrayList;
import java.util.List;

import org.xlogminer.oracle.OracleRecord;
import org.xlogminer.wal.Lsn;

/** Parses a line of {@code xlogminer records} back into fields, to compare with an oracle. */
final class RecordLine {

    private RecordLine() {
    }

    static OracleRecord parse(String line) {
        String[] parts = line.split(" \\| ");
        String[] h = parts[0].split(" ");
        // LSN prev PREV RMGR TYPE xid X len L main M [origin O] [top T]
        if (!h[1].equals("prev") || !h[5].equals("xid") || !h[7].equals("len") || !h[9].equals("main")) {
            throw new AssertionError("unexpected records line: " + line);
        }
        List<OracleRecord.OracleBlock> blocks = new ArrayList<>();
        int fpi = 0;
        for (int k = 1; k < parts.length; k++) {
            String[] t = parts[k].split(" ");
            // #ID rel S/D/R FORK blk N [data D] [image LEN METHOD [hole OFF+LEN] [noapply]] [init]
            String[] rel = t[2].split("/");
            Integer imgLen = null, holeOff = null, holeLen = null, data = 0;
            String method = null;
            Boolean apply = null;
            boolean image = false;
            for (int j = 6; j < t.length; j++) {
                switch (t[j]) {
                    case "data": data = Integer.parseInt(t[++j]); break;
                    case "image":
                        image = true;
                        imgLen = Integer.parseInt(t[++j]);
                        method = t[++j];
                        holeOff = 0;
                        holeLen = 0;
                        apply = true;
                        fpi += imgLen;
                        break;
                    case "hole": {
                        String[] hl = t[++j].split("\\+");
                        holeOff = Integer.parseInt(hl[0]);
                        holeLen = Integer.parseInt(hl[1]);
                        break;
                    }
                    case "noapply": apply = false; break;
                    case "init": break;
                    default: throw new AssertionError("unexpected token '" + t[j] + "' in " + line);
                }
            }
            blocks.add(new OracleRecord.OracleBlock(Integer.parseInt(t[0].substring(1)), Long.parseLong(rel[0]),
                Long.parseLong(rel[1]), Long.parseLong(rel[2]), t[3], Long.parseLong(t[5]),
                image, imgLen, holeOff, holeLen, method, apply, data, null));
        }
        return new OracleRecord(Lsn.parse(h[0]).value(), Lsn.parse(h[2]).value(), h[3], h[4], Long.parseLong(h[6]),
            Integer.parseInt(h[8]), Integer.parseInt(h[10]), fpi, blocks);
    }
}
