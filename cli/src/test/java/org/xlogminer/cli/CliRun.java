package org.xlogminer.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;

/** Runs the command line in-process and keeps what it wrote and returned. */
record CliRun(int exitCode, String stdout, String stderr) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** {@code xlogminer catalog} of the server's postgres database into the file; must succeed. */
    static void captureCatalog(org.xlogminer.testkit.PgServer server, java.nio.file.Path catalog) {
        CliRun cat = of("catalog", "--jdbc-url", server.jdbcUrl(), "--user", "postgres", "-o", catalog.toString());
        org.junit.jupiter.api.Assertions.assertEquals(0, cat.exitCode(), cat.toString());
    }

    /** The arguments {@code a} followed by {@code more}. */
    static String[] concat(String[] a, String... more) {
        String[] r = Arrays.copyOf(a, a.length + more.length);
        System.arraycopy(more, 0, r, a.length, more.length);
        return r;
    }

    List<String> stdoutLines() {
        String s = stdout;
        return s.isEmpty() ? List.of() : Arrays.asList(s.split("\n"));
    }

    List<String> stderrLines() {
        String s = stderr;
        return s.isEmpty() ? List.of() : Arrays.asList(s.split("\n"));
    }

    /**
     * The subcommands a usage text lists: the first word of each entry of its "Commands:" section
     * (picocli's heading, entries indented two spaces, descriptions continued deeper), in order;
     * empty when it has no such section.
     */
    static List<String> commandsListed(String usage) {
        List<String> names = new java.util.ArrayList<>();
        boolean in = false;
        for (String line : usage.split("\n")) {
            if (line.equals("Commands:")) {
                in = true;
            } else if (in && line.matches("  \\S.*")) {
                names.add(line.trim().split("\\s+")[0]);
            } else if (in && !line.startsWith("   ")) {
                break; // the section ends at the first line that is not an entry or its continuation
            }
        }
        return names;
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stderr:\n" + stderr + "\n--- stdout (" + stdoutLines().size() + " lines)";
    }
}
