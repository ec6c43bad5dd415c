package org.xlogminer.forensics;

import java.io.PrintWriter;
import java.util.List;

import org.xlogminer.event.ChangeHandler;
import org.xlogminer.event.Row;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.TableName;
import org.xlogminer.event.TransactionInfo;
import org.xlogminer.event.Value;
import org.xlogminer.wal.Lsn;

/**
 * Prints a row's history as text, one entry per change: a heading line (LSN, xid, commit time,
 * operation, table, key), then a line per column with its value before and after; a changed
 * column's line is marked with {@code *}, and, for a terminal, bold.
 * <pre>
 * 0/0153F3D0  xid 745  2026-12-07T04:40:45.123456Z  UPDATE  public.acct  id=2
 *     column   before  after
 *   * balance  20.00   0.00
 *     id       2       2
 * </pre>
 * NULL prints as {@code NULL}, a value the WAL read does not hold as {@code ?} with the reason at
 * the end of its line, a row that does not exist (before an INSERT, after a DELETE) as {@code -}.
 *
 * <p>Not thread-safe.
 */
public final class HistoryText implements ChangeHandler {

    private static final String BOLD = "\u001b[1m";
    private static final String RESET = "\u001b[0m";
    /** Before-values wider than this do not widen the column for the others. */
    private static final int MAX_WIDTH = 40;

    private final PrintWriter out;
    private final List<String> keyColumns;
    private final boolean color;

    /**
     * @param keyColumns the table's key, named in each heading
     * @param color      mark changed columns with ANSI bold too (a terminal)
     */
    public HistoryText(PrintWriter out, List<String> keyColumns, boolean color) {
        this.out = out;
        this.keyColumns = keyColumns;
        this.color = color;
    }

    @Override
    public void begin(TransactionInfo tx) {
    }

    @Override
    public void end(TransactionInfo tx) {
    }

    @Override
    public void change(TransactionInfo tx, RowChange c) {
        TableName table = new TableName(c.source().schema(), c.source().table());
        Row before = c instanceof RowChange.Update u ? u.before() : c instanceof RowChange.Delete d ? d.before() : null;
        Row after = c instanceof RowChange.Update u ? u.after() : c instanceof RowChange.Insert i ? i.after() : null;
        Row keyed = after != null ? after : before;
        RowKey key = keyed == null ? null : RowKey.of(table, keyColumns, keyed);
        out.println(Lsn.format(c.source().lsn()) + "  xid " + tx.xid() + "  " + tx.commitTime() + "  "
            + c.op().toUpperCase(java.util.Locale.ROOT) + "  " + table + (key == null ? "" : "  " + key.text(keyColumns))
            + (tx.committed() ? "" : "  (aborted)"));
        if (keyed == null) {
            return; // a TRUNCATE: no row to show
        }
        int n = keyed.size();
        int nameWidth = "column".length();
        int beforeWidth = "before".length();
        for (int i = 0; i < n; i++) {
            nameWidth = Math.max(nameWidth, keyed.name(i).length());
            if (before != null) {
                beforeWidth = Math.max(beforeWidth, Math.min(MAX_WIDTH, text(before, before.indexOf(keyed.name(i))).length()));
            }
        }
        out.println("    " + pad("column", nameWidth) + "  " + pad("before", beforeWidth) + "  after");
        for (int i = 0; i < n; i++) {
            String name = keyed.name(i);
            int b = before == null ? -1 : before.indexOf(name);
            int a = after == null ? -1 : after.indexOf(name);
            boolean changed = before != null && after != null && (b < 0 || a < 0 || !before.sameValue(b, after, a));
            StringBuilder line = new StringBuilder();
            line.append(changed ? "  * " : "    ").append(pad(name, nameWidth)).append("  ")
                .append(pad(before == null ? "-" : text(before, b), beforeWidth)).append("  ")
                .append(after == null ? "-" : text(after, a));
            String why = unknown(before, b);
            why = why != null ? why : unknown(after, a);
            if (why != null) {
                line.append("  (? unrecoverable: ").append(why.replace('\n', ' ')).append(')');
            }
            out.println(changed && color ? BOLD + line + RESET : line.toString());
        }
    }

    private static String text(Row row, int i) {
        if (i < 0) {
            return "-";
        }
        if (row.isNull(i)) {
            return "NULL";
        }
        if (row.isUnknown(i)) {
            return "?";
        }
        StringBuilder sb = new StringBuilder();
        row.appendText(i, sb);
        return sb.toString();
    }

    private static String unknown(Row row, int i) {
        return row != null && i >= 0 && row.value(i) instanceof Value.Unknown u ? u.reason() : null;
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
