package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xlogminer.testkit.PgServer;

/**
 * {@code stats} finding the accident on real servers (wal_level=logical, so that TRUNCATE is
 * logged): a pgbench-like workload of small transactions and one big but ordinary load is not
 * flagged, nor a DELETE of some rows; an UPDATE without WHERE of 12,000 rows (more than
 * --big-txn-rows, and every row the catalog's estimate counts), a DELETE of every row left and a
 * TRUNCATE are, with the xids the server gave them. {@code --by minute} and {@code --by hour} count, per table, what the per-table totals
 * count.
 */
class StatsAccidentIT {

    private static final int ACCOUNTS = 12_000;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {14, 16})
    void flagsTheAccidentAndNotTheWorkload(int major) throws Exception {
        try (PgServer server = PgServer.builder(major).walLevel("logical").start(); Connection c = server.connect();
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id int PRIMARY KEY, branch int, balance numeric(12,2), filler text)");
            s.execute("CREATE TABLE branches (id int PRIMARY KEY, balance numeric(12,2))");
            s.execute("CREATE TABLE history (id bigserial PRIMARY KEY, account int, delta numeric(12,2), at timestamptz)");
            s.execute("CREATE TABLE scratch (id int)");
            s.execute("INSERT INTO branches SELECT g, 0 FROM generate_series(1, 10) g");
            s.execute("INSERT INTO accounts SELECT g, g % 10 + 1, 100, repeat('x', 40) FROM generate_series(1, " + ACCOUNTS + ") g");
            s.execute("INSERT INTO scratch SELECT generate_series(1, 100)");
            s.execute("CREATE TABLE orders (id int PRIMARY KEY, item text)");
            s.execute("INSERT INTO orders SELECT g, 'item ' || g FROM generate_series(1, 500) g");
            s.execute("ANALYZE"); // the row estimates the catalog captures
            Path catalog = tmp.resolve("catalog.json");
            CliRun.captureCatalog(server, catalog);
            s.execute("CHECKPOINT");

            long from = server.currentWalInsertLsn();
            Random random = new Random(17);
            c.setAutoCommit(false);
            for (int i = 0; i < 300; i++) { // as pgbench's TPC-B-like script
                int account = 1 + random.nextInt(ACCOUNTS);
                int delta = random.nextInt(10001) - 5000;
                s.execute("UPDATE accounts SET balance = balance + " + delta + " WHERE id = " + account);
                s.execute("UPDATE branches SET balance = balance + " + delta + " WHERE id = " + (1 + account % 10));
                s.execute("INSERT INTO history (account, delta, at) VALUES (" + account + ", " + delta + ", now())");
                c.commit();
            }
            s.execute("INSERT INTO history (account, delta, at) SELECT g, 0, now() FROM generate_series(1, 5000) g");
            c.commit();
            long accidentXid = xid(s);
            s.execute("UPDATE accounts SET balance = 0");           // the accident
            c.commit();
            s.execute("DELETE FROM orders WHERE id <= 40");        // an ordinary delete
            c.commit();
            long deleteXid = xid(s);
            s.execute("DELETE FROM orders");                      // the table emptied
            c.commit();
            long truncateXid = xid(s);
            s.execute("TRUNCATE scratch");
            c.commit();
            c.setAutoCommit(true);
            long to = server.flushWal();
            String[] range = {"stats", "--wal-dir", server.walDir().toString(), "--catalog", catalog.toString(),
                "--from-lsn", PgbenchRoundTripIT.lsn(from), "--to-lsn", PgbenchRoundTripIT.lsn(to)};

            CliRun stats = CliRun.of(range);
            assertEquals(0, stats.exitCode(), stats.toString());
            List<String> flagged = section(stats, "# possible accidents");
            assertEquals(5, flagged.size(), stats.stdout()); // the headings and three findings
            assertTrue(flagged.get(2).matches(accidentXid + " .* public\\.accounts +" + ACCOUNTS + " rows updated in one"
                + " burst: every row of the table \\(it had about " + ACCOUNTS + "\\) \\(more than"
                + " --big-txn-rows 10000\\), .*"), flagged.get(2));
            assertTrue(flagged.get(3).matches(deleteXid + " .* public\\.orders +460 rows deleted in one burst: the"
                + " table emptied \\(it had about 460\\), .*"), flagged.get(3));
            assertTrue(flagged.get(4).matches(truncateXid + " .* public\\.scratch +emptied by TRUNCATE at .*"),
                flagged.get(4));

            // a lower threshold flags the big load too; a higher one keeps the whole-table findings
            List<String> low = section(CliRun.of(CliRun.concat(range, "--big-txn-rows", "4000")), "# possible accidents");
            assertEquals(6, low.size(), String.join("\n", low));
            assertTrue(low.get(2).contains("public.history") && low.get(2).contains("5000 rows inserted in one burst"
                + " (more than --big-txn-rows 4000)"), low.get(2));
            List<String> high = section(CliRun.of(CliRun.concat(range, "--big-txn-rows", "20000")), "# possible accidents");
            assertEquals(5, high.size(), String.join("\n", high));
            assertFalse(high.get(2).contains("--big-txn-rows"), high.get(2));

            // per interval: each table's changes add up to its total
            Map<String, Long> totals = new HashMap<>();
            for (String line : section(stats, "# per table").subList(2, 7)) {
                String[] f = line.trim().split("\\s+");
                totals.put(f[0], Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[4]));
            }
            assertEquals(Map.of("public.accounts", 300L + ACCOUNTS, "public.branches", 300L, "public.history", 5300L,
                "public.scratch", 1L, "public.orders", 500L), totals);
            for (String unit : List.of("minute", "hour")) {
                CliRun by = CliRun.of(CliRun.concat(range, "--by", unit));
                assertEquals(0, by.exitCode(), by.toString());
                Map<String, Long> sums = new HashMap<>();
                List<String> lines = section(by, "# changes per " + unit + " (commit time, UTC)");
                for (String line : lines.subList(2, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    assertTrue(f[0].matches(unit.equals("minute") ? ".*T\\d\\d:\\d\\d:00Z" : ".*T\\d\\d:00:00Z"), line);
                    assertEquals(Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[4]) + Long.parseLong(f[5]),
                        Long.parseLong(f[6]), line);
                    sums.merge(f[1], Long.parseLong(f[6]), Long::sum);
                }
                assertEquals(totals, sums, by.stdout());
            }
            assertFalse(stats.stdout().contains("# changes per"), "only when asked for");

            // a catalog captured after the accident and a schema change of the table, walked back to the
            // range, keeps the table's row estimate
            s.execute("ALTER TABLE accounts ADD COLUMN note text");
            Path later = tmp.resolve("later.json");
            CliRun.captureCatalog(server, later);
            String[] laterRange = range.clone();
            laterRange[4] = later.toString();
            CliRun walkedBack = CliRun.of(laterRange);
            assertEquals(0, walkedBack.exitCode(), walkedBack.toString());
            assertTrue(section(walkedBack, "# possible accidents").stream().anyMatch(l -> l.startsWith(accidentXid + " ")
                && l.contains("every row of the table (it had about " + ACCOUNTS + ")")), walkedBack.stdout());
        }
    }

    private static long xid(Statement s) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT txid_current()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The lines of a section of the output: its heading, then up to the next blank line. */
    private static List<String> section(CliRun run, String heading) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : run.stdoutLines()) {
            if (line.startsWith(heading)) {
                in = true;
            } else if (in && line.isEmpty()) {
                break;
            }
            if (in) {
                out.add(line);
            }
        }
        return out;
    }
}
