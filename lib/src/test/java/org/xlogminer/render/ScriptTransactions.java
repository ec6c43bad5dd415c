package org.xlogminer.render;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.xlogminer.event.Column;
import org.xlogminer.event.Row;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.Source;
import org.xlogminer.event.Transaction;
import org.xlogminer.event.TransactionInfo;
import org.xlogminer.event.Value;
import org.xlogminer.wal.Lsn;

/**
 * Transactions for the script writers' tests: some empty, some aborted, some incomplete, with text
 * that is not ASCII and now and then statements longer than a small chunk; and the script they
 * must give, built here from the renderer's own statements.
 */
final class ScriptTransactions {

    static final SqlRenderer BY_ID = new SqlRenderer((s, t) -> List.of("id"), false);

    record Tx(TransactionInfo info, List<RowChange> changes) {
        Transaction transaction() {
            return new Transaction(info.xid(), info.commitLsn(), info.commitTime(), info.committed(), info.incomplete(), changes);
        }
    }

    private ScriptTransactions() {
    }

    static List<Tx> transactions(long seed, int count) {
        Random rnd = new Random(seed);
        String[] words = {"a", "ünïcödé", "日本語テキスト", "emoji \uD83D\uDE00 here", "quote's", "plain ascii text"};
        List<Tx> txs = new ArrayList<>();
        for (int x = 0; x < count; x++) {
            List<RowChange> changes = new ArrayList<>();
            int n = rnd.nextInt(6);
            for (int i = 0; i < n; i++) {
                StringBuilder text = new StringBuilder();
                int parts = rnd.nextInt(10) == 0 ? 200 : 1 + rnd.nextInt(4); // now and then longer than a chunk
                for (int k = 0; k < parts; k++) {
                    text.append(words[rnd.nextInt(words.length)]).append(' ');
                }
                String t = text.toString();
                Source src = new Source(0x1000 + i, 0x2000 + x, 700 + x, Instant.EPOCH, "public", "t", "(0," + (i + 1) + ")", null);
                Row before = new Row(List.of(new Column("id", "integer", new Value.Known(String.valueOf(i), String.valueOf(i))),
                    new Column("v", "text", new Value.Known(t, "'" + t.replace("'", "''") + "'"))));
                changes.add(switch (rnd.nextInt(3)) {
                    case 0 -> new RowChange.Insert(src, before);
                    case 1 -> new RowChange.Delete(src, before);
                    default -> new RowChange.Update(src, before, before);
                });
            }
            txs.add(new Tx(new TransactionInfo(700 + x, 0x2000L + 0x100L * x,
                Instant.parse("2026-11-21T10:00:00Z").plusMillis(x), rnd.nextInt(5) > 0, x % 7 == 3), changes));
        }
        return txs;
    }

    /** A transaction's header comment and BEGIN, as the script must have them. */
    static String header(TransactionInfo tx, boolean undo) {
        StringBuilder header = new StringBuilder("-- xid ").append(tx.xid())
            .append(tx.committed() ? " committed at " : " ABORTED at ");
        Lsn.appendTo(header, tx.commitLsn());
        ScriptWriter.appendTime(header.append(' '), tx.commitTime());
        header.append(undo ? " (undo)\n" : "\n");
        if (tx.incomplete()) {
            header.append("-- xlogminer: INCOMPLETE: the transaction may have begun before the WAL read; "
                + "changes it made before that are missing\n");
        }
        return header.append("BEGIN;\n").toString();
    }

    static String end(TransactionInfo tx) {
        return tx.committed() ? "COMMIT;\n\n" : "ROLLBACK;\n\n";
    }
}
