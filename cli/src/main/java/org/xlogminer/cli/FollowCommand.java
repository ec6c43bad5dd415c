package org.xlogminer.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import org.xlogminer.catalog.CatalogConnector;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.event.ChangeHandler;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.SchemaChange;
import org.xlogminer.event.TableName;
import org.xlogminer.event.TransactionInfo;
import org.xlogminer.live.Follower;
import org.xlogminer.live.ReplicationDeniedException;
import org.xlogminer.render.ChangeFilter;
import org.xlogminer.render.ScriptOutput;
import org.xlogminer.render.SqlRenderer;
import org.xlogminer.render.SqlScriptWriter;
import org.xlogminer.render.UndoGuard;
import org.xlogminer.wal.Lsn;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code xlogminer follow}: the row changes of a live server as they commit, streamed over
 * physical replication, written as REDO SQL (or UNDO, or JSON lines) transaction by transaction.
 */
@Command(name = "follow", mixinStandardHelpOptions = true,
    description = {"Follows a live server over physical replication (a role with REPLICATION) and prints each committed",
        "transaction's row changes as it commits, as mine does: REDO SQL (default), UNDO SQL (--undo, each",
        "transaction's statements newest first) or JSON lines. Runs until SIGTERM or SIGINT, which end it after",
        "the transaction being written (exit 0). With --state-file it resumes after the last transaction written."})
final class FollowCommand implements Callable<Integer> {

    /**
     * Transactions written out together at most, and how long after the first: only while follow has
     * a backlog (it writes out whenever it has handled all that has arrived). Under pgbench's full
     * rate, a flush of stdout and a state file write per transaction was a quarter of follow's CPU.
     */
    static final int GROUP_MAX = 256;
    static final Duration GROUP_DELAY = Duration.ofMillis(20);

    private final CommandOutput output;

    @Spec
    CommandSpec spec;

    @Option(names = "--jdbc-url", required = true, paramLabel = "URL",
        description = "The database to follow, e.g. jdbc:postgresql://db.example:5432/shop")
    String jdbcUrl;

    @Option(names = "--user", paramLabel = "USER",
        description = "User to connect as, with REPLICATION (default: user= in the URL, else PGUSER, else the OS user).")
    String user;

    @Option(names = "--slot", paramLabel = "NAME",
        description = "Stream through this physical replication slot: the server keeps the WAL while xlogminer is away.")
    String slot;

    @Option(names = "--create-slot", description = "Create the --slot (RESERVE_WAL) unless it exists.")
    boolean createSlot;

    @Option(names = "--from-lsn", paramLabel = "LSN",
        description = "Without a saved state: show transactions that commit at or after this LSN (default: from now).")
    Lsn fromLsn;

    @Option(names = "--state-file", paramLabel = "FILE",
        description = "Keep the last commit LSN written here; when it exists, start after it.")
    Path stateFile;

    @Option(names = "--format", defaultValue = "sql", paramLabel = "FORMAT", description = "sql (default) or json.")
    MineCommand.Format format;

    @Option(names = "--undo", description = "Print the statements that undo each transaction (unguarded).")
    boolean undo;

    @Option(names = "--changed-columns", description = "UPDATE sets only the columns that changed (default: all).")
    boolean changedColumns;

    @Option(names = "--xid", paramLabel = "XID", description = "Show only this transaction (repeatable).")
    List<Long> xids = new ArrayList<>();

    @Option(names = "--table", paramLabel = "SCHEMA.NAME", description = "Show only this table (repeatable).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--op", split = ",", paramLabel = "OP", description = "Operations to show: insert,update,delete,truncate,ddl.")
    List<String> ops = new ArrayList<>();

    @Option(names = "--include-aborted", description = "Show aborted transactions too (marked, ending in ROLLBACK).")
    boolean includeAborted;

    @Option(names = "--include-system-catalogs", description = "Also show the row changes of the system catalogs.")
    boolean includeSystemCatalogs;

    @Option(names = "--memory-mb", paramLabel = "MB", description = "Memory for open transactions before they spill to disk.")
    long memoryMb;

    @Option(names = "--spool-mb", defaultValue = "1024", paramLabel = "MB",
        description = "Streamed WAL kept on disk (under java.io.tmpdir) before a new session starts after the last commit (default 1024).")
    long spoolMb;

    @Option(names = "--gather-ms", defaultValue = "3", paramLabel = "MS",
        description = "How long the WAL the server sends may gather before follow reads it: at most this much more delay"
            + " per transaction, for less CPU per transaction (default 3; 0: read at once).")
    long gatherMs;

    @Option(names = "--retry-seconds", defaultValue = "300", paramLabel = "S",
        description = "How long the server may stay away before follow gives up (default 300).")
    long retrySeconds;

