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
 * chunks small enough that most of the script goes through the temporary file.
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
        StringWriter text = new StringWriter();
        try (SqlScriptWriter w = new SqlScriptWriter(new ScriptOutput(text), renderer, true, tmp, chunkBytes)) {
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
