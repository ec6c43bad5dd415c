package org.xlogminer.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.catalog.CatalogCapture;
import org.xlogminer.catalog.CatalogConnector;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.event.ChangeHandler;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.TransactionInfo;
import org.xlogminer.event.Value;
import org.xlogminer.mine.Miner;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.archive.SegmentSources;
import org.xlogminer.wal.archive.TimelineHistoryParser;
import org.xlogminer.wal.reader.TimelineHistory;

/**
 * A failover under a follower (PostgreSQL 15): a primary and an asynchronous streaming standby
 * behind a multi-host URL ({@code targetServerType=primary}); the follower follows the primary
 * (through a slot it creates) while a client inserts one row per transaction through the same URL;
 * in the middle of that the standby is promoted and the primary stopped, and the client goes on on
 * the new primary. The follower goes on along the new primary's history (timeline 1 up to its
 * switch point, then 2), creates its slot there, and names the transactions it had handed over
 * from the old primary past the switch point (lost in the failover). The oracles are the new
 * primary's table and mining its pg_wal offline across both timelines: what the follower handed
 * over, but for those named lost, is every transaction of the new timeline's history once, in
 * commit order. A follower resumed from a position on the lost tail (with its timeline) goes on
 * from the switch point the same way.
 */
class FollowerFailoverIT {

    @TempDir
    Path tmp;

    /** A transaction handed over: its commit LSN, the follower's timeline then, the ids it inserted. */
    record Handed(long commitLsn, int timeline, List<Integer> ids) {
    }

