package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.xlogminer.TestData;

/**
 * {@code xlogminer mine} and {@code stats} on the shipped WAL of an UPDATE without WHERE
 * (testdata/pg15-accounts-update): 50 accounts set to balance 0, and the UNDO that gives each its
 * balance back.
 */
class MineCommandTest {

    private static final Path DIR = TestData.dir("pg15-accounts-update");

    private static String[] args(String... more) throws Exception {
        String from = Files.readAllLines(DIR.resolve("range.txt")).get(0).split(" ")[1];
        List<String> a = new java.util.ArrayList<>(List.of("--wal-dir", DIR.resolve("pg_wal").toString(),
            "--catalog", DIR.resolve("catalog.json").toString(), "--from-lsn", from));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void redoShowsTheAccidentOneStatementPerRow() throws Exception {
        CliRun run = CliRun.of(args());
        assertEquals(0, run.exitCode(), run.toString());
        List<String> lines = run.stdoutLines();
        assertTrue(lines.get(0).matches("-- xid \\d+ committed at 0/[0-9A-F]{8} .*"), lines.get(0));
        assertEquals("BEGIN;", lines.get(1));
        assertEquals("COMMIT;", lines.get(52));
        for (String l : lines.subList(2, 52)) {
            assertTrue(l.startsWith("UPDATE public.accounts SET id = ") && l.contains(", balance = 0.00, ")
                && l.matches(".* WHERE id = \\d+;"), l);
        }
        assertTrue(run.stderr().contains("1 transactions, 50 row changes"), run.stderr());
    }

    @Test
    void undoPutsEveryBalanceBackNewestFirst() throws Exception {
        CliRun run = CliRun.of(args("--undo", "--undo-guard=none"));
        assertEquals(0, run.exitCode(), run.toString());
        List<String> lines = run.stdoutLines();
        assertTrue(lines.get(0).endsWith("(undo)"), lines.get(0));
        List<String> updates = lines.subList(2, 52);
        assertTrue(updates.get(0).endsWith("WHERE id = 50;"), "newest statement first: " + updates.get(0));
        for (String l : updates) {
            int id = Integer.parseInt(l.replaceAll(".* WHERE id = (\\d+);", "$1"));
            assertTrue(l.contains(", balance = " + balance(id) + ", "), "account " + id + " gets " + balance(id) + " back: " + l);
        }
    }

    /** The balance the generator gave account {@code id}: round(id * 37.5 % 10000, 2). */
    private static String balance(int id) {
        return new java.math.BigDecimal(id).multiply(new java.math.BigDecimal("37.5"))
            .remainder(new java.math.BigDecimal(10000)).setScale(2).toPlainString();
    }

    @Test
    void guardedUndoIsOneTransactionSettingBackTheBalanceWhereItIsStillZero() throws Exception {
        CliRun run = CliRun.of(args("--undo"));
        assertEquals(0, run.exitCode(), run.toString());
        List<String> lines = run.stdoutLines();
        assertTrue(lines.get(0).startsWith("-- xlogminer: guarded UNDO, one transaction"), lines.get(0));
        int header = lines.indexOf(lines.stream().filter(l -> l.endsWith("(undo)")).findFirst().orElseThrow());
        assertEquals(1, lines.stream().filter("BEGIN;"::equals).count(), "one transaction");
        assertEquals("BEGIN;", lines.get(2));
        List<String> updates = lines.subList(header + 1, header + 51);
        // one statement prepared after the check function, a row per EXECUTE of it
        assertEquals("PREPARE xlogminer_1 AS WITH u AS (UPDATE public.accounts SET balance = $1 WHERE id = $2 AND "
            + "balance = $3 RETURNING 1) SELECT pg_temp.xlogminer_check(count(*), 'public.accounts', $4, $5) FROM u;",
            lines.get(header - 2));
        for (int k = 0; k < 50; k++) {
            int id = 50 - k; // newest first
            assertEquals("EXECUTE xlogminer_1(" + balance(id) + ", " + id + ", 0.00, 'id=" + id + "', ",
                updates.get(k).substring(0, updates.get(k).indexOf("'0/")));
        }
        assertEquals(List.of("", "COMMIT;"), lines.subList(header + 51, lines.size()));
        CliRun perChange = CliRun.of(args("--undo", "--undo-per-change"));
        assertEquals(run.stdout(), perChange.stdout(), "no row changed twice: nothing to fold");
        CliRun skip = CliRun.of(args("--undo", "--undo-conflicts=skip"));
        assertTrue(skip.stdout().endsWith("\nSELECT pg_temp.xlogminer_skipped();\nCOMMIT;\n"), skip.toString());
        CliRun all = CliRun.of(args("--undo", "--undo-guard=all"));
        assertTrue(all.stdoutLines().get(header - 2).matches("PREPARE xlogminer_1 AS WITH u AS \\(UPDATE public\\.accounts SET "
            + "id = \\$1, .* WHERE id = \\$\\d+ AND .* AND balance = \\$\\d+ AND .*"), all.stdoutLines().get(header - 2));
    }

    @Test
    void changedColumnsOnlySetsTheBalance() throws Exception {
        CliRun run = CliRun.of(args("--undo", "--changed-columns", "--undo-guard=none"));
        assertTrue(run.stdoutLines().get(2).matches("UPDATE public\\.accounts SET balance = [0-9.]+ WHERE id = 50;"),
            run.stdoutLines().get(2));
    }

    @Test
    void anUnknownGuardIsAUsageError() throws Exception {
        CliRun run = CliRun.of(args("--undo", "--undo-guard=some"));
        assertEquals(Main.EXIT_USAGE, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("--undo-guard"), run.stderr());
    }

    @Test
    void jsonHasOneObjectPerRowChange() throws Exception {
        CliRun run = CliRun.of(args("--format", "json"));
        assertEquals(0, run.exitCode(), run.toString());
        ObjectMapper m = new ObjectMapper();
        List<String> lines = run.stdoutLines();
        assertEquals(50, lines.size());
        JsonNode first = m.readTree(lines.get(0));
        assertEquals("update", first.get("op").asText());
        assertEquals("accounts", first.get("table").asText());
        assertEquals("0.00", first.get("after").get("balance").asText());
        assertTrue(first.get("before").get("balance").asText().matches("[0-9]+\\.[0-9]{2}"));
        assertTrue(first.get("undo").asText().startsWith("UPDATE public.accounts SET"));
        assertTrue(first.get("commit_lsn").asText().matches("0/[0-9A-F]{8}"));
    }

    /** Each line flushed on its own was a write(2) per row change: the output is flushed at the end. */
    @Test
    void jsonLinesAreNotFlushedOneByOne() throws Exception {
        int[] flushes = new int[1];
        java.io.StringWriter text = new java.io.StringWriter();
        java.io.Writer counting = new java.io.FilterWriter(text) {
            @Override
            public void flush() throws java.io.IOException {
                flushes[0]++;
                super.flush();
            }
        };
        int code = Main.run(args("--format", "json"), new java.io.PrintWriter(counting), new java.io.PrintWriter(new java.io.StringWriter()));
        assertEquals(0, code);
        assertEquals(50, text.toString().split("\n").length);
        assertTrue(flushes[0] <= 3, "50 lines written with " + flushes[0] + " flushes");
    }

    @Test
    void filtersByTableAndOperation() throws Exception {
        // each run exits 0: an option refused would print nothing too
        CliRun otherTable = CliRun.of(args("--table", "public.other"));
        assertEquals(List.of(0, 0), List.of(otherTable.exitCode(), otherTable.stdoutLines().size()), otherTable.toString());
        CliRun otherOps = CliRun.of(args("--op", "insert,delete"));
        assertEquals(List.of(0, 0), List.of(otherOps.exitCode(), otherOps.stdoutLines().size()), otherOps.toString());
        CliRun both = CliRun.of(args("--table", "PUBLIC.Accounts", "--op", "update"));
        assertEquals(List.of(0, 53), List.of(both.exitCode(), both.stdoutLines().size()), both.toString());
        assertEquals(2, CliRun.of(args("--op", "nope")).exitCode());
    }

    @Test
    void aCatalogFileThatIsNotOneIsAUsageErrorWithoutAStackTrace(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path bad = Files.writeString(tmp.resolve("catalog.json"), "{\"bad\": ");
        String[] a = args();
        a[3] = bad.toString();
        CliRun run = CliRun.of(a);
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.stderr().startsWith("xlogminer: error: " + bad + ": not a JSON catalog file"), run.stderr());
        assertTrue(!run.stderr().contains("\tat "), "no stack trace: " + run.stderr());
    }

