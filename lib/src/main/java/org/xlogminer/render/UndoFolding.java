package org.xlogminer.render;

import java.util.ArrayDeque;

import org.xlogminer.event.Row;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.Source;
import org.xlogminer.wal.Lsn;

/**
 * Folds the changes of one row within the range into one net change, for guarded UNDO: the row is
 * set back to its state before its first change, guarded by its state after its last one, in one
 * statement instead of one per change. Applied as one transaction, an UNDO statement per change of
 * a row changed thousands of times walks a chain of the versions the script itself wrote before, a
 * cost that grows with the square of the changes; and "put the rows back" means the net change.
 *
 * <p>The pieces of the script (text, and the changes to undo) go through a window of at most
 * {@link #WINDOW} pieces, in the order they come; the piece that leaves the window is laid down.
 * A change of a row that a change still in the window changed is folded into that change, in its
 * place: so a folded statement stands where its row's first change's UNDO would stand (the last of
 * the row's statements in the script, after what later changes of other rows it may depend on).
 * A row changed again after its first change left the window starts a new fold: each fold sets the
 * row back to its state before its own first change, and the newer ones come first. So memory
 * stays bounded by the window, whatever the range, and a hot row of a long range is a few
 * statements instead of one per change.
 *
 * <p>What a row's changes net to, by its first and its last change: an INSERT then a DELETE,
 * nothing (a comment says so); an INSERT then an UPDATE, deleting the row as the last left it; an
 * UPDATE or DELETE then a DELETE, inserting the row as it was before the first; an UPDATE or
 * DELETE then an UPDATE or INSERT, updating it from the last state back to the first. A comment
 * before a folded statement lists the LSNs folded (the first {@link #LSNS_LISTED}, and how many
 * more), and the check names the last change's LSN. An UPDATE that changes the key is not folded:
 * it ends the folds of its old and its new key, and its UNDO keeps its place (another row may take
 * or free either key between the changes); so does a schema change or a TRUNCATE (every fold).
 *
 * <p>A limit: a fold moves the UNDO of a row's later changes to the place of its first. When another
 * row's UNDO, between the two, needs a value of another unique constraint (or a row a foreign key
 * points to) that the folded row only gives up by undoing its later change, the script stops with
 * that constraint's error and applies nothing; a script per change ({@code undoPerChange}) keeps
 * the order of every change. Not folded: a row without a key (found by its values and ctid), one whose key the WAL
 * read does not hold, and the changes of an aborted transaction. A value that cannot be recovered
 * is marked in the folded statement as in a statement per change.
 *
 * <p>Not thread-safe: one per script writer.
 */
final class UndoFolding {

    /** The most pieces of the script the window holds. */
    static final int WINDOW = 16_384;
    /** How many of the LSNs folded into one statement its comment lists. */
    static final int LSNS_LISTED = 8;

    /** Where the pieces leaving the window go. */
    interface Target {
        /** Lays down text of the script. */
        void text(CharSequence text);

        /** Lays down the statement undoing {@code change}, {@code comment} lines before it; commented out if asked. */
        void statement(RowChange change, CharSequence comment, boolean commentOut);
    }

    /** A change to undo, or the fold of a row's changes in the range so far. */
    private static final class Fold implements FoldKeys.Keyed {
        final RowChange first;
        final boolean commentOut;
        /** Its key (null table: none): the table, the row it is taken from, where its columns are, its hash. */
        String table;
        Row keyRow;
        int[] keyIndexes;
        int keyHash;
        /** Whether {@link #byKey} holds it. */
        boolean indexed;
        /** Folded changes: the row before the first (null: inserted by the first), after the last (null: deleted). */
        Row before;
        Row after;
        RowChange last;
        int count = 1;
        long[] lsns;

        Fold(RowChange first, boolean commentOut) {
            this.first = first;
            this.last = first;
            this.commentOut = commentOut;
        }

        @Override
        public String table() {
            return table;
        }

        @Override
        public Row keyRow() {
            return keyRow;
        }

        @Override
        public int[] keyIndexes() {
            return keyIndexes;
        }

