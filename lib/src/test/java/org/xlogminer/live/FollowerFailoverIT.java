package org.xlogminer.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.catalog.CatalogConnector;
import org.xlogminer.event.ChangeHandler;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.TransactionInfo;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.Lsn;

/**
 * A failover under a follower (PostgreSQL 15): a primary and a streaming standby behind a multi-host
 * URL ({@code targetServerType=primary}); the follower follows the primary; the standby is promoted
 * and the primary stopped. Following the new timeline is not done yet: the follower, reconnected to
 * the promoted standby, stops with a clear error naming both timelines and its position, after
 * having handed over every transaction of the old primary once.
 */
class FollowerFailoverIT {

    @TempDir
    Path tmp;

    @Test
    void aPromotedStandbyOnANewTimelineStopsTheFollowerClearly() throws Exception {
        PgServer primary = PgServer.builder(15).walSegSizeMb(1).start();
        try (PgServer standby = primary.startStandby()) {
            primary.execute("CREATE TABLE ev (id int PRIMARY KEY, v text)");
            String url = "jdbc:postgresql://" + primary.host() + ":" + primary.port() + "," + standby.host() + ":"
                + standby.port() + "/postgres?user=postgres&targetServerType=primary";
            CatalogConnector.Login login = CatalogConnector.resolve(url, null, Map.of(), tmp.toString());
            Follower follower = Follower.builder(login).spillDir(tmp).retryFor(Duration.ofSeconds(30)).build();
            List<Long> commits = Collections.synchronizedList(new ArrayList<>());
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    follower.follow(new ChangeHandler() {
                        @Override
                        public void begin(TransactionInfo tx) {
                        }

                        @Override
                        public void change(TransactionInfo tx, RowChange c) {
                        }

                        @Override
                        public void end(TransactionInfo tx) {
                        }
                    }, tx -> commits.add(tx.commitLsn()));
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            t.start();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (primary.queryLong("SELECT count(*) FROM pg_stat_replication WHERE application_name = '"
                + Follower.APPLICATION + "'") == 0) {
                assertTrue(System.nanoTime() < deadline && failed.get() == null, "the follower streams from the primary: " + failed.get());
                Thread.sleep(50);
            }
            for (int i = 1; i <= 20; i++) {
                primary.execute("INSERT INTO ev VALUES (" + i + ", 'on 1')");
            }
            long end = primary.currentWalInsertLsn();
            while (commits.size() < 20 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(20, commits.size(), "every transaction of the primary, once: " + failed.get());
            while (standby.queryLong("SELECT pg_last_wal_replay_lsn() - '0/0'") < end) {
                assertTrue(System.nanoTime() < deadline, "the standby replays");
                Thread.sleep(50);
            }
            standby.execute("SELECT pg_promote()");
            long t0 = System.nanoTime();
            primary.close();
            assertTrue(System.nanoTime() - t0 < 15_000_000_000L, "the primary's shutdown did not wait for the follower");
            standby.execute("INSERT INTO ev VALUES (21, 'on 2')");
            t.join(30_000);
            assertTrue(!t.isAlive(), "follow ended");
            Throwable e = failed.get();
            assertTrue(e instanceof SQLException, String.valueOf(e));
            String expected = " is on timeline 2, the WAL followed was on timeline 1 (a standby was promoted?):"
                + " following a timeline switch is not done yet; stopped after "
                + Lsn.format(follower.position());
            assertTrue(e.getMessage().contains(expected), e.getMessage());
            assertEquals(20, commits.size(), "nothing twice");
            assertTrue(follower.position() >= commits.get(19), "the position is at or past the last commit");
        } finally {
            primary.close();
        }
    }
}
