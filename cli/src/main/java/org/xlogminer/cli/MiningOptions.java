package org.xlogminer.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.xlogminer.catalog.CatalogJson;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.mine.CatalogPrePass;
import org.xlogminer.event.AsyncChangeHandler;
import org.xlogminer.event.ChangeHandler;
import org.xlogminer.event.TableName;
import org.xlogminer.filter.RowPredicate;
import org.xlogminer.filter.WhereException;
import org.xlogminer.mine.Miner;
import org.xlogminer.mine.MinerBuilder;
import org.xlogminer.render.ChangeFilter;
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.reader.SegmentSource;
import org.xlogminer.wal.reader.TimelineHistory;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The options mine and stats share: where the WAL and catalog are, and which changes to show. */
final class MiningOptions {

    @Option(names = "--wal-dir", required = true, paramLabel = "DIR", description = WalDirs.DESCRIPTION)
    List<Path> walDirs;

    @Option(names = "--catalog", required = true, paramLabel = "FILE",
        description = "Catalog snapshot (xlogminer catalog -o FILE) of the database the WAL is from; repeatable. "
            + "One captured after --from-lsn is walked back to it through the WAL up to its capture.")
    List<Path> catalogFiles = new ArrayList<>();

    @Option(names = "--from-lsn", paramLabel = "LSN", description = "Show transactions that commit at or after this LSN.")
    Lsn fromLsn;

    @Option(names = "--to-lsn", paramLabel = "LSN", description = "Read WAL records that start before this LSN.")
    Lsn toLsn;

    @Option(names = "--from-time", paramLabel = "TIME",
        description = "Show transactions committed at or after this time (ISO-8601; without an offset: UTC).")
    String fromTime;

    @Option(names = "--to-time", paramLabel = "TIME", description = "Show transactions committed before this time.")
    String toTime;

    @Option(names = "--index", paramLabel = "FILE",
        description = "Index (xlogminer index) to find the --from-time/--to-time window by (default: "
            + IndexCommand.DEFAULT_NAME + " in the first --wal-dir, when there); without one, or when stale: a search.")
    Path index;

    @Option(names = "--xid", paramLabel = "XID", description = "Show only this transaction (repeatable).")
    List<Long> xids = new ArrayList<>();

    @Option(names = "--table", paramLabel = "SCHEMA.NAME",
        description = "Show only this table (repeatable); quote names with dots: '\"my.schema\".t'.")
    List<String> tables = new ArrayList<>();

    @Option(names = "--op", split = ",", paramLabel = "OP", description = "Operations to show: insert,update,delete,truncate,ddl (schema changes).")
    List<String> ops = new ArrayList<>();

    @Option(names = "--where", paramLabel = "EXPR",
        description = "Show only the row changes for which this SQL condition on their columns is true, e.g. "
            + "\"new.balance = 0 AND old.balance <> 0\"; a bare column is the new value (the old one of a DELETE). "
            + "See docs/where.md.")
    String where;

    /** The --where predicate, made by {@link #filter}; its counts go into {@link #report}. */
    private RowPredicate predicate;

    /** The catalog {@link #catalog} chose, that {@link #filter} checks --where against. */
    private CatalogSnapshot chosenCatalog;

    @Option(names = "--include-aborted", description = "Show aborted transactions too (marked, ending in ROLLBACK).")
    boolean includeAborted;

    @Option(names = "--include-system-catalogs",
        description = "Also show the row changes of pg_catalog and information_schema tables (what DDL did).")
    boolean includeSystemCatalogs;

    @Option(names = "--timeline", paramLabel = "TLI",
        description = "Timeline to read, following its history (default: the highest a segment or history file is of).")
    int timeline;

    /** The history of the timeline of the last source opened for mining. */
    private TimelineHistory history;
    /** Where the last source opened for mining starts. */
    private long sourceStart;

    @Option(names = "--memory-mb", paramLabel = "MB",
        description = "Memory for open transactions before they spill to disk (default: an eighth of the heap, at most 256).")
    long memoryMb;

    /**
     * The catalog mining starts from: the one given, as it is, when it was captured at or before
     * --from-lsn (or there is none); else chosen among those given and walked back through the WAL
     * ({@link CatalogPrePass}), with what is not known of it on stderr.
     */
    CatalogSnapshot catalog(CommandSpec spec) throws java.io.IOException {
        return catalogStart(spec).catalog();
    }

