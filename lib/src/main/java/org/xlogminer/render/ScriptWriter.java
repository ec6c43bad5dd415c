package org.xlogminer.render;

import java.io.Closeable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.xlogminer.event.ChangeHandler;
import org.xlogminer.event.TransactionInfo;
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.reader.TimelineHistory;

/**
 * What the REDO and the UNDO script share: the {@link ScriptOutput} they write to, the renderer of
 * their statements, and the text around a transaction's statements (the header comment naming its
 * xid, commit LSN and commit time, and its timeline when the WAL read spans several, {@code BEGIN;}, and {@code COMMIT;} or {@code ROLLBACK;}).
 *
 * <p>Not thread-safe: one thread writes the script.
 */
abstract sealed class ScriptWriter implements ChangeHandler, Closeable permits RedoScriptWriter, UndoScriptWriter {

    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);
    private static final String COMMIT = "COMMIT;\n\n";
    private static final String ROLLBACK = "ROLLBACK;\n\n";

    final ScriptOutput out;
    final SqlRenderer renderer;
    /** One builder for every statement: no String per statement. */
    final StringBuilder statement = new StringBuilder(1024);
    private final StringBuilder header = new StringBuilder(4096);
    /** The timeline path to name each transaction's timeline by; null: not named (one timeline). */
    private TimelineHistory timelines;

    ScriptWriter(ScriptOutput out, SqlRenderer renderer) {
        this.out = out;
        this.renderer = renderer;
    }

    /** Names the timeline of each transaction's commit in its header, as {@code history} says. */
    final void nameTimelines(TimelineHistory history) {
        this.timelines = history;
    }

    /** Writes what is still held and flushes the output. */
    abstract void finish();

    @Override
    public void close() {
    }

    /** The transaction's last line and the blank line after it. */
    static String commitLine(TransactionInfo tx) {
        return tx.committed() ? COMMIT : ROLLBACK;
    }

    /** The transaction's header comment, marked {@code (undo)} for UNDO, then {@code BEGIN;}. */
    final StringBuilder header(TransactionInfo tx, boolean undo) {
        return headerComment(tx, undo).append("BEGIN;\n");
    }

    /** The transaction's header comment (lines naming it), marked {@code (undo)} for UNDO. */
    final StringBuilder headerComment(TransactionInfo tx, boolean undo) {
        StringBuilder text = header;
        text.setLength(0);
        text.append("-- xid ").append(tx.xid()).append(tx.committed() ? " committed at " : " ABORTED at ");
        Lsn.appendTo(text, tx.commitLsn());
        appendTime(text.append(' '), tx.commitTime());
        if (timelines != null) {
            text.append(" on timeline ").append(Integer.toUnsignedString(timelines.timelineAt(tx.commitLsn())));
        }
        if (undo) {
            text.append(" (undo)");
        }
        text.append('\n');
        if (tx.incomplete()) {
            text.append("-- xlogminer: INCOMPLETE: the transaction may have begun before the WAL read; "
                + "changes it made before that are missing\n");
        }
        return text;
    }

    /**
     * The commit time as {@link #TIME} writes it, by hand for the years 1000-9999 (a formatter per
     * transaction was a sixth of the writing thread's time).
     */
    static void appendTime(StringBuilder out, Instant t) {
        long sec = t.getEpochSecond();
        LocalDate d = LocalDate.ofEpochDay(Math.floorDiv(sec, 86400));
        if (d.getYear() < 1000 || d.getYear() > 9999) {
            out.append(TIME.format(t));
            return;
        }
        int sod = (int) Math.floorMod(sec, 86400);
        out.append(d.getYear()).append('-');
        two(out, d.getMonthValue()).append('-');
        two(out, d.getDayOfMonth()).append(' ');
        two(out, sod / 3600).append(':');
        two(out, sod / 60 % 60).append(':');
        two(out, sod % 60).append('.');
        int micros = t.getNano() / 1000;
        for (int div = 100000; div > 0; div /= 10) {
            out.append((char) ('0' + micros / div % 10));
        }
        out.append("+00:00");
    }

    private static StringBuilder two(StringBuilder out, int v) {
        return out.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }
}