    FollowCommand(CommandOutput output) {
        this.output = output;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = output.writer();
        PrintWriter err = spec.commandLine().getErr();
        CatalogConnector.Login login;
        try {
            login = CatalogConnector.resolve(jdbcUrl, user, System.getenv(), System.getProperty("user.home"));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (createSlot && slot == null) {
            throw new ParameterException(spec.commandLine(), "--create-slot needs --slot NAME");
        }
        FollowState state = stateFile == null ? null : new FollowState(stateFile);
        FollowState.Saved saved = state == null ? new FollowState.Saved(0, 0) : state.read();
        Follower.Builder b = Follower.builder(login).afterCommit(saved.lsn(), saved.timeline())
            .fromLsn(fromLsn == null ? 0 : fromLsn.value())
            .includeAborted(includeAborted).includeSystemCatalogs(includeSystemCatalogs)
            .memoryBudget(memoryMb << 20).retryFor(Duration.ofSeconds(retrySeconds)).spoolLimit(spoolMb << 20)
            .notices(n -> err.println("xlogminer: " + n))
            .groupCommits(GROUP_MAX, GROUP_DELAY);
        if (gatherMs < 0) {
            throw new ParameterException(spec.commandLine(), "--gather-ms must not be negative: " + gatherMs);
        }
        b.gatherFor(Duration.ofMillis(gatherMs));
        if (slot != null) {
            try {
                b.slot(slot, createSlot);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--slot " + e.getMessage());
            }
        }
        if (saved.lsn() != 0) {
            err.println("xlogminer: resuming after " + Lsn.format(saved.lsn()) + " (from " + stateFile + ")");
        }
        Follower follower = b.build();
        Runnable undoSignals = StopSignals.install(follower::stop);
        long[] written = new long[1];
        try {
            follower.follow(handler(out, follower, written), new Follower.Committed() {
                @Override
                public void committed(TransactionInfo tx) throws IOException {
                    out.flush();
                    if (out.checkError()) {
                        throw new IOException("writing the output failed (closed?)");
                    }
                    if (state != null) {
                        state.write(tx.commitLsn(), follower.timeline());
                    }
                }

                @Override
                public boolean groupFull() {
                    // written out before committed() stores the position, the group would come again
                    // after a crash: end it while the stdout buffer still has room for a transaction
                    return output.bytes() instanceof StdoutBuffer buffer && buffer.buffered() >= buffer.capacity() / 2;
                }

                @Override
                public boolean passed(long lsn) throws IOException {
                    if (state != null) {
                        state.write(lsn, follower.timeline()); // the followed database is quiet: the slot may move on
                    }
                    return true;
                }

                @Override
                public void timelineSwitched(int timeline, long position) throws IOException {
                    if (state != null) {
                        state.write(position, timeline); // a failover: the new timeline's transactions after it come next
                    }
                }
            });
        } catch (ReplicationDeniedException e) {
            err.println("xlogminer: error: " + e.getMessage());
            return Main.EXIT_NO_REPLICATION;
        } catch (SQLException e) {
            err.println("xlogminer: error: following " + login.describe() + " failed: " + e.getMessage());
            return Main.EXIT_RUNTIME;
        } finally {
            undoSignals.run();
            out.flush();
            if (state != null) {
                state.close();
            }
        }
        err.println("xlogminer: stopped after " + written[0] + " transactions; position "
            + Lsn.format(follower.position()));
        return Main.EXIT_OK;
    }

    /** What each transaction is written with, filtered. The catalog comes with the follower's session. */
    private ChangeHandler handler(PrintWriter out, Follower follower, long[] written) {
        Set<TableName> names = new HashSet<>();
        for (String t : tables) {
            names.add(MiningOptions.parseTable(spec, t));
        }
        for (String op : ops) {
            if (!Set.of("insert", "update", "delete", "truncate", "ddl").contains(op)) {
                throw new ParameterException(spec.commandLine(), "--op " + op + ": expected insert, update, delete, truncate or ddl");
            }
        }
        ChangeFilter filter = new ChangeFilter(new HashSet<>(xids), names, new HashSet<>(ops), null, null);
        return filter.filtering(new PerSession(out, follower, written));
    }

    /**
     * Renders with the catalog of the follower's current session (a session begins with a new
     * snapshot; the renderer takes its key columns). REDO and JSON are written as they come; UNDO
     * a transaction at a time, its statements newest first.
     */
    private final class PerSession implements ChangeHandler {
        private final PrintWriter out;
        private final Follower follower;
        private final Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        private CatalogSnapshot catalog;
        private SqlRenderer renderer;
        private ChangeHandler writer;
        private SqlScriptWriter undoScript;
        private final long[] written;

        PerSession(PrintWriter out, Follower follower, long[] written) {
            this.out = out;
            this.follower = follower;
            this.written = written;
        }

        @Override
        public void begin(TransactionInfo tx) {
            if (follower.catalog() != catalog) {
                catalog = follower.catalog();
                renderer = SqlRenderer.forCatalog(catalog, changedColumns, UndoGuard.NONE, false);
                writer = format == MineCommand.Format.json ? output.jsonLines(renderer)
                    : undo ? null : new SqlScriptWriter(new ScriptOutput(out), renderer, false, tmp);
            }
            if (writer == null) {
                undoScript = new SqlScriptWriter(new ScriptOutput(out), renderer, true, tmp);
            }
            current().begin(tx);
        }

        private ChangeHandler current() {
            return writer != null ? writer : undoScript;
        }

        @Override
        public void change(TransactionInfo tx, RowChange c) {
            current().change(tx, c);
        }

        @Override
        public void schemaChange(TransactionInfo tx, SchemaChange c) {
            current().schemaChange(tx, c);
        }

        @Override
        public void end(TransactionInfo tx) {
            current().end(tx);
            written[0]++;
            if (undoScript != null) {
                undoScript.finish();
                undoScript.close();
                undoScript = null;
            }
        }
    }
}
