package org.xlogminer.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a {@link PgServerBuilder} was told, frozen when the server starts: the major version, the WAL
 * settings, {@code initdb} options and extra {@code postgresql.conf} parameters. Immutable, so
 * thread-safe; {@link Postmaster} turns it into {@code initdb} arguments and configuration.
 *
 * @param major           the major version (13 to 18)
 * @param walLevel        {@code minimal}, {@code replica} or {@code logical}
 * @param fullPageWrites  {@code full_page_writes}
 * @param walCompression  {@code wal_compression}, already mapped for the major
 * @param walSegSizeMb    {@code initdb --wal-segsize}
 * @param dataChecksums   {@code initdb -k}
 * @param keepData        keep the server directory after close
 * @param autovacuum      {@code autovacuum}
 * @param startTimeout    how long {@code pg_ctl start -w} waits
 * @param extraSettings   parameters appended after the testkit's own, in order (unmodifiable)
 * @param extraInitdbArgs extra {@code initdb} arguments (unmodifiable)
 */
record ServerSettings(int major, String walLevel, boolean fullPageWrites, String walCompression,
                      int walSegSizeMb, boolean dataChecksums, boolean keepData, boolean autovacuum,
                      Duration startTimeout, Map<String, String> extraSettings, List<String> extraInitdbArgs) {
}