    /** The snapshots captured after the start catalog, which take over from their capture in mining. */
    private List<CatalogSnapshot> laterCatalogs = List.of();

    /**
     * As {@link #catalog}, with the rest of what the choice found: the later snapshots, the
     * timeline the walk back read, the tables whose history is not known.
     */
    CatalogPrePass.Start catalogStart(CommandSpec spec) throws java.io.IOException {
        List<CatalogSnapshot> snapshots = new ArrayList<>();
        for (Path f : catalogFiles) {
            if (!Files.isRegularFile(f)) {
                throw new ParameterException(spec.commandLine(), "--catalog " + f + " is not a file");
            }
            snapshots.add(CatalogJson.read(f));
        }
        CatalogSnapshot first = snapshots.get(0);
        if (snapshots.size() == 1 && (fromLsn == null || Long.compareUnsigned(first.captureLsn(), fromLsn.value()) <= 0)) {
            chosenCatalog = first;
            return new CatalogPrePass.Start(first, List.of());
        }
        CatalogPrePass.Start start = CatalogPrePass.startCatalog(WalDirs.open(spec, walDirs, timeline),
            snapshots, fromLsn == null ? 0 : fromLsn.value());
        for (String w : start.warnings()) {
            spec.commandLine().getErr().println("xlogminer: warning: " + w);
        }
        chosenCatalog = start.catalog();
        laterCatalogs = start.later();
        return start;
    }

    /**
     * Mines on this thread and hands the changes to the handler on a second one (two cores), then
     * waits until the handler has had them all; a failure of either is thrown here.
     */
    static void streamBeside(Miner miner, ChangeHandler handler) {
        try (AsyncChangeHandler async = new AsyncChangeHandler(handler)) {
            miner.stream(async);
            async.finish();
        }
    }

    Miner miner(CommandSpec spec, CatalogSnapshot catalog) throws java.io.IOException {
        return miner(spec, catalog, true);
    }

    /** A miner for these options; {@code values=false} for counting only (see MinerBuilder.values). */
    Miner miner(CommandSpec spec, CatalogSnapshot catalog, boolean values) throws java.io.IOException {
        for (String op : ops) {
            if (!Set.of("insert", "update", "delete", "truncate", "ddl").contains(op)) {
                throw new ParameterException(spec.commandLine(),
                    "--op " + op + ": expected insert, update, delete, truncate or ddl");
            }
        }
        SegmentSource source = WalDirs.open(spec, walDirs, timeline);
        history = source.history();
        sourceStart = source.firstSegno() * source.segmentSize();
        TimeWindow window = TimeWindow.find(spec, source, this);
        MinerBuilder b = Miner.builder(source, catalog)
            .fromLsn(fromLsn == null ? window.fromLsn() : fromLsn.value())
            .toLsn(toLsn == null ? window.toLsn() : toLsn.value())
            .startCheckpoint(fromLsn == null ? window.checkpoint() : null)
            .includeAborted(includeAborted)
            .includeSystemCatalogs(includeSystemCatalogs)
            .laterCatalogs(laterCatalogs)
            .values(values || where != null); // --where reads the values
        if (memoryMb > 0) {
            b.memoryBudget(memoryMb << 20);
        }
        if (!values && where == null) {
            b.rereadSource(WalDirs.open(spec, walDirs, timeline)); // the catalogs' page images, read again
        }
        Miner miner = b.build();
        window.report(spec.commandLine().getErr(), miner);
        return miner;
    }

    /**
     * The history to name each transaction's timeline by when the range mined crosses a timeline
     * switch; null when it lies on one timeline (outputs then stay as they always were). Known once
     * {@link #miner} has opened the WAL.
     */
    TimelineHistory timelinesToName() {
        long from = fromLsn == null ? sourceStart : Math.max(fromLsn.value(), sourceStart);
        return history != null && history.switchesBetween(from, toLsn == null ? 0 : toLsn.value()) ? history : null;
    }

    ChangeFilter filter(CommandSpec spec) {
        Set<TableName> names = new HashSet<>();
        for (String t : tables) {
            names.add(parseTable(spec, t));
        }
        return new ChangeFilter(new HashSet<>(xids), names, new HashSet<>(ops), time(spec, "--from-time", fromTime),
            time(spec, "--to-time", toTime), where(spec, names));
    }

