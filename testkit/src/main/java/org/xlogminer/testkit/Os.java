package org.xlogminer.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Operating-system plumbing: who we are, running programs (possibly as the {@code postgres} OS user),
 * file permissions and recursive deletion. Package-private; thread-safe.
 */
final class Os {

    /** OS account that runs PostgreSQL when the JVM runs as root. */
    static final String PG_OS_USER = Config.get("xlogminer.pg.osuser", "XLOGMINER_PG_OSUSER", "postgres");

    private static volatile Boolean root;
    private static volatile String runuser;

    private Os() {
    }

    /** Whether the effective user id of this JVM is 0 (determined once with {@code id -u}). */
    static boolean isRoot() {
        Boolean r = root;
        if (r == null) {
            synchronized (Os.class) {
                r = root;
                if (r == null) {
                    r = detectRoot();
                    root = r;
                }
            }
        }
        return r;
    }

    private static boolean detectRoot() {
        try {
            Process p = new ProcessBuilder("id", "-u")
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("\\d+")) {
                return Long.parseLong(out) == 0L;
            }
        } catch (IOException e) {
            // fall through to the /proc check
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            // /proc/self is owned by the effective uid of the reading process.
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return uid instanceof Integer i && i == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot determine whether this JVM runs as root ('id -u' failed)", e);
        }
    }

    /** The {@link UserPrincipal} of {@link #PG_OS_USER}; fails loudly when the account is missing. */
    static UserPrincipal pgOsUser(Path anyPath) {
        try {
            return anyPath.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(PG_OS_USER);
        } catch (UserPrincipalNotFoundException e) {
            throw new IllegalStateException("This JVM runs as root, and PostgreSQL refuses to run as root, so the"
                    + " testkit runs it as the OS user '" + PG_OS_USER + "', which does not exist. Create it"
                    + " (apt-get install postgresql-15 does, or: useradd --system --create-home " + PG_OS_USER
                    + "), or name another account with -Dxlogminer.pg.osuser=... / XLOGMINER_PG_OSUSER.", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String runuser() {
        String r = runuser;
        if (r == null) {
            r = "runuser";
            for (String candidate : List.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser")) {
                if (Files.isExecutable(Path.of(candidate))) {
                    r = candidate;
                    break;
                }
            }
            runuser = r;
        }
        return r;
    }

    /**
     * The environment for child processes: this JVM's environment without any {@code PG*} variables
     * (PGDATA, PGPORT, ... would otherwise leak into initdb/pg_ctl/clients) and with the C locale, plus
     * {@code extra}.
     */
    static Map<String, String> childEnvironment(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("PG") || k.startsWith("LC_") || k.equals("LANG")
                || k.equals("LANGUAGE"));
        env.put("LC_ALL", "C");
        env.put("LANG", "C");
        env.putAll(extra);
        return env;
    }

    /**
     * Runs {@code command} to completion, capturing stdout and stderr (through temporary files, so a
     * daemon that inherits the descriptors can never block us).
     *
     * @param asPgUser when true and this JVM is root, prefix the command with
     *                 {@code runuser -u postgres --}
     * @param env      complete child environment (see {@link #childEnvironment(Map)})
     * @param workDir  working directory; must be accessible to the user running the command
     * @param timeout  the process (and its descendants) is killed after this long and an
     *                 {@link IllegalStateException} is thrown
     */
    static ProcessResult run(List<String> command, boolean asPgUser, Map<String, String> env, Path workDir,
                             Duration timeout) {
        List<String> full = new ArrayList<>();
        if (asPgUser && isRoot()) {
            full.add(runuser());
            full.add("-u");
            full.add(PG_OS_USER);
            full.add("--");
        }
        full.addAll(command);
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("xlogminer-testkit-", ".out");
            err = Files.createTempFile("xlogminer-testkit-", ".err");
            ProcessBuilder pb = new ProcessBuilder(full)
                    .directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot run " + String.join(" ", full) + ": " + e.getMessage(), e);
            }
            boolean finished;
            try {
                finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                killTree(p.toHandle());
                throw new IllegalStateException("interrupted while running " + String.join(" ", full), e);
            }
            if (!finished) {
                killTree(p.toHandle());
                ProcessResult partial = new ProcessResult(full, -1, readLenient(out), readLenient(err));
                throw new IllegalStateException(partial.describe("timed out after " + timeout.toSeconds() + " s"));
            }
            return new ProcessResult(full, p.exitValue(), readLenient(out), readLenient(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** Kills a process and all its descendants with SIGKILL and waits briefly for them. */
    static void killTree(ProcessHandle h) {
        List<ProcessHandle> all = new ArrayList<>();
        h.descendants().forEach(all::add);
        all.add(0, h);
        for (ProcessHandle ph : all) {
            ph.destroyForcibly();
        }
        for (ProcessHandle ph : all) {
            try {
                ph.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // best effort
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    static String readLenient(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            return "<cannot read " + file + ": " + e + ">";
        }
    }

    /** The last {@code n} lines of a text file, or a note if it cannot be read. */
    static String tailLines(Path file, long fromByte, int n) {
        try {
            byte[] all = Files.readAllBytes(file);
            int from = (int) Math.min(Math.max(0, fromByte), all.length);
            String s = new String(all, from, all.length - from, StandardCharsets.UTF_8);
            String[] lines = s.split("\n", -1);
            int start = Math.max(0, lines.length - n - 1);
            return String.join("\n", java.util.Arrays.asList(lines).subList(start, lines.length)).strip();
        } catch (NoSuchFileException e) {
            return "<" + file + " does not exist>";
        } catch (IOException e) {
            return "<cannot read " + file + ": " + e + ">";
        }
    }

    static void chmod(Path p, String perms) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    }

    /** Adds read for everyone, and execute for everyone on directories and already-executable files. */
    static Set<PosixFilePermission> withAllReadX(Set<PosixFilePermission> perms, boolean directory) {
        Set<PosixFilePermission> s = perms.isEmpty() ? java.util.EnumSet.noneOf(PosixFilePermission.class)
                : java.util.EnumSet.copyOf(perms);
        s.add(PosixFilePermission.OWNER_READ);
        s.add(PosixFilePermission.GROUP_READ);
        s.add(PosixFilePermission.OTHERS_READ);
        if (directory) {
            s.add(PosixFilePermission.OWNER_WRITE); // so that the tree can always be deleted by its owner
        }
        if (directory || s.contains(PosixFilePermission.OWNER_EXECUTE)
                || s.contains(PosixFilePermission.GROUP_EXECUTE) || s.contains(PosixFilePermission.OTHERS_EXECUTE)) {
            s.add(PosixFilePermission.OWNER_EXECUTE);
            s.add(PosixFilePermission.GROUP_EXECUTE);
            s.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        return s;
    }

    /** Deletes a tree without following symbolic links. Missing paths are fine. */
    static void deleteRecursively(Path root) throws IOException {
        if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null && !(exc instanceof NoSuchFileException)) {
                    throw exc;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            deleteRecursively(p);
        } catch (IOException e) {
            // best effort
        }
    }

    /** Small helper for "system property, else environment variable, else default" settings. */
    static final class Config {
        private Config() {
        }

        static String get(String sysProp, String envVar, String dflt) {
            String v = System.getProperty(sysProp);
            if (v == null || v.isBlank()) {
                v = System.getProperty(envVar);
            }
            if (v == null || v.isBlank()) {
                v = System.getenv(envVar);
            }
            return v == null || v.isBlank() ? dflt : v.trim();
        }
    }
}