        @Override
        public int keyHash() {
            return keyHash;
        }

        @Override
        public void indexed(boolean indexed) {
            this.indexed = indexed;
        }
    }

    private final SqlRenderer renderer;
    private final Target target;
    private final int window;
    private final boolean fold;
    /** Text ({@link CharSequence}s as Strings) and {@link Fold}s, oldest first. */
    private final ArrayDeque<Object> pieces = new ArrayDeque<>();
    /** The folds still in the window, by table and key. */
    private final FoldKeys byKey;
    private final StringBuilder comment = new StringBuilder(256);

    /**
     * @param fold   whether to fold; when not, each piece is laid down as it comes
     * @param window the most pieces held (see {@link #WINDOW}; small ones let a test end folds)
     */
    UndoFolding(SqlRenderer renderer, Target target, boolean fold, int window) {
        this.renderer = renderer;
        this.target = target;
        this.fold = fold;
        this.window = fold ? window : 0;
        this.byKey = fold ? new FoldKeys(window) : null;
    }

    /** Text of the script, in order with the changes. */
    void text(CharSequence s) {
        if (window == 0) {
            target.text(s);
            return;
        }
        add(s.toString());
    }

    /** Ends every fold: a schema change or a TRUNCATE comes between their changes and later ones. */
    void barrier() {
        if (byKey != null) {
            byKey.clear();
        }
    }

    /** A change to undo; {@code committed} false: an aborted transaction's, commented out, never folded. */
    void change(RowChange c, boolean committed) {
        if (window == 0) {
            target.statement(c, "", !committed);
            return;
        }
        if (c instanceof RowChange.Truncate) {
            barrier();
        }
        if (!committed || !(c instanceof RowChange.Insert || c instanceof RowChange.Update
            || c instanceof RowChange.Delete)) {
            add(new Fold(c, !committed));
            return;
        }
        Source s = c.source();
        Row keyed = c instanceof RowChange.Insert ins ? ins.after()
            : c instanceof RowChange.Update up ? up.before() : ((RowChange.Delete) c).before();
        TableSql table = renderer.table(s, keyed);
        int[] idx = keyIndexes(table, keyed);
        if (idx == null) {
            add(new Fold(c, false)); // no key to follow the row by
            return;
        }
        String t = table.qualified;
        int hash = byKey.hash(t, keyed, idx);
        if (c instanceof RowChange.Update up && !sameKey(table, up.before(), up.after())) {
            // A new key: its UNDO keeps its place among the other rows' (a key freed or taken between
            // the changes of two rows orders their UNDOs), so it ends the folds of both keys.
            byKey.remove(t, keyed, idx, hash);
            int[] to = keyIndexes(table, up.after());
            if (to != null) {
                byKey.remove(t, up.after(), to, byKey.hash(t, up.after(), to));
            }
            add(new Fold(c, false));
            return;
        }
        Fold f = (Fold) byKey.get(t, keyed, idx, hash);
        if (f != null && !follows(f, c)) {
            byKey.remove(f); // not the row's next change as far as this range tells: start again
            f = null;
        }
        if (f == null) {
            f = new Fold(c, false);
            f.before = c instanceof RowChange.Insert ? null : keyed;
            f.after = after(c);
            f.table = t;
            f.keyRow = keyed;
            f.keyIndexes = idx;
            f.keyHash = hash;
            add(f);
            byKey.put(f);
        } else {
            if (f.lsns == null) {
                f.lsns = new long[LSNS_LISTED];
                f.lsns[0] = f.first.source().lsn();
            }
            if (f.count < LSNS_LISTED) {
                f.lsns[f.count] = s.lsn();
            }
            f.count++;
            f.after = after(c);
            f.last = c;
        }
    }

    /** Lays down every piece held. */
    void flush() {
        while (!pieces.isEmpty()) {
            layDown(pieces.removeFirst());
        }
        barrier();
    }

    private void add(Object piece) {
        pieces.addLast(piece);
        while (pieces.size() > window) {
            Object out = pieces.removeFirst();
            if (out instanceof Fold f && f.indexed) {
                byKey.remove(f); // the row's next change starts a fold of its own
            }
            layDown(out);
        }
    }

