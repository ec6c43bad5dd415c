package org.xlogminer.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import org.junit.jupiter.api.Test;
import org.xlogminer.event.Column;
import org.xlogminer.event.Row;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.Source;
import org.xlogminer.event.TableName;
import org.xlogminer.event.Value;

class SqlRendererTest {

    private static final SqlRenderer BY_ID = new SqlRenderer((s, t) -> List.of("id"), false);
    private static final SqlRenderer NO_KEY = new SqlRenderer((s, t) -> List.of(), false);

    private static Source source(String schema, String table) {
        return new Source(0x1000, 0x2000, 727, Instant.EPOCH, schema, table, "(0,5)", "(1,7)");
    }

    static Column c(String name, String type, String text, String literal) {
        return new Column(name, type, new Value.Known(text, literal));
    }

    static Row row(Column... cols) {
        return new Row(List.of(cols));
    }

    /** Every statement xlogminer emits must parse; comment lines are for psql and people. */
    static String parses(String sql) {
        String stmt = sql.lines().filter(l -> !l.startsWith("--")).reduce("", (a, b) -> a + b);
        try {
            CCJSqlParserUtil.parse(stmt);
        } catch (Exception e) {
            throw new AssertionError("does not parse: " + stmt, e);
        }
        return sql;
    }

    @Test
    void keyedRowsAreFoundByTheirOldKey() {
        Row before = row(c("id", "integer", "7", "7"), c("balance", "numeric(12,2)", "10.00", "'10.00'::numeric"));
        Row after = row(c("id", "integer", "7", "7"), c("balance", "numeric(12,2)", "0.00", "'0.00'::numeric"));
        RowChange up = new RowChange.Update(source("public", "accounts"), before, after);
        assertEquals("UPDATE public.accounts SET id = 7, balance = '0.00'::numeric WHERE id = 7;", parses(BY_ID.redo(up)));
        assertEquals("UPDATE public.accounts SET id = 7, balance = '10.00'::numeric WHERE id = 7;", parses(BY_ID.undo(up)));
        SqlRenderer changedOnly = new SqlRenderer((s, t) -> List.of("id"), true);
        assertEquals("UPDATE public.accounts SET balance = '0.00'::numeric WHERE id = 7;", parses(changedOnly.redo(up)));

        RowChange ins = new RowChange.Insert(source("public", "accounts"), after);
        assertEquals("INSERT INTO public.accounts (id, balance) VALUES (7, '0.00'::numeric);", parses(BY_ID.redo(ins)));
        assertEquals("DELETE FROM public.accounts WHERE id = 7;", parses(BY_ID.undo(ins)));
        RowChange del = new RowChange.Delete(source("public", "accounts"), before);
        assertEquals("DELETE FROM public.accounts WHERE id = 7;", parses(BY_ID.redo(del)));
        assertEquals("INSERT INTO public.accounts (id, balance) VALUES (7, '10.00'::numeric);", parses(BY_ID.undo(del)));
    }

    @Test
    void keyChangeUpdatesFindTheRowByTheOtherVersion() {
        Row before = row(c("id", "integer", "1", "1"));
        Row after = row(c("id", "integer", "2", "2"));
        RowChange up = new RowChange.Update(source("public", "t"), before, after);
        assertEquals("UPDATE public.t SET id = 2 WHERE id = 1;", parses(BY_ID.redo(up)));
        assertEquals("UPDATE public.t SET id = 1 WHERE id = 2;", parses(BY_ID.undo(up)));
    }

    @Test
    void rowsWithoutKeyAreAnchoredOnTheirCtidAndAllOldValues() {
        Row before = row(c("a", "text", "x", "'x'"), new Column("b", "integer", Value.NULL),
            c("j", "json", "{\"k\": 1}", "'{\"k\": 1}'::json"));
        RowChange del = new RowChange.Delete(source("public", "log"), before);
        String sql = parses(NO_KEY.redo(del));
        assertEquals("DELETE FROM public.log WHERE ctid = COALESCE("
            + "(SELECT ctid FROM public.log WHERE ctid = '(0,5)'::tid AND a = 'x' AND b IS NULL AND j::text = '{\"k\": 1}'), "
            + "(SELECT ctid FROM public.log WHERE a = 'x' AND b IS NULL AND j::text = '{\"k\": 1}' LIMIT 1));", sql);
        // UNDO of an insert finds the new row where it went
        String undo = parses(NO_KEY.undo(new RowChange.Insert(source("public", "log"), before)));
        assertTrue(undo.contains("ctid = '(1,7)'::tid"), undo);
    }

    @Test
    void identifiersAndLiteralsAreQuotedForAnyContent() {
        Row r = row(c("Weird \"Col\"", "text", "it's \\ here", "'it''s \\ here'"), c("select", "integer", "1", "1"));
        String sql = parses(BY_ID.redo(new RowChange.Insert(source("My Schema", "order"), r)));
        assertEquals("INSERT INTO \"My Schema\".\"order\" (\"Weird \"\"Col\"\"\", \"select\") VALUES ('it''s \\ here', 1);", sql);
    }

    @Test
    void unrecoverableValuesAreMarkedNeverGuessed() {
        Value lost = new Value.Unknown("TOAST value 16421 of pg_toast.pg_toast_16384: its chunks are not in the WAL read");
        Row before = row(c("id", "integer", "3", "3"), new Column("doc", "text", lost));
        String undo = parses(BY_ID.undo(new RowChange.Delete(source("public", "docs"), before)));
        assertTrue(undo.startsWith("-- xlogminer: INSERT needs column doc, which cannot be recovered: TOAST value 16421"), undo);
        assertTrue(undo.endsWith("VALUES (3, xlogminer_unrecoverable('TOAST value 16421 of pg_toast.pg_toast_16384: "
            + "its chunks are not in the WAL read'));"), undo);

        // An UPDATE that left a TOASTed column alone logs the same pointer on both sides: not set.
        Row after = row(c("id", "integer", "3", "3"), new Column("doc", "text", lost));
        Row old = row(c("id", "integer", "2", "2"), new Column("doc", "text", lost));
        assertEquals("UPDATE public.docs SET id = 3 WHERE id = 2;", parses(BY_ID.redo(new RowChange.Update(source("public", "docs"), old, after))));
    }

    @Test
    void truncateRedoesButCannotBeUndone() {
        RowChange tr = new RowChange.Truncate(source("public", "a"),
            List.of(new TableName("public", "a"), new TableName("s.x", "b")), true, false);
        assertEquals("TRUNCATE public.a, \"s.x\".b CASCADE;", parses(BY_ID.redo(tr)));
        String undo = parses(BY_ID.undo(tr));
        assertTrue(undo.contains("cannot be undone") && undo.contains("xlogminer_unrecoverable("), undo);
    }
}
