package org.xlogminer.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A libpq password file ({@code ~/.pgpass}): lines of {@code hostname:port:database:username:password}.
 * In the first four fields {@code *} matches anything; in every field {@code \:} is a colon and
 * {@code \\} a backslash; lines starting with {@code #} and lines of fewer than five fields are
 * ignored; the first matching line wins.
 *
 * <p>Immutable and thread-safe.
 */
public final class PgPassFile {

    /** The system property pgjdbc reads for the file's location (before {@code PGPASSFILE}). */
    public static final String PROPERTY = "org.postgresql.pgpassfile";

    private final List<List<String>> entries;

    private PgPassFile(List<List<String>> entries) {
        this.entries = entries;
    }

    /** Parses the lines of a password file. */
    public static PgPassFile parse(List<String> lines) {
        List<List<String>> entries = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            List<String> fields = split(line);
            if (fields.size() == 5) {
                entries.add(fields);
            }
        }
        return new PgPassFile(List.copyOf(entries));
    }

    /** Reads a password file (UTF-8). */
    public static PgPassFile load(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /**
     * Where the password file is, as pgjdbc looks for it: the system property
     * {@value #PROPERTY}, else the environment's {@code PGPASSFILE}, else {@code .pgpass} in the
     * home directory ({@code %APPDATA%\postgresql\pgpass.conf} on Windows).
     */
    public static Path locate(Map<String, String> env, String userHome) {
        String p = System.getProperty(PROPERTY);
        if (p != null && !p.isBlank()) {
            return Path.of(p.trim());
        }
        String e = env.get("PGPASSFILE");
        if (e != null && !e.isBlank()) {
            return Path.of(e.trim());
        }
        String appData = env.get("APPDATA");
        if (System.getProperty("os.name", "").startsWith("Windows") && appData != null) {
            return Path.of(appData, "postgresql", "pgpass.conf");
        }
        return Path.of(userHome, ".pgpass");
    }

    /** The password of the first entry matching the four values, or null. */
    public String find(String host, int port, String database, String user) {
        String[] wanted = {host, Integer.toString(port), database, user};
        for (List<String> e : entries) {
            boolean match = true;
            for (int i = 0; i < 4 && match; i++) {
                String f = e.get(i);
                match = f == null || f.equals(wanted[i]);
            }
            if (match) {
                return e.get(4);
            }
        }
        return null;
    }

    /**
     * Splits on unescaped colons into five unescaped fields (the fifth, the password, runs to the
     * end of the line). A bare {@code *} in the first four is the wildcard, returned as null; an
     * escaped {@code \*} is a literal star, as in libpq.
     */
    private static List<String> split(String line) {
        List<String> fields = new ArrayList<>(5);
        StringBuilder f = new StringBuilder();
        boolean escaped = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '\\' && i + 1 < line.length()) {
                f.append(line.charAt(++i));
                escaped = true;
            } else if (ch == ':' && fields.size() < 4) {
                fields.add(!escaped && f.toString().equals("*") ? null : f.toString());
                f.setLength(0);
                escaped = false;
            } else {
                f.append(ch);
            }
        }
        fields.add(f.toString());
        return fields;
    }
}
