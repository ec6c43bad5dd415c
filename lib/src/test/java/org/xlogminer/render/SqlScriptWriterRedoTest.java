package org.xlogminer.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.xlogminer.render.ScriptTransactions.BY_ID;
import static org.xlogminer.render.ScriptTransactions.transactions;

import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.event.RowChange;
import org.xlogminer.render.ScriptTransactions.Tx;

/**
 * The REDO script is the transactions in the order they came, each as header + BEGIN, its
 * statements in WAL order, COMMIT (or ROLLBACK), an incomplete one marked so, and nothing for a
 * transaction without changes: checked against that built here from the renderer's own statements,
 * through the writer and through the byte stream beneath it (several 64 kB chunks, text that is not
 * ASCII, and what the writer held before coming first).
 */
class SqlScriptWriterRedoTest {

    @TempDir
    Path tmp;

    private static String expected(List<Tx> txs) {
        StringBuilder sb = new StringBuilder();
        for (Tx tx : txs) {
            if (tx.changes().isEmpty()) {
                continue;
            }
            sb.append(ScriptTransactions.header(tx.info(), false));
            for (RowChange c : tx.changes()) {
                sb.append(BY_ID.redo(c)).append('\n');
            }
            sb.append(ScriptTransactions.end(tx.info()));
        }
        return sb.toString();
    }

    @Test
    void transactionsAndStatementsComeOutInTheirOrderThroughTheWriter() {
        List<Tx> txs = transactions(42, 300);
        StringWriter text = new StringWriter();
        try (SqlScriptWriter w = new SqlScriptWriter(text, BY_ID, false, tmp)) {
            txs.forEach(tx -> w.write(tx.transaction(), tx.changes()));
            w.finish();
        }
        assertEquals(expected(txs), text.toString());
    }

    @Test
    void theSameThroughTheByteStreamAsChangesArrive() {
        List<Tx> txs = transactions(42, 300);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8));
        out.print("-- before\n"); // what went through the writer comes first
        try (SqlScriptWriter w = new SqlScriptWriter(new ScriptOutput(out, bytes, null), BY_ID, false, tmp)) {
            for (Tx tx : txs) {
                if (!tx.changes().isEmpty()) { // as a miner streams: only transactions with changes
                    w.begin(tx.info());
                    tx.changes().forEach(c -> w.change(tx.info(), c));
                    w.end(tx.info());
                }
            }
            w.finish();
        }
        String want = expected(txs);
        assertTrue(want.getBytes(StandardCharsets.UTF_8).length > 3 * ScriptOutput.OUT_CHUNK, "several chunks");
        assertArrayEquals(("-- before\n" + want).getBytes(StandardCharsets.UTF_8), bytes.toByteArray());
    }
}
