package org.xlogminer.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.timeline.CatalogTimeline;
import org.xlogminer.catalog.timeline.NewestNames;
import org.xlogminer.catalog.timeline.UnknownHistory;
import org.xlogminer.event.SchemaChange;
import org.xlogminer.mine.CatalogPrePass;
import org.xlogminer.mine.Miner;
import org.xlogminer.render.ChangeFilter;
import org.xlogminer.render.ScriptOutput;
import org.xlogminer.render.SqlRenderer;
import org.xlogminer.render.SqlScriptWriter;
import org.xlogminer.render.UndoGuard;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code xlogminer [mine]}: REDO or UNDO SQL (or JSON lines) of the committed row changes. */
@Command(name = "mine", mixinStandardHelpOptions = true,
    description = {"Prints the row changes of committed transactions as REDO SQL (default), UNDO SQL (--undo) or JSON lines.",
        "SQL is psql-ready: a BEGIN/COMMIT block per transaction; UNDO lists transactions and statements newest first,",
        "guarded so that it never overwrites a later change, as one transaction (see --undo-guard)."})
final class MineCommand implements Callable<Integer> {

    enum Format { sql, json }

    private final CommandOutput output;

    @Spec
    CommandSpec spec;

    @Mixin
    MiningOptions options;

    @Option(names = "--undo", description = "Print the statements that undo the changes.")
    boolean undo;

    @Mixin
    UndoOptions undoOptions;

    @Option(names = "--format", defaultValue = "sql", paramLabel = "FORMAT", description = "sql (default) or json.")
    Format format;

    @Option(names = "--changed-columns", description = "UPDATE sets only the columns that changed (default: all).")
    boolean changedColumns;

    /** @param output where the script goes: the command line's out writer, and what is beneath it */
    MineCommand(CommandOutput output) {
        this.output = output;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = output.writer();
        PrintWriter err = spec.commandLine().getErr();
        CatalogPrePass.Start start = options.catalogStart(spec);
        CatalogSnapshot catalog = start.catalog();
        ChangeFilter filter = options.filter(spec);
        // UNDO names tables and columns as the newest catalog known does: a walk back read up to it
        NewestNames names = undo && start.timeline() != null ? NewestNames.of(start.timeline()) : null;
        long covered = start.timeline() != null ? start.timeline().newest().captureLsn() : 0;
        for (boolean again = false; ; again = true) {
            SqlRenderer renderer = renderer(catalog, names, start.unknown());
            try (Miner miner = options.miner(spec, catalog); Progress progress = Progress.of(miner, "mining")) {
                // mining on this thread, rendering and writing on another: two cores
                if (format == Format.json) {
                    MiningOptions.streamBeside(miner, filter.filtering(output.jsonLines(renderer)));
                    out.flush();
                } else {
                    ScriptOutput script = new ScriptOutput(out, output.bytes(), output.channel());
                    try (SqlScriptWriter sql = new SqlScriptWriter(script, renderer, undo,
                        Path.of(System.getProperty("java.io.tmpdir")))) {
                        if (options.timelinesToName() != null) {
                            sql.namingTimelines(options.timelinesToName());
                        }
                        MiningOptions.streamBeside(miner, filter.filtering(sql));
                        NewestNames later = again || !undo ? null : renamedAfter(miner.catalogTimeline(), covered);
                        if (later != null) {
                            // nothing is written before finish(): mined again, UNDO naming them as they are now
                            err.println("xlogminer: tables or columns were renamed or dropped in the range after "
                                + "the newest catalog given: mining again to name them in UNDO as they are now");
                            names = later;
                            continue;
                        }
                        sql.finish();
                    }
                }
                int code = options.report(err, miner, catalog);
                if (start.unknown() != null && !start.unknown().marked().isEmpty()) {
                    err.println("xlogminer: warning: the rows of " + String.join(", ", start.unknown().marked())
                        + " are marked incomplete: their schema history is not known");
                }
                return code;
            }
        }
    }

    private SqlRenderer renderer(CatalogSnapshot catalog, NewestNames names, UnknownHistory unknown) {
        // JSON's per-change "undo" stays unguarded: a guarded statement needs its script's check function
        boolean guarded = undo && format == Format.sql;
        return SqlRenderer.forCatalog(catalog, names, unknown, changedColumns,
            guarded ? undoOptions.undoGuard() : UndoGuard.NONE, undoOptions.skipConflicts(), undoOptions.perChange());
    }

    /**
     * The newest names of the run's timeline when a table or column was renamed or dropped by a
     * commit after {@code covered} (what the names UNDO was written with knew); else null.
     */
    private static NewestNames renamedAfter(CatalogTimeline timeline, long covered) {
        if (timeline == null) {
            return null;
        }
        for (SchemaChange e : timeline.events()) {
            if (Long.compareUnsigned(e.commitLsn(), covered) > 0) {
                switch (e.kind()) {
                    case TABLE_DROPPED, TABLE_RENAMED, COLUMN_DROPPED, COLUMN_RENAMED -> {
                        return NewestNames.of(timeline);
                    }
                    default -> { }
                }
            }
        }
        return null;
    }
}