    @Test
    void statsFindTheAccident() throws Exception {
        String[] a = args();
        String[] s = new String[a.length + 1];
        s[0] = "stats";
        System.arraycopy(a, 0, s, 1, a.length);
        CliRun run = CliRun.of(s);
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().lines().anyMatch(l -> l.matches("public\\.accounts\\s+0\\s+50\\s+0\\s+0 .*")), run.stdout());
    }

    @Test
    void statsFlagsTheBurstPastTheThreshold() throws Exception {
        List<String> s = new java.util.ArrayList<>(List.of("stats"));
        s.addAll(List.of(args("--big-txn-rows", "40")));
        CliRun run = CliRun.of(s.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().lines().anyMatch(l -> l.matches("\\d+ .* public\\.accounts +50 rows updated in one burst "
            + "\\(more than --big-txn-rows 40\\), .*")), run.stdout());
        s.set(s.size() - 1, "0");
        assertEquals(2, CliRun.of(s.toArray(String[]::new)).exitCode());
    }

    @Test
    void whereSelectsByOldAndNewValues() throws Exception {
        CliRun all = CliRun.of(args("--format", "json", "--where", "new.balance = 0 AND old.balance <> 0"));
        assertEquals(0, all.exitCode(), all.toString());
        assertEquals(50, all.stdoutLines().size());
        CliRun some = CliRun.of(args("--format", "json", "--where", "old.balance BETWEEN '100' AND 200.5 OR id IN (1, 2)"));
        ObjectMapper json = new ObjectMapper();
        for (String line : some.stdoutLines()) {
            JsonNode before = json.readTree(line).get("before");
            double balance = Double.parseDouble(before.get("balance").asText());
            int id = before.get("id").asInt();
            assertTrue(balance >= 100 && balance <= 200.5 || id <= 2, line);
        }
        long expected = all.stdoutLines().stream().map(l -> {
            try {
                JsonNode before = json.readTree(l).get("before");
                double b = Double.parseDouble(before.get("balance").asText());
                return b >= 100 && b <= 200.5 || before.get("id").asInt() <= 2;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).filter(x -> x).count();
        assertEquals(expected, some.stdoutLines().size(), some.toString());
        assertTrue(expected > 2 && expected < 50, "a real selection: " + expected);
    }

    @Test
    void systemCatalogRowsOnlyWhenAskedFor() {
        String wal = DIR.resolve("pg_wal").toString();
        String cat = DIR.resolve("catalog.json").toString();
        // the whole segment: the CREATE TABLE and the INSERT of the 50 accounts, then the UPDATE
        CliRun all = CliRun.of("--wal-dir", wal, "--catalog", cat);
        assertEquals(0, all.exitCode(), all.toString());
        assertTrue(!all.stdout().contains("pg_catalog."), "DDL's own catalog rows are not shown");
        assertEquals(50, all.stdoutLines().stream().filter(l -> l.startsWith("INSERT INTO public.accounts")).count());
        CliRun sys = CliRun.of("--wal-dir", wal, "--catalog", cat, "--include-system-catalogs");
        assertTrue(sys.stdout().contains("INSERT INTO pg_catalog.pg_class "), "with the option they are");
    }
}
