package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xlogminer.testkit.PgServer;

/**
 * {@code xlogminer history} of a row that is inserted, updated, deleted, inserted again and given a
 * new key, among changes to other rows (one of them given the row's old key afterwards), on real
 * servers at wal_level=replica. The entries' transactions are those the server reported for each
 * statement ({@code txid_current()}), in order, and the last entry's row is the row in the table now.
 */
class HistoryIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {15, 17})
    void historyOfARowFollowsItsKey(int major) throws Exception {
        try (PgServer server = PgServer.builder(major).start(); Connection c = server.connect();
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id int PRIMARY KEY, status text, amount numeric(10,2), note text)");
            s.execute("INSERT INTO orders SELECT g, 'old', g, NULL FROM generate_series(1, 50) g");
            s.execute("CREATE TABLE pairs (a int, b text, v int, PRIMARY KEY (a, b))");
            s.execute("INSERT INTO pairs VALUES (1, 'x''y', 1), (1, 'z', 1)");
            Path catalog = tmp.resolve("catalog.json");
            CliRun cat = CliRun.of("catalog", "--jdbc-url", server.jdbcUrl(), "-o", catalog.toString());
            assertEquals(0, cat.exitCode(), cat.toString());
            s.execute("CHECKPOINT");

            long from = server.currentWalInsertLsn();
            List<Long> xids = new ArrayList<>();
            xids.add(tx(c, "INSERT INTO orders VALUES (142, 'new', 10, NULL)"));
            xids.add(tx(c, "UPDATE orders SET status = 'paid' WHERE id = 142"));
            xids.add(tx(c, "UPDATE orders SET amount = 20 WHERE id IN (142, 43)"));
            xids.add(tx(c, "DELETE FROM orders WHERE id = 142"));
            tx(c, "UPDATE orders SET status = 'other' WHERE id = 43");
            xids.add(tx(c, "INSERT INTO orders VALUES (142, 'again', 5, E'it''s')"));
            xids.add(tx(c, "UPDATE orders SET id = 4200 WHERE id = 142"));
            tx(c, "INSERT INTO orders VALUES (142, 'another row', 1, NULL)");
            xids.add(tx(c, "UPDATE orders SET status = 'shipped' WHERE id = 4200"));
            long pairXid = tx(c, "UPDATE pairs SET v = 2 WHERE a = 1 AND b = 'x''y'");
            long to = server.flushWal();
            String[] range = {"history", "--wal-dir", server.walDir().toString(), "--catalog", catalog.toString(),
                "--from-lsn", PgbenchRoundTripIT.lsn(from), "--to-lsn", PgbenchRoundTripIT.lsn(to)};

            CliRun json = CliRun.of(CliRun.concat(range, "--table", "public.orders", "--key", "id=142", "--format", "json"));
            assertEquals(0, json.exitCode(), json.toString());
            List<JsonNode> entries = new ArrayList<>();
            for (String line : json.stdoutLines()) {
                entries.add(JSON.readTree(line));
            }
            assertEquals(List.of("insert", "update", "update", "delete", "insert", "update", "update"),
                entries.stream().map(e -> e.get("op").asText()).toList(), json.stdout());
            assertEquals(xids, entries.stream().map(e -> e.get("xid").asLong()).toList());
            for (int i = 1; i < entries.size(); i++) {
                assertTrue(org.xlogminer.wal.Lsn.parse(entries.get(i - 1).get("lsn").asText()).value()
                    < org.xlogminer.wal.Lsn.parse(entries.get(i).get("lsn").asText()).value(), "oldest first");
            }
            JsonNode last = entries.get(entries.size() - 1).get("after");
            try (ResultSet rs = s.executeQuery("SELECT id::text, status, amount::text, note FROM orders WHERE id = 4200")) {
                rs.next();
                assertEquals(rs.getString(1), last.get("id").asText());
                assertEquals(rs.getString(2), last.get("status").asText());
                assertEquals(rs.getString(3), last.get("amount").asText());
                assertEquals(rs.getString(4), last.get("note").asText());
            }
            assertTrue(json.stderr().contains("7 changes of row id=142 of public.orders (its key is now id=4200)"),
                json.stderr());

            CliRun text = CliRun.of(CliRun.concat(range, "--table", "public.orders", "--key", "id=142"));
            assertEquals(0, text.exitCode(), text.toString());
            java.nio.file.Files.createDirectories(Path.of("target", "history"));
            java.nio.file.Files.writeString(Path.of("target", "history", "pg" + major + ".txt"), text.stdout());
            List<String> headings = text.stdoutLines().stream().filter(l -> l.matches("[0-9A-F]+/[0-9A-F]+  xid .*"))
                .toList();
            assertEquals(7, headings.size(), text.stdout());
            for (int i = 0; i < headings.size(); i++) {
                assertTrue(headings.get(i).startsWith(entries.get(i).get("lsn").asText() + "  xid " + xids.get(i) + "  "
                    + entries.get(i).get("commit_time").asText() + "  "), headings.get(i));
            }
            assertTrue(headings.get(1).endsWith("  UPDATE  public.orders  id=142"), headings.get(1));
            assertTrue(headings.get(5).endsWith("  UPDATE  public.orders  id=4200"), headings.get(5));
            assertTrue(text.stdout().contains("  * status  new     paid\n"), text.stdout());
            assertTrue(text.stdout().contains("    amount  10.00   10.00\n"), text.stdout());
            assertTrue(text.stdout().contains("  * id      142     4200\n"), text.stdout());
            assertTrue(!text.stdout().contains("\u001b["), "no highlighting when not a terminal");

            CliRun colored = CliRun.of(CliRun.concat(range, "--table", "public.orders", "--key", "id=142", "--color", "always"));
            assertTrue(colored.stdout().contains("\u001b[1m  * status  new     paid\u001b[0m\n"), colored.stdout());

            // a key of two columns, given in any order, its text value quoted
            CliRun pair = CliRun.of(CliRun.concat(range, "--table", "public.pairs", "--key", "b=x'y", "--key", "A=1",
                "--format", "json"));
            assertEquals(0, pair.exitCode(), pair.toString());
            assertEquals(1, pair.stdoutLines().size(), pair.stdout());
            assertEquals(pairXid, JSON.readTree(pair.stdout()).get("xid").asLong());

            // wrong keys are usage errors
            CliRun wrong = CliRun.of(CliRun.concat(range, "--table", "public.orders", "--key", "status=paid"));
            assertEquals(Main.EXIT_USAGE, wrong.exitCode(), wrong.toString());
            assertTrue(wrong.stderr().contains("the key of public.orders is (id)"), wrong.stderr());
            CliRun half = CliRun.of(CliRun.concat(range, "--table", "public.pairs", "--key", "a=1"));
            assertEquals(Main.EXIT_USAGE, half.exitCode(), half.toString());
            CliRun noTable = CliRun.of(CliRun.concat(range, "--key", "id=1"));
            assertEquals(Main.EXIT_USAGE, noTable.exitCode(), noTable.toString());
            CliRun unknown = CliRun.of(CliRun.concat(range, "--table", "public.nosuch", "--key", "id=1"));
            assertEquals(Main.EXIT_USAGE, unknown.exitCode(), unknown.toString());
            assertTrue(unknown.stderr().contains("not in the catalog"), unknown.stderr());
        }
    }

    /** Runs one statement in a transaction of its own; returns its xid as the server reports it. */
    private static long tx(Connection c, String sql) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute(sql);
            try (ResultSet rs = s.executeQuery("SELECT txid_current()")) {
                rs.next();
                long xid = rs.getLong(1);
                c.commit();
                return xid;
            }
        } finally {
            c.setAutoCommit(true);
        }
    }
}
