package org.xlogminer.cli;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;

import org.xlogminer.catalog.CatalogConnector.Login;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.forensics.UndoCheck;
import org.xlogminer.forensics.UndoCheckQuery;
import org.xlogminer.forensics.UndoCheckReport;
import org.xlogminer.forensics.UndoCheckWriter;
import org.xlogminer.mine.Miner;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code xlogminer check-undo}: whether guarded UNDO of the selection would apply to the database
 * as it is now, row by row, through one read-only repeatable-read session.
 */
@Command(name = "check-undo", mixinStandardHelpOptions = true,
    description = {"Checks, before applying UNDO, each row the selected changes touched against the database now:",
        "still as the selection left it (its UNDO applies), changed since in a column the UNDO compares (a conflict,",
        "shown then and now), gone (deleted since), or, for a deleted row, there again. One read-only REPEATABLE READ",
        "transaction; never writes. Exit 0 when every row's UNDO applies, 4 when some do not."})
final class CheckUndoCommand implements Callable<Integer> {

    enum Format { text, json }

    @Spec
    CommandSpec spec;

    @Mixin
    MiningOptions options;

    @Option(names = "--jdbc-url", required = true, paramLabel = "URL",
        description = "The database the UNDO would be applied to, e.g. jdbc:postgresql://db.example:5432/shop")
    String jdbcUrl;

    @Option(names = "--user", paramLabel = "USER",
        description = "User to connect as (default: user= in the URL, else PGUSER, else the OS user).")
    String user;

    @Option(names = "--undo-guard", defaultValue = "changed", paramLabel = "GUARD",
        description = "The guard the UNDO is written with: changed (default): the columns each change changed are "
            + "compared; all or none: every column (none: what unguarded UNDO would overwrite).")
    UndoOptions.Guard guard;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT", description = "text (default) or json.")
    Format format;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CatalogSnapshot catalog = options.catalog(spec);
        Login login = JdbcSession.login(spec, jdbcUrl, user);
        UndoCheck check = UndoCheck.forCatalog(catalog, guard.guard);
        try (Connection c = JdbcSession.connect(login, "xlogminer check-undo", err)) {
            if (c == null) {
                return Main.EXIT_RUNTIME;
            }
            try (Miner miner = options.miner(spec, catalog); Progress progress = Progress.of(miner, "mining")) {
                MiningOptions.streamBeside(miner, options.filter(spec).filtering(check));
                int code = options.report(err, miner, catalog);
                if (code != Main.EXIT_OK) {
                    return code;
                }
            }
            UndoCheckReport report;
            try {
                report = UndoCheckQuery.run(c, check);
            } catch (SQLException e) {
                err.println("xlogminer: error: checking against " + login.describe() + " failed: " + JdbcSession.oneLine(e));
                return Main.EXIT_RUNTIME;
            } catch (IllegalStateException e) {
                err.println("xlogminer: error: " + e.getMessage());
                return Main.EXIT_RUNTIME;
            }
            if (format == Format.json) {
                UndoCheckWriter.json(report, out);
            } else {
                UndoCheckWriter.text(report, out);
            }
            out.flush();
            err.println("xlogminer: checked against " + login.describe() + " in one read-only snapshot: "
                + report.problems().size() + " rows whose UNDO would not apply");
            return report.allApplicable() ? Main.EXIT_OK : Main.EXIT_CONFLICTS;
        }
    }
}
