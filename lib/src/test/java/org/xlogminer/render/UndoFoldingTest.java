package org.xlogminer.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.xlogminer.render.SqlRendererTest.c;
import static org.xlogminer.render.SqlRendererTest.row;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xlogminer.event.Row;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.Source;

/**
 * What a row's changes fold into, in which place, and where folding stops (a new key, the window);
 * the statements are the renderer's own, applied to real servers by {@code FoldedUndoIT}.
 */
class UndoFoldingTest {

    private static final SqlRenderer R = new SqlRenderer((s, t) -> List.of("id"), false, UndoGuard.CHANGED, false);

    private static Source at(long lsn) {
        return new Source(lsn, 0x9000, 727, Instant.EPOCH, "public", "t", "(0,1)", "(0,2)");
    }

    private static Row r(int id, String v) {
        return row(c("id", "integer", "" + id, "" + id), c("v", "text", v, "'" + v + "'"));
    }

    /** The pieces laid down, in order: text as it is, a statement as the renderer writes it. */
    private static List<String> run(int window, List<Object> input) {
        List<String> out = new ArrayList<>();
        UndoFolding f = new UndoFolding(R, new UndoFolding.Target() {
            @Override
            public void text(CharSequence text) {
                out.add(text.toString());
            }

            @Override
            public void statement(RowChange change, CharSequence comment, boolean commentOut) {
                out.add(comment + R.undo(change));
            }
        }, true, window);
        for (Object o : input) {
            if (o instanceof RowChange ch) {
                f.change(ch, true);
            } else {
                f.text((String) o);
            }
        }
        f.flush();
        return out;
    }

    @Test
    void aRowsChangesNetToOneStatementInThePlaceOfItsFirst() {
        List<String> out = run(100, List.of(
            "tx1", new RowChange.Update(at(0x10), r(1, "a"), r(1, "b")),
            new RowChange.Insert(at(0x20), r(2, "new")),
            "tx2", new RowChange.Update(at(0x30), r(1, "b"), r(1, "c")),
            new RowChange.Update(at(0x40), r(2, "new"), r(2, "newer")),
            new RowChange.Delete(at(0x50), r(2, "newer")),
            new RowChange.Delete(at(0x60), r(5, "five")), new RowChange.Insert(at(0x70), r(5, "five"))));
        assertEquals(List.of("tx1",
            "-- xlogminer: 2 changes of row 'id=1' of public.t folded into one, set back to before the first if still "
                + "as the last left it (LSN 0/00000010, 0/00000030)\n"
                + R.undo(new RowChange.Update(at(0x30), r(1, "a"), r(1, "c"))),
            "-- xlogminer: 3 changes of row 'id=2' of public.t folded into one, inserted and deleted: nothing to undo "
                + "(LSN 0/00000020, 0/00000040, 0/00000050)\n",
            "tx2",
            "-- xlogminer: 2 changes of row 'id=5' of public.t folded into one, back as it was: nothing to undo "
                + "(LSN 0/00000060, 0/00000070)\n"), out);
        assertTrue(out.get(1).contains("SET v = 'a' WHERE id = 1 AND v = 'c' RETURNING 1)"), out.get(1));
        assertTrue(out.get(1).endsWith("'id=1', '0/00000030') FROM u;"), "the check names the last change: " + out.get(1));
    }

    @Test
    void aNewKeyIsNotFoldedAndEndsTheFoldsOfBothKeys() {
        RowChange move = new RowChange.Update(at(0x20), r(1, "b"), r(9, "b"));
        List<String> out = run(100, List.of(
            new RowChange.Update(at(0x10), r(1, "a"), r(1, "b")), move,
            new RowChange.Update(at(0x30), r(9, "b"), r(9, "c")),
            new RowChange.Update(at(0x40), r(9, "c"), r(9, "d"))));
        assertEquals(3, out.size(), String.join("\n", out));
        assertEquals(R.undo(new RowChange.Update(at(0x10), r(1, "a"), r(1, "b"))), out.get(0));
        assertEquals(R.undo(move), out.get(1));
        assertTrue(out.get(2).startsWith("-- xlogminer: 2 changes of row 'id=9' "), out.get(2));
    }

    @Test
    void aRowChangedAgainAfterItsFirstChangeLeftTheWindowStartsANewFold() {
        List<String> out = run(2, List.of(
            new RowChange.Update(at(0x10), r(1, "a"), r(1, "b")), "x", "y",
            new RowChange.Update(at(0x20), r(1, "b"), r(1, "c")),
            new RowChange.Update(at(0x30), r(1, "c"), r(1, "d"))));
        assertEquals(List.of(R.undo(new RowChange.Update(at(0x10), r(1, "a"), r(1, "b"))), "x", "y",
            "-- xlogminer: 2 changes of row 'id=1' of public.t folded into one, set back to before the first if still "
                + "as the last left it (LSN 0/00000020, 0/00000030)\n"
                + R.undo(new RowChange.Update(at(0x30), r(1, "b"), r(1, "d")))), out);
    }
}
