package org.xlogminer.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.mine.Miner;
import org.xlogminer.render.ChangeFilter;
import org.xlogminer.render.JsonLinesWriter;
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
        CatalogSnapshot catalog = options.catalog(spec);
        ChangeFilter filter = options.filter(spec);
        // JSON's per-change "undo" stays unguarded: a guarded statement needs its script's check function
        boolean guarded = undo && format == Format.sql;
        SqlRenderer renderer = SqlRenderer.forCatalog(catalog, changedColumns,
            guarded ? undoOptions.undoGuard() : UndoGuard.NONE, undoOptions.skipConflicts(), undoOptions.perChange());
        try (Miner miner = options.miner(spec, catalog); Progress progress = Progress.of(miner, "mining")) {
            // mining on this thread, rendering and writing on another: two cores
            if (format == Format.json) {
                MiningOptions.streamBeside(miner, filter.filtering(new JsonLinesWriter(out, renderer)));
                out.flush();
            } else {
                ScriptOutput script = new ScriptOutput(out, output.bytes(), output.channel());
                try (SqlScriptWriter sql = new SqlScriptWriter(script, renderer, undo,
                    Path.of(System.getProperty("java.io.tmpdir")))) {
                    if (options.timelinesToName() != null) {
                        sql.namingTimelines(options.timelinesToName());
                    }
                    MiningOptions.streamBeside(miner, filter.filtering(sql));
                    sql.finish();
                }
            }
            return options.report(err, miner, catalog);
        }
    }
}
