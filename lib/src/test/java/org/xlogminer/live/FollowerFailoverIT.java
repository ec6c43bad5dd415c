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
            String url = multiHost(primary, standby);
            long from = primary.currentWalInsertLsn();
            CatalogConnector.Login login = CatalogConnector.resolve(url, null, Map.of(), tmp.toString());
            long deadline = System.nanoTime() + 60_000_000_000L;
            Following f = new Following(Follower.builder(login).slot("failover_it", true).fromLsn(from), primary, deadline);

            AtomicInteger next = new AtomicInteger(1);
            AtomicBoolean go = new AtomicBoolean(true);
            Thread client = new Thread(() -> insertUntilStopped(url, next, go));
            client.start();
            while (next.get() < 300 || !handedOver(f.handed, 100)) {
                f.check("the follower follows");
            }
            standby.execute("SELECT pg_promote()"); // the primary goes on meanwhile: its tail is not on timeline 2
            int promoted = next.get();
            while (next.get() < promoted + 100 || !handedOver(f.handed, promoted + 50)) { // some of the tail followed
                f.check("the follower follows the old primary's tail");
            }
            primary.close();
            int atStop = next.get();
            while (next.get() < atStop + 300) {
                f.check("the client goes on on the new primary");
            }
            go.set(false);
            client.join(30_000);
            long end = standby.flushWal();
            List<Integer> table = tableIds(standby);
            int last = table.get(table.size() - 1);
            f.stopAfter(last);

            long switchPoint = switchPoint(standby);
            assertEquals(2, f.follower.timeline());
            assertTrue(f.notices.contains("the server is on timeline 2 now (a standby was promoted): timeline 1 ended at "
                + Lsn.format(switchPoint) + " on its history; following it from there"), f.notices.toString());
            if (switchPoint % standby.walSegmentSize() != 0) { // the stream starts in its segment, on timeline 1
                assertTrue(f.notices.stream().anyMatch(n -> n.startsWith("reading timeline 1 from ")
                    && n.contains(" up to its switch point " + Lsn.format(switchPoint) + ", then timeline 2")), f.notices.toString());
            }
            assertEquals(2, f.notices.stream().filter(n -> n.equals("created the physical replication slot failover_it")).count(),
                "the slot is created on the new primary too: " + f.notices);

            List<Handed> lost = f.handed.stream()
                .filter(h -> h.timeline() == 1 && Long.compareUnsigned(h.commitLsn(), switchPoint) >= 0).toList();
            List<Handed> kept = f.handed.stream().filter(h -> !lost.contains(h)).toList();
            // the old primary committed ids after the promotion: the follower had some, the new primary none
            assertTrue(!lost.isEmpty(), "transactions of the old primary's tail were handed over: " + f.notices);
            // the follower remembers the last FollowPosition.RECENT commits: it names those, "more than" them
            int remembered = Math.min(lost.size(), FollowPosition.RECENT);
            String named = (lost.size() >= FollowPosition.RECENT ? "more than " : "") + remembered
                + " transactions (commit LSNs " + Lsn.format(lost.get(lost.size() - remembered).commitLsn())
                + (remembered > 20 ? " to " : ", ");
            assertTrue(f.notices.stream().anyMatch(n -> n.startsWith("warning: " + named)
                && n.contains(Lsn.format(lost.get(lost.size() - 1).commitLsn()) + ") handed over from timeline 1")),
                "the lost transactions are named: " + lost + " " + f.notices);
            assertEquals(table, ids(kept), "each row of the new primary's table handed over once, and no other");
            assertTrue(kept.stream().anyMatch(h -> h.timeline() == 2 && h.commitLsn() > switchPoint), "timeline 2's");
            assertEquals(offlineCommits(standby, from, end), commits(kept),
                "the new timeline's history mined offline: each transaction once, in commit order");
            assertEquals(1, standby.queryLong("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'failover_it'"));

            // a follower resumed from a position of the old primary's lost tail (a state saved before the
            // failover, and its timeline) follows timeline 2 from the switch point
            long lostPosition = lost.get(lost.size() - 1).commitLsn();
            Following resumed = new Following(Follower.builder(login).slot("failover_it", false)
                .afterCommit(lostPosition, 1), null, System.nanoTime() + 30_000_000_000L);
            resumed.stopAfter(last);
            assertTrue(resumed.notices.stream().anyMatch(n -> n.startsWith("warning: the position " + Lsn.format(lostPosition)
                + " is on timeline 1 after its switch point " + Lsn.format(switchPoint))), resumed.notices.toString());
            assertEquals(kept.stream().filter(h -> h.commitLsn() >= switchPoint).toList(), resumed.handed,
                "the resumed follower hands over timeline 2's transactions from the switch point, once each");
        } finally {
            primary.close();
        }
    }

    /**
     * A switchover: the primary is stopped cleanly first (the standby receives all its WAL, its
     * shutdown checkpoint too), then the standby promoted: nothing is lost, the follower goes on
     * from the old primary's shutdown checkpoint along the new history, and its slot is missing
     * there without --create-slot: a clear stop naming it.
     */
    @Test
    void aSwitchoverLosesNothingAndAMissingSlotStopsClearly() throws Exception {
        PgServer primary = PgServer.builder(15).walSegSizeMb(1).start();
        try (PgServer standby = primary.startStandby()) {
            primary.execute("CREATE TABLE ev (id int PRIMARY KEY, v text)", "SELECT pg_create_physical_replication_slot('sw_it', true)");
            String url = multiHost(primary, standby);
            long from = primary.currentWalInsertLsn();
            CatalogConnector.Login login = CatalogConnector.resolve(url, null, Map.of(), tmp.toString());
            long deadline = System.nanoTime() + 60_000_000_000L;
            Following f = new Following(Follower.builder(login).fromLsn(from), primary, deadline);
            AtomicInteger next = new AtomicInteger(1);
            AtomicBoolean go = new AtomicBoolean(true);
            Thread client = new Thread(() -> insertUntilStopped(url, next, go));
            client.start();
            while (next.get() < 200 || !handedOver(f.handed, 100)) {
                f.check("the follower follows");
            }
            long oldEnd = primary.currentWalInsertLsn();
            primary.close();
            while (standby.queryLong("SELECT pg_last_wal_receive_lsn() - '0/0'") <= oldEnd) {
                f.check("the standby has the old primary's WAL");
            }
            standby.execute("SELECT pg_promote()");
            int atPromotion = next.get();
            while (next.get() < atPromotion + 200) {
                f.check("the client goes on on the new primary");
            }
            go.set(false);
            client.join(30_000);
            long end = standby.flushWal();
            List<Integer> table = tableIds(standby);
            f.stopAfter(table.get(table.size() - 1));

            assertTrue(f.notices.stream().noneMatch(n -> n.startsWith("warning: ") && !n.startsWith("warning: no --slot")),
                "nothing lost: " + f.notices);
            assertTrue(f.notices.stream().anyMatch(n -> n.startsWith("the server is on timeline 2 now")), f.notices.toString());
            assertEquals(table, ids(f.handed), "each row of the new primary's table handed over once");
            assertEquals(offlineCommits(standby, from, end), commits(f.handed), "as mined offline across the timelines");

            // a slot kept on the old primary is not on the promoted standby
            Following slotted = new Following(Follower.builder(login).slot("sw_it", false).afterCommit(end, 2),
                null, System.nanoTime() + 30_000_000_000L);
            slotted.thread.join(30_000);
            Throwable e = slotted.failed.get();
            assertTrue(e instanceof SQLException && "42704".equals(((SQLException) e).getSQLState())
                && e.getMessage().contains("there is no physical replication slot sw_it")
                && e.getMessage().contains("a promoted standby has no copy of the old primary's physical slots"), String.valueOf(e));
        } finally {
            primary.close();
        }
    }

    private static String multiHost(PgServer primary, PgServer standby) {
        return "jdbc:postgresql://" + primary.host() + ":" + primary.port() + "," + standby.host() + ":"
            + standby.port() + "/postgres?user=postgres&targetServerType=primary";
    }

    private static long switchPoint(PgServer standby) throws Exception {
        TimelineHistory history = TimelineHistoryParser.parse(
            Files.readAllBytes(standby.walDir().resolve("00000002.history")), 2, "00000002.history");
        return history.endOf(1);
    }

    private static List<Integer> tableIds(PgServer server) throws SQLException {
        List<Integer> table = new ArrayList<>();
        for (List<String> row : server.queryRows("SELECT id FROM ev ORDER BY id")) {
            table.add(Integer.parseInt(row.get(0)));
        }
        return table;
    }

    private static List<Integer> ids(List<Handed> handed) {
        List<Integer> ids = new ArrayList<>();
        synchronized (handed) {
            handed.forEach(h -> ids.addAll(h.ids()));
        }
        Collections.sort(ids);
        return ids;
    }

    /** The commit LSNs of the transactions that inserted into ev. */
    private static List<Long> commits(List<Handed> handed) {
        synchronized (handed) {
            return handed.stream().filter(h -> !h.ids().isEmpty()).map(Handed::commitLsn).toList();
        }
    }

    /** The commit LSNs of ev's transactions, mining the server's pg_wal offline along its timeline's history. */
    private static List<Long> offlineCommits(PgServer server, long from, long end) throws Exception {
        CatalogSnapshot catalog;
        try (Connection c = server.connect()) {
            catalog = CatalogCapture.capture(c);
        }
        List<Handed> mined = Collections.synchronizedList(new ArrayList<>());
        try (Miner m = Miner.builder(SegmentSources.open(List.of(server.walDir()), 0), catalog).fromLsn(from)
            .toLsn(end).build()) {
            m.stream(new Collecting(mined, null));
        }
        return commits(mined);
    }

    /** A follower on a thread of its own, collecting what it hands over and its notices. */
    private final class Following {
        final Follower follower;
        final List<Handed> handed = Collections.synchronizedList(new ArrayList<>());
        final List<String> notices = Collections.synchronizedList(new ArrayList<>());
        final AtomicReference<Throwable> failed = new AtomicReference<>();
        final Thread thread;
        final long deadline;

        /** Starts it and, with {@code streamingFrom}, waits until that server streams to it. */
        Following(Follower.Builder b, PgServer streamingFrom, long deadline) throws Exception {
            this.follower = b.spillDir(tmp).retryFor(Duration.ofSeconds(30)).notices(notices::add).build();
            this.deadline = deadline;
            this.thread = new Thread(() -> {
                try {
                    follower.follow(new Collecting(handed, follower), tx -> { });
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            thread.start();
            while (streamingFrom != null && streamingFrom.queryLong("SELECT count(*) FROM pg_stat_replication WHERE"
                + " application_name = '" + Follower.APPLICATION + "'") == 0) {
                check("the follower streams");
            }
        }

        /** Fails when the follower failed or time is up; else waits a little. */
        void check(String what) throws InterruptedException {
            assertTrue(System.nanoTime() < deadline && failed.get() == null, what + ": " + failed.get() + " " + notices);
            Thread.sleep(10);
        }

        /** Waits until the transaction inserting {@code id} is handed over, then stops the follower. */
        void stopAfter(int id) throws InterruptedException {
            while (!handedOver(handed, id)) {
                check("the follower hands over id " + id);
            }
            follower.stop();
            thread.join(30_000);
            assertTrue(!thread.isAlive() && failed.get() == null, "follow ended cleanly: " + failed.get());
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