    /** The --where predicate, checked against the tables mined (of the catalog chosen), or null. */
    private RowPredicate where(CommandSpec spec, Set<TableName> names) {
        if (where == null) {
            return null;
        }
        try {
            RowPredicate p = RowPredicate.parse(where);
            if (chosenCatalog != null) {
                p.check(chosenCatalog.tables().stream()
                    .filter(t -> t.relkind() != 't' && (includeSystemCatalogs || !t.isSystemCatalog()))
                    .filter(t -> names.isEmpty() || names.contains(new TableName(t.schema(), t.name())))
                    .toList(), chosenCatalog.types());
            }
            predicate = p;
            return p;
        } catch (WhereException e) {
            throw new ParameterException(spec.commandLine(), "--where " + where + ": " + e.getMessage());
        }
    }

    /** Writes the summary of a run to stderr; returns the exit code it calls for. */
    int report(PrintWriter err, Miner miner, CatalogSnapshot catalog) {
        Miner.MiningSummary s = miner.summary();
        err.println("xlogminer: " + s.transactions() + " transactions, " + s.rowChanges() + " row changes from "
            + s.recordsRead() + " records read from " + s.readStartText() + "; " + s.endOfWal());
        if (timelinesToName() != null) {
            err.println("xlogminer: read along the history of timeline " + Integer.toUnsignedString(history.timeline())
                + ": " + history);
        }
        s.unknownRelations().forEach((rel, n) -> err.println("xlogminer: relation " + rel
            + " is not in the catalog: " + n + " records skipped"));
        if (!s.otherDatabases().isEmpty()) {
            long n = s.otherDatabases().values().stream().mapToLong(Long::longValue).sum();
            err.println("xlogminer: " + n + " row records of other databases skipped (database OIDs "
                + s.otherDatabases().keySet() + "); the catalog is of database " + catalog.databaseName()
                + " (OID " + catalog.databaseOid() + ")");
            if (s.ownDatabaseRecords() == 0) {
                err.println("xlogminer: warning: no row changes of database " + catalog.databaseName()
                    + " in the WAL read: is the catalog of the right database?");
            }
        }
        if (s.openTransactions() > 0) {
            err.println("xlogminer: " + s.openTransactions() + " transactions had not ended where reading stopped (not shown)");
        }
        for (String w : s.warnings()) {
            err.println("xlogminer: warning: " + w);
        }
        if (predicate != null) {
            predicate.warnings().forEach(w -> err.println("xlogminer: warning: " + w));
            if (predicate.unrecoverable() > 0) {
                err.println("xlogminer: " + predicate.unrecoverable() + " row changes not selected by --where: a value it"
                    + " reads is not in the WAL read (unrecoverable old values)");
            }
            if (predicate.notEvaluable() > 0) {
                err.println("xlogminer: " + predicate.notEvaluable() + " row changes not selected by --where: it could"
                    + " not be evaluated on them (a cast failed)");
            }
        }
        if (toLsn != null && s.endOfWal() != null
            && s.endOfWal().reason() != org.xlogminer.wal.reader.EndOfWal.Reason.END_LSN_REACHED) {
            err.println("xlogminer: error: WAL ends at " + Lsn.format(s.endOfWal().lsn()) + " (segment "
                + s.endOfWal().segment() + "), before --to-lsn " + toLsn);
            return Main.EXIT_BAD_WAL;
        }
        return Main.EXIT_OK;
    }

    static Instant time(CommandSpec spec, String option, String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim().replace(' ', 'T');
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw new ParameterException(spec.commandLine(), option + " " + text
                    + ": expected a time such as 2026-11-17T14:30:00+01:00 or 2026-11-17 13:30:00 (UTC)");
            }
        }
    }

    /** schema.name, either part optionally double-quoted ("" inside quotes is a quote). */
    static TableName parseTable(CommandSpec spec, String text) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == '.') {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(Character.toLowerCase(ch));
            }
        }
        parts.add(cur.toString());
        if (quoted || parts.size() != 2 || parts.get(0).isEmpty() || parts.get(1).isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--table " + text + ": expected SCHEMA.NAME");
        }
        return new TableName(parts.get(0), parts.get(1));
    }
}
