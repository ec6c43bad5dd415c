package org.xlogminer.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.xlogminer.render.ScriptTransactions.BY_ID;
import static org.xlogminer.render.ScriptTransactions.transactions;

import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.render.ScriptTransactions.Tx;

/**
 * The UNDO script is the transactions newest first, each as header + BEGIN, its statements newest
 * first, COMMIT (or ROLLBACK), an incomplete one marked so: checked against that order built here from the renderer's own
 * statements, with chunks small enough that most of the script goes through the temporary file,
 * statements larger than a chunk, and text that is not ASCII (multi-byte UTF-8 across the file's
 * read windows).
 */
class SqlScriptWriterUndoTest {

    @TempDir
    Path tmp;

    /** What the UNDO script must be, built from the renderer's statements. */
    private static String expected(List<Tx> txs) {
        StringBuilder sb = new StringBuilder();
        for (int x = txs.size() - 1; x >= 0; x--) {
            Tx tx = txs.get(x);
            if (tx.changes().isEmpty()) {
                continue;
            }
            sb.append(ScriptTransactions.header(tx.info(), true));
            for (int i = tx.changes().size() - 1; i >= 0; i--) {
                sb.append(BY_ID.undo(tx.changes().get(i))).append('\n');
            }
            sb.append(ScriptTransactions.end(tx.info()));
        }
        return sb.toString();
    }

    private String throughWriter(List<Tx> txs, int chunkBytes) {
        StringWriter text = new StringWriter();
        try (SqlScriptWriter w = new SqlScriptWriter(new ScriptOutput(text), BY_ID, true, tmp, chunkBytes)) {
            txs.forEach(tx -> w.write(tx.transaction(), tx.changes()));
            w.finish();
        }
        return text.toString();
    }

    private byte[] throughBytes(List<Tx> txs, int chunkBytes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8));
        try (SqlScriptWriter w = new SqlScriptWriter(new ScriptOutput(out, bytes, null), BY_ID, true, tmp, chunkBytes)) {
            txs.forEach(tx -> w.write(tx.transaction(), tx.changes()));
            w.finish();
        }
        return bytes.toByteArray();
    }

    /** Through the byte stream, with the read-back going to the file beneath it by its channel. */
    private byte[] throughFileChannel(List<Tx> txs, int chunkBytes) throws Exception {
        Path file = Files.createTempFile("undo-out-", ".sql");
        try (java.io.FileOutputStream fos = new java.io.FileOutputStream(file.toFile())) {
            java.io.BufferedOutputStream bytes = new java.io.BufferedOutputStream(fos, 1 << 16);
            PrintWriter out = new PrintWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8));
            out.print("-- before\n"); // what went through the writer comes first
            try (SqlScriptWriter w = new SqlScriptWriter(new ScriptOutput(out, bytes, fos.getChannel()), BY_ID, true, tmp,
                chunkBytes)) {
                txs.forEach(tx -> w.write(tx.transaction(), tx.changes()));
                w.finish();
            }
            out.print("-- after\n");
            out.flush();
        }
        try {
            return Files.readAllBytes(file);
        } finally {
            Files.delete(file);
        }
    }

    /** The same with a channel that is not a file's (transferTo's loop through the JDK's buffer). */
    private byte[] throughOtherChannel(List<Tx> txs, int chunkBytes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8));
        try (SqlScriptWriter w = new SqlScriptWriter(new ScriptOutput(out, bytes, java.nio.channels.Channels.newChannel(bytes)),
            BY_ID, true, tmp, chunkBytes)) {
            txs.forEach(tx -> w.write(tx.transaction(), tx.changes()));
            w.finish();
        }
        return bytes.toByteArray();
    }

    private long tempFiles() throws Exception {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.count();
        }
    }

    @Test
    void transactionsAndStatementsComeOutNewestFirstThroughTheFile() throws Exception {
        List<Tx> txs = transactions(42, 300);
        String want = expected(txs);
        for (int chunk : new int[] {64, 997, 4096, 1 << 20}) {
            assertEquals(want, throughWriter(txs, chunk), "writer, chunks of " + chunk);
            assertArrayEquals(want.getBytes(StandardCharsets.UTF_8), throughBytes(txs, chunk), "bytes, chunks of " + chunk);
            assertArrayEquals(("-- before\n" + want + "-- after\n").getBytes(StandardCharsets.UTF_8),
                throughFileChannel(txs, chunk), "file channel, chunks of " + chunk);
            assertArrayEquals(want.getBytes(StandardCharsets.UTF_8), throughOtherChannel(txs, chunk),
                "other channel, chunks of " + chunk);
            assertEquals(0, tempFiles(), "the temporary file is deleted on close");
        }
    }

    @Test
    void aScriptThatFitsInAChunkNeverMakesAFile() throws Exception {
        List<Tx> txs = transactions(7, 5);
        StringWriter text = new StringWriter();
        try (SqlScriptWriter w = new SqlScriptWriter(new ScriptOutput(text), BY_ID, true, tmp, 1 << 20)) {
            txs.forEach(tx -> w.write(tx.transaction(), tx.changes()));
            assertEquals(0, tempFiles());
            w.finish();
        }
        assertEquals(expected(txs), text.toString());
    }
}
