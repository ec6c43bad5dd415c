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

    List<String> stdoutLines() {
        String s = stdout;
        return s.isEmpty() ? List.of() : Arrays.asList(s.split("\n"));
    }

    List<String> stderrLines() {
        String s = stderr;
        return s.isEmpty() ? List.of() : Arrays.asList(s.split("\n"));
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stderr:\n" + stderr + "\n--- stdout (" + stdoutLines().size() + " lines)";
    }
}