    @Test
    void aFailoverIsFollowedOntoTheNewTimelineNothingMissedNothingTwice() throws Exception {
        PgServer primary = PgServer.builder(15).walSegSizeMb(1).start();
        try (PgServer standby = primary.startStandby()) {
            primary.execute("CREATE TABLE ev (id int PRIMARY KEY, v text)");
            String url = "jdbc:postgresql://" + primary.host() + ":" + primary.port() + "," + standby.host() + ":"
                + standby.port() + "/postgres?user=postgres&targetServerType=primary";
            long from = primary.currentWalInsertLsn();
            CatalogConnector.Login login = CatalogConnector.resolve(url, null, Map.of(), tmp.toString());
            List<String> notices = Collections.synchronizedList(new ArrayList<>());
            Follower follower = Follower.builder(login).slot("failover_it", true).fromLsn(from).spillDir(tmp)
                .retryFor(Duration.ofSeconds(30)).notices(notices::add).build();
            List<Handed> handed = Collections.synchronizedList(new ArrayList<>());
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    follower.follow(new Collecting(handed, follower), tx -> { });
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            t.start();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (primary.queryLong("SELECT count(*) FROM pg_stat_replication WHERE application_name = '"
                + Follower.APPLICATION + "'") == 0) {
                assertTrue(System.nanoTime() < deadline && failed.get() == null, "the follower streams: " + failed.get());
                Thread.sleep(50);
            }

            AtomicInteger next = new AtomicInteger(1);
            AtomicBoolean go = new AtomicBoolean(true);
            Thread client = new Thread(() -> insertUntilStopped(url, next, go));
            client.start();
            while (next.get() < 300 || !handedOver(handed, 100)) {
                assertTrue(System.nanoTime() < deadline && failed.get() == null, "the follower follows: " + failed.get());
                Thread.sleep(10);
            }
            standby.execute("SELECT pg_promote()"); // the primary goes on meanwhile: its tail is not on timeline 2
            int promoted = next.get();
            while (next.get() < promoted + 100 || !handedOver(handed, promoted + 50)) { // some of the tail followed
                assertTrue(System.nanoTime() < deadline && failed.get() == null, "the follower follows: " + failed.get());
                Thread.sleep(10);
            }
            primary.close();
            int atStop = next.get();
            while (next.get() < atStop + 300) {
                assertTrue(System.nanoTime() < deadline, "the client goes on on the new primary");
                Thread.sleep(10);
            }
            go.set(false);
            client.join(30_000);
            long end = standby.flushWal();
            List<Integer> table = new ArrayList<>();
            for (List<String> row : standby.queryRows("SELECT id FROM ev ORDER BY id")) {
                table.add(Integer.parseInt(row.get(0)));
            }
            int last = table.get(table.size() - 1);
            while (!handedOver(handed, last)) {
                assertTrue(System.nanoTime() < deadline && failed.get() == null,
                    "the follower hands over the new primary's last transaction: " + failed.get() + " " + notices);
                Thread.sleep(50);
            }
            follower.stop();
            t.join(30_000);
            assertTrue(!t.isAlive() && failed.get() == null, "follow ended cleanly: " + failed.get());

            TimelineHistory history = TimelineHistoryParser.parse(
                Files.readAllBytes(standby.walDir().resolve("00000002.history")), 2, "00000002.history");
            long switchPoint = history.endOf(1);
            assertEquals(2, follower.timeline());
            assertTrue(notices.contains("the server is on timeline 2 now (a standby was promoted): timeline 1 ended at "
                + Lsn.format(switchPoint) + " on its history; following it from there"), notices.toString());
            if (switchPoint % standby.walSegmentSize() != 0) { // the stream starts in its segment, on timeline 1
                assertTrue(notices.stream().anyMatch(n -> n.startsWith("reading timeline 1 from ")
                    && n.contains(" up to its switch point " + Lsn.format(switchPoint) + ", then timeline 2")), notices.toString());
            }
            assertEquals(2, notices.stream().filter(n -> n.equals("created the physical replication slot failover_it")).count(),
                "the slot is created on the new primary too: " + notices);

            List<Handed> lost = handed.stream()
                .filter(h -> h.timeline() == 1 && Long.compareUnsigned(h.commitLsn(), switchPoint) >= 0).toList();
            List<Handed> kept = handed.stream().filter(h -> !lost.contains(h)).toList();
            // the old primary committed ids after the promotion: the follower had some, the new primary none
            assertTrue(!lost.isEmpty(), "transactions of the old primary's tail were handed over: " + notices);
            String named = lost.size() + " transactions (commit LSNs " + Lsn.format(lost.get(0).commitLsn())
                + (lost.size() > 20 ? " to " : ", ");
            assertTrue(notices.stream().anyMatch(n -> n.startsWith("warning: " + named)
                && n.contains(Lsn.format(lost.get(lost.size() - 1).commitLsn()) + ") handed over from timeline 1")),
                "the lost transactions are named: " + lost + " " + notices);
            List<Integer> keptIds = new ArrayList<>();
            kept.forEach(h -> keptIds.addAll(h.ids()));
            Collections.sort(keptIds);
            assertEquals(table, keptIds, "each row of the new primary's table handed over once, and no other");
            assertTrue(kept.stream().anyMatch(h -> h.timeline() == 2 && h.commitLsn() > switchPoint), "timeline 2's");

            CatalogSnapshot catalog;
            try (Connection c = standby.connect()) {
                catalog = CatalogCapture.capture(c);
            }
            List<Long> offline = new ArrayList<>();
            try (Miner m = Miner.builder(SegmentSources.open(List.of(standby.walDir()), 0), catalog).fromLsn(from)
                .toLsn(end).build()) {
                List<Handed> mined = Collections.synchronizedList(new ArrayList<>());
                m.stream(new Collecting(mined, null));
                mined.stream().filter(h -> !h.ids().isEmpty()).forEach(h -> offline.add(h.commitLsn()));
            }
            assertEquals(offline, kept.stream().filter(h -> !h.ids().isEmpty()).map(Handed::commitLsn).toList(),
                "the new timeline's history mined offline: each transaction once, in commit order");
            assertEquals(1, standby.queryLong("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'failover_it'"));

            // a follower resumed from a position of the old primary's lost tail (a state saved before the
            // failover, and its timeline) follows timeline 2 from the switch point
            long lostPosition = lost.get(lost.size() - 1).commitLsn();
            List<String> notices2 = Collections.synchronizedList(new ArrayList<>());
            Follower resumed = Follower.builder(login).slot("failover_it", false).afterCommit(lostPosition, 1).spillDir(tmp)
                .retryFor(Duration.ofSeconds(30)).notices(notices2::add).build();
            List<Handed> handed2 = Collections.synchronizedList(new ArrayList<>());
            Thread t2 = new Thread(() -> {
                try {
                    resumed.follow(new Collecting(handed2, resumed), tx -> { });
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            t2.start();
            while (!handedOver(handed2, last)) {
                assertTrue(System.nanoTime() < deadline + 30_000_000_000L && failed.get() == null,
                    "the resumed follower hands over the last transaction: " + failed.get() + " " + notices2);
                Thread.sleep(50);
            }
            resumed.stop();
            t2.join(30_000);
            assertTrue(!t2.isAlive() && failed.get() == null, "follow ended cleanly: " + failed.get());
            assertTrue(notices2.stream().anyMatch(n -> n.startsWith("warning: the position " + Lsn.format(lostPosition)
                + " is on timeline 1 after its switch point " + Lsn.format(switchPoint))), notices2.toString());
            assertEquals(kept.stream().filter(h -> h.commitLsn() >= switchPoint).toList(), handed2,
                "the resumed follower hands over timeline 2's transactions from the switch point, once each");
        } finally {
            primary.close();
        }
    }

    private static boolean handedOver(List<Handed> handed, int id) {
        synchronized (handed) {
            return handed.stream().anyMatch(h -> h.ids().contains(id));
        }
    }

    /** Inserts one row per transaction through the multi-host URL, connecting again when the server goes. */
    private static void insertUntilStopped(String url, AtomicInteger next, AtomicBoolean go) {
        while (go.get()) {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                while (go.get()) {
                    s.execute("INSERT INTO ev VALUES (" + next.get() + ", 'x')");
                    next.incrementAndGet();
                }
            } catch (SQLException e) {
                next.incrementAndGet(); // committed or not: the table says; the next id is new either way
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Collects each transaction's inserted ids of table ev, with the follower's timeline. */
    private static final class Collecting implements ChangeHandler {
        private final List<Handed> into;
        private final Follower follower;
        private List<Integer> ids;

        Collecting(List<Handed> into, Follower follower) {
            this.into = into;
            this.follower = follower;
        }

        @Override
        public void begin(TransactionInfo tx) {
            ids = new ArrayList<>();
        }

        @Override
        public void change(TransactionInfo tx, RowChange c) {
            if (c instanceof RowChange.Insert i && i.source().table().equals("ev")) {
                ids.add(Integer.parseInt(((Value.Known) i.after().value(i.after().indexOf("id"))).text()));
            }
        }

        @Override
        public void end(TransactionInfo tx) {
            into.add(new Handed(tx.commitLsn(), follower == null ? 0 : follower.timeline(), ids));
        }
    }
}