    /**
     * Whether {@code c} follows what the fold made of the row: a row gone, to insert; or a row to
     * change that holds exactly what the fold's last change left (as far as the WAL tells). When a
     * change outside the selection came between (another transaction, an operation not selected),
     * the row {@code c} changed differs: folding would set the row back over that change without a
     * guard seeing it, so the fold ends and each UNDO keeps a guard of its own.
     */
    private static boolean follows(Fold f, RowChange c) {
        if (c instanceof RowChange.Insert) {
            return f.after == null;
        }
        Row before = c instanceof RowChange.Update up ? up.before() : ((RowChange.Delete) c).before();
        return f.after != null && same(f.after, before);
    }

    private static Row after(RowChange c) {
        return c instanceof RowChange.Insert ins ? ins.after() : c instanceof RowChange.Update up ? up.after() : null;
    }

    /** Where the row's key columns are, or null when the table has no key or a key value is unknown. */
    private static int[] keyIndexes(TableSql table, Row row) {
        if (table.key.isEmpty()) {
            return null;
        }
        int[] idx = table.keyIndexes(row);
        for (int i : idx) {
            if (row.isUnknown(i)) {
                return null;
            }
        }
        return idx;
    }

    private static boolean sameKey(TableSql table, Row before, Row after) {
        int[] b = table.keyIndexes(before);
        int[] a = table.keyIndexes(after);
        for (int k = 0; k < b.length; k++) {
            if (!before.sameValue(b[k], after, a[k])) {
                return false;
            }
        }
        return true;
    }

    private void layDown(Object piece) {
        if (piece instanceof String s) {
            target.text(s);
            return;
        }
        Fold f = (Fold) piece;
        if (f.count == 1) {
            target.statement(f.first, "", f.commentOut);
            return;
        }
        Source last = f.last.source();
        RowChange net;
        String what;
        if (f.before == null) {
            net = f.after == null ? null : new RowChange.Insert(last, f.after);
            what = f.after == null ? "inserted and deleted: nothing to undo" : "inserted: deleted if still as the last left it";
        } else if (f.after == null) {
            net = new RowChange.Delete(last, f.before);
            what = "deleted: inserted as it was before the first";
        } else if (same(f.before, f.after)) {
            net = null;
            what = "back as it was: nothing to undo";
        } else {
            net = new RowChange.Update(last, f.before, f.after);
            what = "set back to before the first if still as the last left it";
        }
        comment.setLength(0);
        comment.append("-- xlogminer: ").append(f.count).append(" changes of row ");
        Row keyed = f.before != null ? f.before : f.after != null ? f.after : ((RowChange.Insert) f.first).after();
        TableSql table = renderer.table(f.first.source(), keyed);
        int at = comment.length();
        GuardedUndo.keyText(comment, table, keyed, null);
        for (int i = at; i < comment.length(); i++) {
            char ch = comment.charAt(i);
            if (ch == '\n' || ch == '\r') {
                comment.setCharAt(i, ' '); // a comment line stays one line
            }
        }
        comment.append(" of ").append(table.qualified).append(" folded into one, ").append(what).append(" (LSN ");
        for (int i = 0; i < Math.min(f.count, LSNS_LISTED); i++) {
            Lsn.appendTo(comment.append(i == 0 ? "" : ", "), f.lsns[i]);
        }
        if (f.count > LSNS_LISTED) {
            comment.append(", ... ").append(f.count - LSNS_LISTED).append(" more, the last ");
            Lsn.appendTo(comment, last.lsn());
        }
        comment.append(")\n");
        if (net == null) {
            target.text(comment);
        } else {
            target.statement(net, comment, false);
        }
    }

    /** Whether two versions of a row hold the same values (as far as the WAL tells). */
    private static boolean same(Row a, Row b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.name(i).equals(b.name(i)) || a.isUnknown(i) || b.isUnknown(i) || !a.sameValue(i, b, i)) {
                return false;
            }
        }
        return true;
    }
}
