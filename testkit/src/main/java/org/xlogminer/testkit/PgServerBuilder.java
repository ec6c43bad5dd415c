package org.xlogminer.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Configures and starts a {@link PgServer} ({@link PgServer#builder(int)}): checks each setting as it
 * is given, then {@link #start()} freezes them into {@link ServerSettings}. Defaults:
 * {@code wal_level=replica}, {@code full_page_writes=on}, {@code wal_compression=off}, 16 MB segments,
 * no data checksums, {@code autovacuum=off}, data deleted on close. Not thread-safe.
 */
public final class PgServerBuilder {

    private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

    private final int major;
    private String walLevel = "replica";
    private boolean fullPageWrites = true;
    private String walCompression = "off";
    private int walSegSizeMb = 16;
    private boolean dataChecksums;
    private boolean keepData;
    private boolean autovacuum;
    private Duration startTimeout = Duration.ofSeconds(60);
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<String> initdbArgs = new ArrayList<>();

    PgServerBuilder(int major) {
        if (!PgBinaries.SUPPORTED_MAJORS.contains(major)) {
            throw new IllegalArgumentException("unsupported PostgreSQL major " + major + "; supported: "
                    + PgBinaries.SUPPORTED_MAJORS);
        }
        this.major = major;
    }

    /** {@code wal_level}: {@code "minimal"}, {@code "replica"} (default) or {@code "logical"}. */
    public PgServerBuilder walLevel(String level) {
        String l = level.trim().toLowerCase(Locale.ROOT);
        if (!List.of("minimal", "replica", "logical").contains(l)) {
            throw new IllegalArgumentException("wal_level must be minimal, replica or logical, not '" + level + "'");
        }
        this.walLevel = l;
        return this;
    }

    /** {@code full_page_writes} (default on). */
    public PgServerBuilder fullPageWrites(boolean on) {
        this.fullPageWrites = on;
        return this;
    }

    /**
     * {@code wal_compression}: {@code "off"} (default), {@code "on"}, {@code "pglz"}, {@code "lz4"},
     * {@code "zstd"}. On 13 and 14 (boolean setting) {@code "pglz"} becomes {@code "on"}, and
     * {@code lz4}/{@code zstd} are rejected here. Note that the zonky builds (16, 17, 18) have no lz4 or
     * zstd support either: only Debian's 15 accepts them (the server would fail to start).
     *
     * @throws IllegalArgumentException for unknown methods or lz4/zstd before 15
     */
    public PgServerBuilder walCompression(String method) {
        String m = method.trim().toLowerCase(Locale.ROOT);
        switch (m) {
            case "off", "on", "pglz", "lz4", "zstd" -> {
            }
            case "false", "no", "0" -> m = "off";
            case "true", "yes", "1" -> m = "on";
            default -> throw new IllegalArgumentException("wal_compression must be off, on, pglz, lz4 or zstd,"
                    + " not '" + method + "'");
        }
        if (major < 15) {
            if (m.equals("lz4") || m.equals("zstd")) {
                throw new IllegalArgumentException("PostgreSQL " + major + " only supports wal_compression"
                        + " on/off (pglz); " + m + " needs PostgreSQL 15 or later");
            }
            if (m.equals("pglz")) {
                m = "on";
            }
        }
        this.walCompression = m;
        return this;
    }

    /** WAL segment size in MB ({@code initdb --wal-segsize}): a power of two from 1 to 1024; default 16. */
    public PgServerBuilder walSegSizeMb(int mb) {
        if (mb < 1 || mb > 1024 || Integer.bitCount(mb) != 1) {
            throw new IllegalArgumentException("WAL segment size must be a power of two between 1 and 1024 MB,"
                    + " not " + mb);
        }
        this.walSegSizeMb = mb;
        return this;
    }

    /** Data checksums ({@code initdb -k}); default off. */
    public PgServerBuilder dataChecksums(boolean on) {
        this.dataChecksums = on;
        return this;
    }

    /** Keep the server directory after {@link PgServer#close()} (for debugging); default false. */
    public PgServerBuilder keepData(boolean keep) {
        this.keepData = keep;
        return this;
    }

    /** {@code autovacuum} (default off, so that no background vacuum writes WAL during a test). */
    public PgServerBuilder autovacuum(boolean on) {
        this.autovacuum = on;
        return this;
    }

    /** How long {@code pg_ctl start -w} waits (default 60 s). */
    public PgServerBuilder startTimeout(Duration timeout) {
        this.startTimeout = timeout;
        return this;
    }

    /**
     * Any extra configuration parameter, written to {@code postgresql.conf} after the testkit's own
     * (so it overrides them). {@code port} is managed by the testkit and cannot be set.
     */
    public PgServerBuilder setting(String name, String value) {
        if (!SETTING_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a parameter name: '" + name + "'");
        }
        if (name.equalsIgnoreCase("port")) {
            throw new IllegalArgumentException("the port is chosen by the testkit");
        }
        if (value == null) {
            throw new IllegalArgumentException("null value for " + name);
        }
        settings.put(name, value);
        return this;
    }

    /** An extra {@code initdb} argument (e.g. {@code "--data-checksums"}). */
    public PgServerBuilder initdbArg(String arg) {
        initdbArgs.add(arg);
        return this;
    }

    /**
     * Creates the data directory, starts the server and waits until it accepts connections.
     *
     * @throws IllegalStateException if the binaries are missing or the server cannot start (the message
     *                               includes the tool output and the end of the server log)
     */
    public PgServer start() {
        Path bin = PgBinaries.forMajor(major);
        ServerDirectory dir = ServerDirectory.create(major, bin, keepData);
        return PgServer.start(settings(), bin, dir);
    }

    private ServerSettings settings() {
        return new ServerSettings(major, walLevel, fullPageWrites, walCompression, walSegSizeMb, dataChecksums,
                keepData, autovacuum, startTimeout, Collections.unmodifiableMap(new LinkedHashMap<>(settings)),
                List.copyOf(initdbArgs));
    }
}
