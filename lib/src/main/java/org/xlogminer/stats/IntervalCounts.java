package org.xlogminer.stats;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import org.xlogminer.event.RowChange;
import org.xlogminer.event.TableName;
import org.xlogminer.event.TransactionInfo;

/**
 * Row changes per table per interval of commit time (a minute, an hour), so that a spike shows.
 * A TRUNCATE counts once for each table it names. Not thread-safe: one consumer.
 */
public final class IntervalCounts {

    /** Inserts, updates, deletes and truncates of one table in one interval. */
    public static final class Counts {
        long inserts;
        long updates;
        long deletes;
        long truncates;

        public long inserts() {
            return inserts;
        }

        public long updates() {
            return updates;
        }

        public long deletes() {
            return deletes;
        }

        public long truncates() {
            return truncates;
        }

        public long total() {
            return inserts + updates + deletes + truncates;
        }
    }

    private final ChronoUnit unit;
    private final TreeMap<Instant, Map<TableName, Counts>> intervals = new TreeMap<>();
    /** The interval and table counted last: most changes come in runs of one table in one interval. */
    private Instant lastStart;
    private String lastSchema;
    private String lastTable;
    private Counts last;

    /** @param unit {@link ChronoUnit#MINUTES} or {@link ChronoUnit#HOURS} */
    public IntervalCounts(ChronoUnit unit) {
        if (unit != ChronoUnit.MINUTES && unit != ChronoUnit.HOURS) {
            throw new IllegalArgumentException("minutes or hours, not " + unit);
        }
        this.unit = unit;
    }

    public void change(TransactionInfo tx, RowChange c) {
        Instant start = tx.commitTime().truncatedTo(unit);
        if (c instanceof RowChange.Truncate t) {
            for (TableName n : t.tables()) {
                counts(start, n).truncates++;
            }
            last = null;
            return;
        }
        Counts k = last;
        if (k == null || !start.equals(lastStart) || c.source().table() != lastTable
            || c.source().schema() != lastSchema) {
            k = counts(start, new TableName(c.source().schema(), c.source().table()));
            lastStart = start;
            lastSchema = c.source().schema();
            lastTable = c.source().table();
            last = k;
        }
        if (c instanceof RowChange.Insert) {
            k.inserts++;
        } else if (c instanceof RowChange.Update) {
            k.updates++;
        } else {
            k.deletes++;
        }
    }

    /** Interval start (UTC) to the counts of each table changed in it; intervals in time order. */
    public TreeMap<Instant, Map<TableName, Counts>> intervals() {
        return intervals;
    }

    private Counts counts(Instant start, TableName table) {
        return intervals.computeIfAbsent(start, k -> new LinkedHashMap<>()).computeIfAbsent(table, k -> new Counts());
    }
}
