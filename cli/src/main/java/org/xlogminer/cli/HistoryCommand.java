package org.xlogminer.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.event.ChangeHandler;
import org.xlogminer.event.TableName;
import org.xlogminer.forensics.HistoryText;
import org.xlogminer.forensics.RowHistory;
import org.xlogminer.mine.Miner;
import org.xlogminer.render.JsonLinesWriter;
import org.xlogminer.render.SqlRenderer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code xlogminer history}: every change of one row, oldest first, its key followed when it changes. */
@Command(name = "history", mixinStandardHelpOptions = true,
    description = {"Prints every change of one row in the range, oldest first: LSN, xid, commit time, operation,",
        "and the values before and after (changed columns marked). The row is named by --table and its identity",
        "key (--key COLUMN=VALUE for each key column, the value as PostgreSQL prints it); a changed key is followed."})
final class HistoryCommand implements Callable<Integer> {

    enum Format { text, json }

    enum Color { auto, always, never }

    @Spec
    CommandSpec spec;

    @Mixin
    MiningOptions options;

    @Option(names = "--key", required = true, paramLabel = "COLUMN=VALUE",
        description = "A column of the table's primary key or replica identity index and the row's value of it, "
            + "as PostgreSQL prints it (repeatable: one per key column; quote a column name with capitals: "
            + "'\"Id\"=42').")
    List<String> keys = new ArrayList<>();

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
        description = "text (default) or json (one object per change, as mine --format json).")
    Format format;

    @Option(names = "--color", defaultValue = "auto", paramLabel = "WHEN",
        description = "Highlight changed columns: auto (default: when a terminal), always, never.")
    Color color;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (options.tables.size() != 1) {
            throw new ParameterException(spec.commandLine(), "history needs exactly one --table");
        }
        TableName table = MiningOptions.parseTable(spec, options.tables.get(0));
        Map<String, String> key = new LinkedHashMap<>();
        for (String k : keys) {
            int eq = k.indexOf('=');
            if (eq <= 0) {
                throw new ParameterException(spec.commandLine(), "--key " + k + ": expected COLUMN=VALUE");
            }
            String column = k.substring(0, eq);
            if (column.length() > 1 && column.startsWith("\"") && column.endsWith("\"")) {
                column = column.substring(1, column.length() - 1).replace("\"\"", "\"");
            } else {
                column = column.toLowerCase(java.util.Locale.ROOT); // as SQL folds an unquoted name
            }
            if (key.put(column, k.substring(eq + 1)) != null) {
                throw new ParameterException(spec.commandLine(), "--key " + column + " given twice");
            }
        }
        CatalogSnapshot catalog = options.catalog(spec);
        List<String> keyColumns;
        try {
            keyColumns = RowHistory.keyColumns(catalog, table);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--table " + options.tables.get(0) + ": " + e.getMessage());
        }
        boolean terminal = color == Color.always || color == Color.auto && System.console() != null;
        ChangeHandler printer = format == Format.json
            ? new JsonLinesWriter(out, SqlRenderer.forCatalog(catalog, false))
            : new HistoryText(out, keyColumns, terminal);
        RowHistory history;
        try {
            history = RowHistory.of(catalog, table, key, printer);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--key: " + e.getMessage());
        }
        String asked = history.key().text(keyColumns);
        try (Miner miner = options.miner(spec, catalog); Progress progress = Progress.of(miner, "mining")) {
            MiningOptions.streamBeside(miner, options.filter(spec).filtering(history));
            out.flush();
            err.println("xlogminer: " + history.changes() + " changes of row " + asked + " of " + table
                + (history.key().text(keyColumns).equals(asked) ? "" : " (its key is now "
                + history.key().text(keyColumns) + ")"));
            return options.report(err, miner, catalog);
        }
    }
}
