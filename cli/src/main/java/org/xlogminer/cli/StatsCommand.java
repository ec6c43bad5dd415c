package org.xlogminer.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.TableName;
import org.xlogminer.event.ChangeHandler;
import org.xlogminer.event.TransactionInfo;
import org.xlogminer.mine.Miner;
import org.xlogminer.render.ChangeFilter;
import org.xlogminer.stats.AccidentFlags;
import org.xlogminer.stats.IntervalCounts;
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.reader.TimelineHistory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code xlogminer stats}: counts per table and per transaction, to find the accident. */
@Command(name = "stats", mixinStandardHelpOptions = true,
    description = "Counts inserts, updates, deletes and truncates per table and per transaction, with first/last LSN and commit time.")
final class StatsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    MiningOptions options;

    @Option(names = "--top", paramLabel = "N", defaultValue = "20",
        description = "Transactions to list, the largest first (default ${DEFAULT-VALUE}; 0: all, in commit order).")
    int top;

    enum Interval { minute, hour }

    @Option(names = "--big-txn-rows", paramLabel = "N", defaultValue = "10000",
        description = "Flag a burst of more row changes than this: consecutive changes of one operation to one table "
            + "in one transaction, as one statement makes them (default ${DEFAULT-VALUE}).")
    long bigTxnRows;

    @Option(names = "--by", paramLabel = "UNIT", description = "Also print the changes per table per minute or hour "
        + "of commit time (UTC): minute or hour.")
    Interval by;

    static final class Counts {
        long inserts, updates, deletes, truncates;
        long firstLsn, lastLsn;
        Instant firstTime, lastTime;

        void add(RowChange c, TransactionInfo tx) {
            if (c instanceof RowChange.Insert) {
                inserts++;
            } else if (c instanceof RowChange.Update) {
                updates++;
            } else if (c instanceof RowChange.Delete) {
                deletes++;
            } else {
                truncates++;
            }
            if (firstLsn == 0) {
                firstLsn = c.source().lsn();
                firstTime = tx.commitTime();
            }
            lastLsn = c.source().lsn();
            lastTime = tx.commitTime();
        }

        long total() {
            return inserts + updates + deletes + truncates;
        }
    }

    /** A transaction's counts; {@code seq} is its place in commit order. */
    record TxCounts(long seq, TransactionInfo tx, Counts counts, List<TableName> tables) {
    }

    /**
     * The transactions to list: all of them in commit order (top 0), or the {@code top} largest,
     * the earlier first among equals, kept in a bounded heap as they come, so that a long WAL does
     * not hold every transaction's counts in memory (they were most of what the collector copied).
     */
    static final class Listed {
        /** The heap's head is the one to drop first: the smallest, the later among equals. */
        private static final java.util.Comparator<TxCounts> WORST_FIRST = java.util.Comparator
            .comparingLong((TxCounts t) -> t.counts().total()).thenComparing(TxCounts::seq, java.util.Comparator.reverseOrder());

        private final int top;
        private final List<TxCounts> all = new ArrayList<>();
        private final java.util.PriorityQueue<TxCounts> largest;

        Listed(int top) {
            this.top = top;
            this.largest = new java.util.PriorityQueue<>(Math.max(1, top), WORST_FIRST);
        }

        void add(TxCounts t) {
            if (top <= 0) {
                all.add(t);
            } else if (largest.size() < top) {
                largest.add(t);
            } else if (WORST_FIRST.compare(t, largest.peek()) > 0) {
                largest.poll();
                largest.add(t);
            }
        }

        /** Commit order for top 0, else the largest first (the earlier first among equals). */
        List<TxCounts> list() {
            if (top <= 0) {
                return all;
            }
            List<TxCounts> l = new ArrayList<>(largest);
            l.sort(WORST_FIRST.reversed());
            return l;
        }
    }

    /** A table's name and counters, found by the catalog's own name Strings. */
    private record Table(String schema, TableName name, Counts counts) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        org.xlogminer.mine.CatalogPrePass.Start start = options.catalogStart(spec);
        CatalogSnapshot catalog = start.catalog();
        ChangeFilter filter = options.filter(spec);
        Map<TableName, Counts> perTable = new LinkedHashMap<>();
        Listed perTx = new Listed(top);
        if (bigTxnRows < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--big-txn-rows " + bigTxnRows
                + ": expected a number of rows, 1 or more");
        }
        AccidentFlags flags = new AccidentFlags(bigTxnRows, t -> {
            org.xlogminer.catalog.TableInfo info = catalog.table(t.schema() + "." + t.name());
            return info == null ? -1 : info.rowEstimate();
        });
        List<org.xlogminer.event.SchemaChange> schemaChanges = new ArrayList<>();
        IntervalCounts intervals = by == null ? null
            : new IntervalCounts(by == Interval.minute ? java.time.temporal.ChronoUnit.MINUTES : java.time.temporal.ChronoUnit.HOURS);
        try (Miner miner = options.miner(spec, catalog, false); Progress progress = Progress.of(miner, "mining")) {
            // counting runs on a second core, beside the mining (as MineCommand's writing does)
            ChangeHandler counting = filter.filtering(new ChangeHandler() {
                private Counts txc;
                private long seq;
                private List<TableName> names;
                private final java.util.IdentityHashMap<String, Table> byName = new java.util.IdentityHashMap<>();

                @Override
                public void begin(TransactionInfo tx) {
                    txc = new Counts();
                    names = new ArrayList<>(4);
                }

                @Override
                public void change(TransactionInfo tx, RowChange c) {
                    String schema = c.source().schema();
                    String table = c.source().table();
                    // the names are the catalog's own Strings: found by identity, then by value
                    Table known = byName.get(table);
                    if (known == null || known.schema() != schema) {
                        TableName t = new TableName(schema, table);
                        known = new Table(schema, t, perTable.computeIfAbsent(t, k -> new Counts()));
                        byName.put(table, known);
                    }
                    if (!names.contains(known.name())) {
                        names.add(known.name());
                    }
                    known.counts().add(c, tx);
                    if (c instanceof RowChange.Truncate tr) { // listed with the schema changes too
                        for (TableName n : tr.tables()) {
                            schemaChanges.add(new org.xlogminer.event.SchemaChange(tx.commitLsn(), tx.xid(), n.schema(),
                                n.name(), org.xlogminer.event.SchemaChange.Kind.TABLE_TRUNCATED, "table truncated"));
                        }
                    }
                    txc.add(c, tx);
                    flags.change(tx, c);
                    if (intervals != null) {
                        intervals.change(tx, c);
                    }
                }

                @Override
                public void schemaChange(TransactionInfo tx, org.xlogminer.event.SchemaChange c) {
                    schemaChanges.add(c);
                }

                @Override
                public void end(TransactionInfo tx) {
                    if (txc.total() > 0) { // a transaction of schema changes alone is listed with them
                        perTx.add(new TxCounts(seq++, tx, txc, names));
                    }
                    flags.end(tx);
                }
            });
            MiningOptions.streamBeside(miner, counting);
            out.println("# per table");
            out.printf("%-40s %10s %10s %10s %9s  %-12s %-12s %s%n", "table", "inserts", "updates", "deletes", "truncates",
                "first_lsn", "last_lsn", "first_commit .. last_commit");
            perTable.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue().total(), a.getValue().total()))
                .forEach(e -> {
                    Counts c = e.getValue();
                    out.printf("%-40s %10d %10d %10d %9d  %-12s %-12s %s .. %s%n", e.getKey(), c.inserts, c.updates,
                        c.deletes, c.truncates, Lsn.format(c.firstLsn), Lsn.format(c.lastLsn), c.firstTime, c.lastTime);
                });
            out.println();
            out.println("# per transaction" + (top > 0 ? " (the " + top + " largest)" : ""));
            // a timeline column only when the range crosses a timeline switch
            TimelineHistory timelines = options.timelinesToName();
            out.printf("%-12s %-12s " + (timelines != null ? "%-8s " : "%s") + "%-30s %10s %10s %10s %9s  %s%n", "xid",
                "commit_lsn", timelines != null ? "timeline" : "", "commit_time", "inserts", "updates", "deletes", "truncates", "tables");
            List<TxCounts> list = perTx.list();
            for (TxCounts t : list) {
                Counts c = t.counts;
                String tables = t.tables.stream().map(TableName::toString).collect(java.util.stream.Collectors.joining(","));
                String tli = timelines == null ? "" : String.format("%-8s ", Integer.toUnsignedString(timelines.timelineAt(t.tx.commitLsn())));
                out.printf("%-12d %-12s %s%-30s %10d %10d %10d %9d  %s%s%n", t.tx.xid(), Lsn.format(t.tx.commitLsn()),
                    tli, t.tx.commitTime(), c.inserts, c.updates, c.deletes, c.truncates, tables,
                    t.tx.incomplete() ? " (incomplete)" : "");
            }
            schemaChanges(out, schemaChanges);
            StatsReport.accidents(out, flags.flags(), bigTxnRows);
            if (intervals != null) {
                StatsReport.intervals(out, intervals, by.name());
            }
            out.flush();
            return options.report(spec.commandLine().getErr(), miner, catalog);
        }
    }

    /**
     * A line per schema change committed in the range, as the miner followed the catalog (from a
     * snapshot taken before the range, or from the earliest catalog a walk back of one taken after
     * it found), as {@code mine} shows them, and a line per table a TRUNCATE emptied (mine shows it
     * as a change of its own; here it is counted as one too).
     */
    private static void schemaChanges(PrintWriter out, List<org.xlogminer.event.SchemaChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        out.println();
        out.println("# schema changes");
        out.printf("%-12s %-12s %-22s %s%n", "xid", "commit_lsn", "kind", "table: detail");
        for (org.xlogminer.event.SchemaChange e : changes) {
            out.printf("%-12d %-12s %-22s %s%n", e.xid(), Lsn.format(e.commitLsn()), e.kind().jsonName(),
                e.toString().replace('\n', ' '));
        }
    }
}
