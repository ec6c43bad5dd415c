package org.xlogminer.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.xlogminer.event.TableName;
import org.xlogminer.stats.AccidentFlags;
import org.xlogminer.stats.IntervalCounts;
import org.xlogminer.wal.Lsn;

/** The sections of {@code stats} that help find an accident: what looks like one, and changes over time. */
final class StatsReport {

    private StatsReport() {
    }

    /** "# possible accidents", when there are any (else nothing: the output stays as it was). */
    static void accidents(PrintWriter out, List<AccidentFlags.Flag> flags, long bigRows) {
        if (flags.isEmpty()) {
            return;
        }
        out.println();
        out.println("# possible accidents");
        out.printf("%-12s %-12s %-30s %-40s %s%n", "xid", "commit_lsn", "commit_time", "table", "what");
        for (AccidentFlags.Flag f : flags) {
            String what = f.what().equals("truncate") ? "emptied by TRUNCATE at " + Lsn.format(f.firstLsn())
                : f.rows() + " rows " + past(f.what()) + " in one burst" + (f.wholeTable() ? (f.what().equals("delete")
                    ? ": the table emptied" : ": every row of the table") + " (it had about " + Math.round(f.tableRows())
                    + ")" : "") + (f.rows() > bigRows ? " (more than --big-txn-rows " + bigRows
                    + ")" : "") + ", " + Lsn.format(f.firstLsn()) + " .. " + Lsn.format(f.lastLsn());
            out.printf("%-12d %-12s %-30s %-40s %s%n", f.tx().xid(), Lsn.format(f.tx().commitLsn()), f.tx().commitTime(),
                f.table(), what);
        }
    }

    /** "# changes per minute|hour": one line per interval and table changed in it. */
    static void intervals(PrintWriter out, IntervalCounts counts, String unit) {
        out.println();
        out.println("# changes per " + unit + " (commit time, UTC)");
        out.printf("%-22s %-40s %10s %10s %10s %9s %10s%n", "interval", "table", "inserts", "updates", "deletes",
            "truncates", "total");
        for (Map.Entry<Instant, Map<TableName, IntervalCounts.Counts>> e : counts.intervals().entrySet()) {
            for (Map.Entry<TableName, IntervalCounts.Counts> t : e.getValue().entrySet()) {
                IntervalCounts.Counts c = t.getValue();
                out.printf("%-22s %-40s %10d %10d %10d %9d %10d%n", e.getKey(), t.getKey(), c.inserts(), c.updates(),
                    c.deletes(), c.truncates(), c.total());
            }
        }
    }

    private static String past(String op) {
        return switch (op) {
            case "insert" -> "inserted";
            case "update" -> "updated";
            default -> "deleted";
        };
    }
}
