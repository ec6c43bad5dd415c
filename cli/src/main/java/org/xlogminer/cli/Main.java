package org.xlogminer.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;

import org.xlogminer.wal.WalException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code xlogminer} command. Data goes to stdout, diagnostics to stderr. Exit codes: 0 ok,
 * 1 runtime error, 2 usage, 3 corrupt or incomplete WAL, 4 (check-undo) rows whose UNDO would not apply,
 * 5 a role that may not replicate (follow).
 */
@Command(name = "xlogminer",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Reads PostgreSQL 13-18 WAL segments and turns them into records, REDO and UNDO SQL.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:success",
        "1:runtime error (I/O, internal)",
        "2:usage error (bad option, a --catalog file that is not a catalog snapshot, a --where it cannot evaluate)",
        "3:corrupt or incomplete WAL (message names segment and LSN)",
        "4:check-undo: the UNDO of some rows would not apply (changed since, gone, or there again)",
        "5:follow: the role may not start replication (it needs REPLICATION)"})
public final class Main implements Callable<Integer> {

    public static final int EXIT_OK = 0;
    public static final int EXIT_RUNTIME = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_BAD_WAL = 3;
    public static final int EXIT_CONFLICTS = 4;
    public static final int EXIT_NO_REPLICATION = 5;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    public static void main(String[] args) {
        // stdout through one 64 kB buffer (System.out flushes every write); the commands are handed
        // the writer, the buffer beneath it for bytes they have already encoded (REDO, the UNDO
        // script's reversal), and its channel for the UNDO read-back (a copy in the kernel)
        java.io.FileOutputStream fd1 = new java.io.FileOutputStream(java.io.FileDescriptor.out);
        java.io.OutputStream stdout = new StdoutBuffer(fd1, 1 << 16);
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(stdout, java.nio.charset.StandardCharsets.UTF_8), false);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8), true);
        int code = run(args, new CommandOutput(out, stdout, fd1.getChannel()), err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the command line with the given writers; returns the exit code. For tests and embedding. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, CommandOutput.of(out), err);
    }

    private static int run(String[] args, CommandOutput out, PrintWriter err) {
        String[] a = withDefaultSubcommand(args);
        try {
            return commandLine(out, err, a.length > 0 ? a[0] : null).execute(a);
        } catch (InternalError e) {
            // The reader copies its windows out of a mapped segment, after checking that the file
            // still holds them; a file cut during that copy faults, which the JVM reports this way.
            if (!String.valueOf(e.getMessage()).contains("unsafe memory access")) {
                throw e;
            }
            out.writer().flush();
            err.println("xlogminer: I/O error: a WAL segment file became shorter while it was read"
                + " (truncated under the reader): " + e.getMessage());
            err.flush();
            return EXIT_RUNTIME;
        }
    }

    /** {@code xlogminer --wal-dir ...} means {@code xlogminer mine --wal-dir ...}. */
    static String[] withDefaultSubcommand(String[] args) {
        if (args.length == 0 || !args[0].startsWith("-")) {
            return args;
        }
        switch (args[0]) {
            case "-h", "--help", "-V", "--version":
                return args;
            default:
                String[] a = new String[args.length + 1];
                a[0] = "mine";
                System.arraycopy(args, 0, a, 1, args.length);
                return a;
        }
    }

    /** The subcommands, in the order the usage lists them, each given what it writes to. */
    static java.util.List<Object> subcommands(CommandOutput out) {
        return java.util.List.of(new MineCommand(out), new StatsCommand(), new RecordsCommand(), new CatalogCommand(),
            new CheckUndoCommand(), new HistoryCommand(), new FollowCommand(out), new IndexCommand());
    }

    /**
     * The command line; with only the subcommand {@code first} names when it names one: picocli
     * builds each command's model by reflection, about a tenth of a short run (help, usage and
     * mistyped names get them all, so that they list them).
     */
    static CommandLine commandLine(CommandOutput out, PrintWriter err, String first) {
        CommandLine cl = new CommandLine(new Main());
        java.util.List<Object> commands = subcommands(out);
        boolean named = false;
        for (Object c : commands) {
            named |= name(c).equals(first);
        }
        for (Object c : commands) {
            if (!named || name(c).equals(first)) {
                cl.addSubcommand(c);
            }
        }
        cl.setOut(out.writer());
        cl.setErr(err);
        cl.registerConverter(org.xlogminer.wal.Lsn.class, org.xlogminer.wal.Lsn::parse);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getOut().flush();
            PrintWriter e = commandLine.getErr();
            if (ex instanceof WalException) {
                e.println("xlogminer: error: " + ex.getMessage());
                e.flush();
                return EXIT_BAD_WAL;
            }
            if (ex instanceof org.xlogminer.catalog.CatalogFormatException) {
                e.println("xlogminer: error: " + ex.getMessage());
                e.flush();
                return EXIT_USAGE;
            }
            if (ex instanceof UncheckedIOException || ex instanceof java.io.IOException) {
                Throwable cause = ex instanceof UncheckedIOException ? ex.getCause() : ex;
                e.println("xlogminer: I/O error: " + ex.getMessage()
                    + (cause != ex && cause != null ? ": " + cause : ""));
                e.flush();
                return EXIT_RUNTIME;
            }
            e.println("xlogminer: internal error: " + ex);
            ex.printStackTrace(e);
            e.flush();
            return EXIT_RUNTIME;
        });
        return cl;
    }

    private static String name(Object command) {
        return command.getClass().getAnnotation(Command.class).name();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"xlogminer " + (v != null ? v : "(development build)")};
        }
    }
}
