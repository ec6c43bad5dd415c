package org.xlogminer.render;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import org.xlogminer.catalog.timeline.NewestNames;
import org.xlogminer.event.Row;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.Source;
import org.xlogminer.sql.SqlText;
import org.xlogminer.wal.Lsn;

/**
 * Names a change the way its UNDO must: as the newest catalog known does ({@link NewestNames}),
 * for UNDO is applied to the database as it is now. A table renamed later gets its new name, a
 * column its new one. A table that no longer exists makes the statement unrecoverable: a comment
 * saying why and a call of {@link SqlRenderer#UNRECOVERABLE}, which fails if applied. A column that
 * no longer exists is left out (a comment says so): the row as it is now never holds it; when it
 * was the only column an UPDATE changed, there is nothing left to undo and the statement is
 * unrecoverable as well. A row that the table's key now cannot find (a key column not in the row)
 * is unrecoverable too.
 *
 * <p>Thread-safe (NewestNames is).
 */
final class UndoRenaming {

    private final NewestNames names;
    private final BiFunction<String, String, List<String>> keyColumns;

    UndoRenaming(NewestNames names, BiFunction<String, String, List<String>> keyColumns) {
        this.names = names;
        this.keyColumns = keyColumns;
    }

    /**
     * The change as UNDO names it (itself when nothing is renamed or gone), with a comment line in
     * {@code sb} per column left out; or null when its UNDO is unrecoverable, the statement saying
     * so then written to {@code sb} whole.
     */
    RowChange apply(RowChange c, StringBuilder sb) {
        if (c instanceof RowChange.Truncate) {
            return c;
        }
        Source s = c.source();
        NewestNames.Table t = names.table(s.lsn(), s.commitLsn(), s.schema(), s.table());
        if (t.same(s.schema(), s.table())) {
            return c;
        }
        if (t.gone() != null) {
            return unrecoverable(sb, c, t.gone() + ": nothing to undo it in");
        }
        Source renamed = new Source(s.lsn(), s.commitLsn(), s.xid(), s.commitTime(), t.schema(), t.table(),
            s.oldCtid(), s.newCtid());
        RowChange out;
        Row row;
        if (c instanceof RowChange.Insert i) {
            row = select(i.after(), t, null, null);
            out = new RowChange.Insert(renamed, row);
        } else if (c instanceof RowChange.Delete d) {
            row = select(d.before(), t, null, null);
            out = new RowChange.Delete(renamed, row);
        } else {
            RowChange.Update u = (RowChange.Update) c;
            List<String> lost = new ArrayList<>();
            Row before = select(u.before(), t, u.after(), lost);
            row = select(u.after(), t, null, null);
            if (!lost.isEmpty() && !changedKept(before, row)) {
                return unrecoverable(sb, c, String.join("; ", lost) + ": the UPDATE changed nothing else");
            }
            out = new RowChange.Update(renamed, before, row);
        }
        for (String k : keyColumns.apply(t.schema(), t.table())) {
            if (row.indexOf(k) < 0) {
                return unrecoverable(sb, c, "the row cannot be found by the key of "
                    + SqlText.qualifiedName(t.schema(), t.table()) + " now: column " + k + " is not in it");
            }
        }
        for (String why : t.dropped().values()) {
            sb.append("-- xlogminer: ").append(why.replace('\n', ' ')).append(lost(c, why)
                ? ": its earlier value cannot be set back, it is left out of this UNDO\n" : ": left out of this UNDO\n");
        }
        return out;
    }

    /**
     * The row's columns that exist now, under their names now. With {@code other} (the row's other
     * version), each dropped column whose value differs from it goes to {@code lost}.
     */
    private static Row select(Row row, NewestNames.Table t, Row other, List<String> lost) {
        int n = row.size();
        int[] keep = new int[n];
        String[] to = new String[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            String now = t.column(row.name(i));
            if (now != null) {
                keep[k] = i;
                to[k++] = now;
            } else if (other != null) {
                int o = other.indexOf(row.name(i));
                if (o < 0 || !row.sameValue(i, other, o)) {
                    lost.add(t.dropped().get(row.name(i)));
                }
            }
        }
        return row.select(java.util.Arrays.copyOf(keep, k), java.util.Arrays.copyOf(to, k));
    }

    /** Whether the UPDATE changed the dropped column {@code why} names (its earlier value is lost with it). */
    private boolean lost(RowChange c, String why) {
        if (!(c instanceof RowChange.Update u)) {
            return false;
        }
        Source s = c.source();
        NewestNames.Table t = names.table(s.lsn(), s.commitLsn(), s.schema(), s.table());
        for (var e : t.dropped().entrySet()) {
            if (e.getValue().equals(why)) {
                int b = u.before().indexOf(e.getKey());
                int a = u.after().indexOf(e.getKey());
                return b >= 0 && (a < 0 || !u.before().sameValue(b, u.after(), a));
            }
        }
        return false;
    }

    /** Whether some column kept differs between the two versions of the row. */
    private static boolean changedKept(Row before, Row after) {
        for (int i = 0; i < before.size(); i++) {
            int o = after.indexOf(before.name(i));
            if (o < 0 || !before.sameValue(i, after, o)) {
                return true;
            }
        }
        return false;
    }

    /** The statement of a change whose UNDO cannot be made: a comment and a call that fails. */
    private static RowChange unrecoverable(StringBuilder sb, RowChange c, String why) {
        String text = "cannot undo the " + c.op().toUpperCase() + " at " + Lsn.format(c.source().lsn()) + ": " + why;
        sb.append("-- xlogminer: ").append(text.replace('\n', ' ')).append('\n');
        sb.append("SELECT ").append(SqlRenderer.UNRECOVERABLE).append('(');
        SqlText.appendLiteral(sb, text);
        sb.append(");");
        return null;
    }
}
