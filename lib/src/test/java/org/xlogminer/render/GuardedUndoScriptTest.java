package org.xlogminer.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.xlogminer.render.ScriptTransactions.transactions;

import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.render.ScriptTransactions.Tx;

/**
 * The guarded UNDO script is one transaction: the check function and BEGIN at the top, COMMIT at the
 * end, between them the transactions newest first, each as its header comment and its statements
 * newest first (commented out for an aborted one); checked against that order built here, with
 * chunks small enough that most of the script goes through the temporary file. Statements one per
 * change, as written (the defaults, prepared statements and rows folded, are checked apart: the
 * prepared script expands to this one).
 */
class GuardedUndoScriptTest {

    private static final SqlRenderer STOP = new SqlRenderer((s, t) -> List.of("id"), false, UndoGuard.CHANGED, false);
    private static final SqlRenderer SKIP = new SqlRenderer((s, t) -> List.of("id"), false, UndoGuard.CHANGED, true);

    @TempDir
    Path tmp;

    private static String expected(SqlRenderer renderer, List<Tx> txs) {
        StringBuilder sb = new StringBuilder(renderer.undoScriptStart());
        for (int x = txs.size() - 1; x >= 0; x--) {
            Tx tx = txs.get(x);
            if (tx.changes().isEmpty()) {
                continue;
            }
            String header = ScriptTransactions.header(tx.info(), true);
            sb.append(header, 0, header.length() - "BEGIN;\n".length());
            for (int i = tx.changes().size() - 1; i >= 0; i--) {
                String sql = renderer.undo(tx.changes().get(i));
                sb.append(tx.info().committed() ? sql : "-- " + sql.replace("\n", "\n-- ")).append('\n');
            }
            sb.append('\n');
        }
        return sb.append(renderer.undoScriptEnd()).toString();
    }

    private String script(SqlRenderer renderer, List<Tx> txs, int chunkBytes) {
        return script(renderer, txs, chunkBytes, false);
    }

    private String script(SqlRenderer renderer, List<Tx> txs, int chunkBytes, boolean prepare) {
        StringWriter text = new StringWriter();
        try (SqlScriptWriter w = new SqlScriptWriter(new ScriptOutput(text), renderer, tmp, chunkBytes, prepare, 0)) {
            txs.forEach(tx -> w.write(tx.transaction(), tx.changes()));
            w.finish();
        }
        return text.toString();
    }

    @Test
    void oneTransactionNewestFirstThroughTheFile() {
        List<Tx> txs = transactions(42, 300);
        for (SqlRenderer r : List.of(STOP, SKIP)) {
            String want = expected(r, txs);
            for (int chunk : new int[] {64, 4096, 1 << 20}) {
                assertEquals(want, script(r, txs, chunk), "chunks of " + chunk);
            }
            List<String> lines = List.of(want.split("\n"));
            assertEquals(1, lines.stream().filter("BEGIN;"::equals).count(), "one BEGIN");
            assertEquals(1, lines.stream().filter("COMMIT;"::equals).count(), "one COMMIT");
            assertEquals("COMMIT;", lines.get(lines.size() - 1));
            assertFalse(want.contains("ROLLBACK;"), "an aborted transaction is commented out, not rolled back");
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("-- WITH u AS (")), "aborted statements commented out");
        }
    }

    @Test
    void preparedStatementsExpandToTheStatementsPerChange() {
        List<Tx> txs = transactions(7, 200);
        for (SqlRenderer r : List.of(STOP, SKIP)) {
            String plain = script(r, txs, 4096);
            String prepared = script(r, txs, 4096, true);
            assertTrue(prepared.contains("\nPREPARE xlogminer_1 AS WITH u AS ("), prepared);
            assertTrue(prepared.contains("\nEXECUTE xlogminer_"), prepared);
            assertTrue(prepared.length() < plain.length() + 4000, "the shapes are few");
            assertEquals(plain, expand(prepared));
        }
    }

    /** The script with each EXECUTE replaced by its prepared statement, the values in place of the parameters. */
    private static String expand(String script) {
        java.util.Map<String, String> shapes = new java.util.HashMap<>();
        StringBuilder out = new StringBuilder();
        for (String line : script.split("\n", -1)) {
            if (line.startsWith("PREPARE ")) {
                int as = line.indexOf(" AS ");
                shapes.put(line.substring("PREPARE ".length(), as), line.substring(as + 4));
                continue;
            }
            if (line.startsWith("EXECUTE ")) {
                int open = line.indexOf('(');
                String shape = shapes.get(line.substring("EXECUTE ".length(), open));
                List<String> values = values(line.substring(open + 1, line.length() - 2));
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$(\\d+)").matcher(shape);
                StringBuilder sb = new StringBuilder();
                while (m.find()) {
                    m.appendReplacement(sb, java.util.regex.Matcher.quoteReplacement(values.get(Integer.parseInt(m.group(1)) - 1)));
                }
                line = m.appendTail(sb).toString();
            }
            out.append(line).append('\n');
        }
        // the PREPAREs and the blank line after them
        return out.substring(0, out.length() - 1).replaceFirst("\\$xlogminer\\$;\n\n\n", "\\$xlogminer\\$;\n\n");
    }

    /** The values of an EXECUTE's list: split at commas outside quotes. */
    private static List<String> values(String list) {
        List<String> v = new java.util.ArrayList<>();
        boolean quoted = false;
        int from = 0;
        for (int i = 0; i < list.length(); i++) {
            char c = list.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                v.add(list.substring(from, i));
                from = i + 2;
            }
        }
        v.add(list.substring(from));
        return v;
    }

    @Test
    void theCheckStopsOrSkipsAndTheSkippedAreReported() {
        String stop = STOP.undoScriptStart();
        assertTrue(stop.startsWith("-- xlogminer: guarded UNDO, one transaction; apply with: psql -v ON_ERROR_STOP=1 -f FILE\n"),
            stop);
        assertTrue(stop.contains("\nBEGIN;\nCREATE OR REPLACE FUNCTION pg_temp.xlogminer_check(n bigint, tab text, key text, "
            + "lsn text) RETURNS void\n"), stop);
        assertTrue(stop.contains("RAISE EXCEPTION 'xlogminer: conflict undoing the change at LSN %: row % of % is not as "
            + "that change left it', lsn, key, tab"), stop);
        assertFalse(stop.contains("NOTICE") || stop.contains("xlogminer_skipped"), stop);
        assertEquals("COMMIT;\n", STOP.undoScriptEnd());

        String skip = SKIP.undoScriptStart();
        assertTrue(skip.contains("RAISE NOTICE 'xlogminer: skipped: row % of % is not as the change at LSN % left it'"), skip);
        assertTrue(skip.contains("CREATE OR REPLACE FUNCTION pg_temp.xlogminer_skipped() RETURNS void"), skip);
        assertEquals("SELECT pg_temp.xlogminer_skipped();\nCOMMIT;\n", SKIP.undoScriptEnd());
        assertTrue(skip.endsWith("$xlogminer$;\n\n") && stop.endsWith("$xlogminer$;\n\n"), "a blank line before the first transaction");
    }

    @Test
    void nothingToUndoIsAnEmptyScript() {
        assertEquals("", script(STOP, List.of(), 1 << 20));
        assertEquals("", new SqlRenderer((s, t) -> List.of("id"), false).undoScriptStart());
    }
}
