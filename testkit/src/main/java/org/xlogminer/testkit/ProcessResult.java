package org.xlogminer.testkit;

import java.util.List;

/**
 * Outcome of an external program run by the testkit (see {@link PgServer#runBinary(String, String...)}).
 *
 * @param command  the full command line that was executed (including a {@code runuser} prefix, if any)
 * @param exitCode the process exit code
 * @param stdout   everything the process wrote to standard output (decoded as UTF-8)
 * @param stderr   everything the process wrote to standard error (decoded as UTF-8)
 */
public record ProcessResult(List<String> command, int exitCode, String stdout, String stderr) {

    public ProcessResult {
        command = List.copyOf(command);
    }

    /** {@code exitCode() == 0}. */
    public boolean success() {
        return exitCode == 0;
    }

    /**
     * Returns this result if the exit code is 0.
     *
     * @throws IllegalStateException with the command, exit code, stdout and stderr otherwise
     */
    public ProcessResult requireSuccess() {
        if (!success()) {
            throw new IllegalStateException(describe("failed"));
        }
        return this;
    }

    /** A multi-line human-readable summary: command, exit code, and the (tail of) both outputs. */
    public String describe(String what) {
        return "command " + what + " with exit code " + exitCode + ": " + String.join(" ", command)
                + "\n--- stdout ---\n" + tail(stdout) + "\n--- stderr ---\n" + tail(stderr);
    }

    private static String tail(String s) {
        int max = 8000;
        return s.length() <= max ? s : "[...]" + s.substring(s.length() - max);
    }
}
