package org.xlogminer.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.xlogminer.render.SqlRendererTest.c;
import static org.xlogminer.render.SqlRendererTest.parses;
import static org.xlogminer.render.SqlRendererTest.row;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xlogminer.event.Column;
import org.xlogminer.event.Row;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.Source;
import org.xlogminer.event.TableName;
import org.xlogminer.event.Value;

/**
 * The statements of guarded UNDO: what each sets back, what its WHERE guards, and the check that
 * names table, key and LSN; with values and names that need quoting. Applied to real servers by
 * the guarded UNDO ITs of the CLI.
 */
class GuardedUndoTest {

    private static final SqlRenderer CHANGED = new SqlRenderer((s, t) -> List.of("id"), false, UndoGuard.CHANGED, false);
    private static final SqlRenderer ALL = new SqlRenderer((s, t) -> List.of("id"), false, UndoGuard.ALL, false);
    private static final SqlRenderer NO_KEY = new SqlRenderer((s, t) -> List.of(), false, UndoGuard.CHANGED, false);

    private static final String CHECK = " RETURNING 1) SELECT pg_temp.xlogminer_check(count(*), ";

    private static Source source(String schema, String table) {
        return new Source(0x1A2B3C4DL, 0x2000, 727, Instant.EPOCH, schema, table, "(0,5)", "(1,7)");
    }

    private static final Row BEFORE = row(c("id", "integer", "7", "7"), c("owner", "text", "ann", "'ann'"),
        c("balance", "numeric(12,2)", "10.00", "'10.00'::numeric"), c("meta", "json", "{\"a\": 1}", "'{\"a\": 1}'::json"));
    private static final Row AFTER = row(c("id", "integer", "7", "7"), c("owner", "text", "ann", "'ann'"),
        c("balance", "numeric(12,2)", "0.00", "'0.00'::numeric"), c("meta", "json", "{\"a\": 1}", "'{\"a\": 1}'::json"));

    @Test
    void anUpdatesUndoSetsBackTheChangedColumnsWhereTheyStillHoldWhatItWrote() {
        RowChange up = new RowChange.Update(source("public", "accounts"), BEFORE, AFTER);
        assertEquals("WITH u AS (UPDATE public.accounts SET balance = '10.00'::numeric WHERE id = 7 "
            + "AND balance = '0.00'::numeric" + CHECK + "'public.accounts', 'id=7', '0/1A2B3C4D') FROM u;",
            parses(CHANGED.undo(up)));
        // the REDO is as ever
        assertEquals(new SqlRenderer((s, t) -> List.of("id"), false).redo(up), CHANGED.redo(up));
    }

    @Test
    void withAllEveryColumnIsSetAndGuardedTypesWithoutEqualityAsText() {
        RowChange up = new RowChange.Update(source("public", "accounts"), BEFORE, AFTER);
        assertEquals("WITH u AS (UPDATE public.accounts SET id = 7, owner = 'ann', balance = '10.00'::numeric, "
            + "meta = '{\"a\": 1}'::json WHERE id = 7 AND owner = 'ann' AND balance = '0.00'::numeric "
            + "AND meta::text = '{\"a\": 1}'" + CHECK + "'public.accounts', 'id=7', '0/1A2B3C4D') FROM u;",
            parses(ALL.undo(up)));
        SqlRenderer changedOnly = new SqlRenderer((s, t) -> List.of("id"), true, UndoGuard.ALL, false);
        assertTrue(changedOnly.undo(up).startsWith("WITH u AS (UPDATE public.accounts SET balance = '10.00'::numeric "
            + "WHERE id = 7 AND owner = 'ann' AND"), changedOnly.undo(up));
    }

    @Test
    void aKeyChangeIsSetBackWhereTheNewKeyIs() {
        Row before = row(c("id", "integer", "1", "1"), c("v", "text", "x", "'x'"));
        Row after = row(c("id", "integer", "2", "2"), c("v", "text", "x", "'x'"));
        assertEquals("WITH u AS (UPDATE public.t SET id = 1 WHERE id = 2" + CHECK + "'public.t', 'id=2', '0/1A2B3C4D') FROM u;",
            parses(CHANGED.undo(new RowChange.Update(source("public", "t"), before, after))));
    }

    @Test
    void anInsertsUndoDeletesTheRowOnlyAsInserted() {
        Row after = row(c("id", "integer", "7", "7"), new Column("note", "text", Value.NULL),
            c("meta", "json", "{}", "'{}'::json"), new Column("doc", "text", new Value.Unknown("TOAST value 5 lost")));
        assertEquals("WITH u AS (DELETE FROM public.accounts WHERE id = 7 AND note IS NULL AND meta::text = '{}'"
            + CHECK + "'public.accounts', 'id=7', '0/1A2B3C4D') FROM u;",
            parses(CHANGED.undo(new RowChange.Insert(source("public", "accounts"), after))));
    }

    @Test
    void aDeletesUndoInsertsTheRowUnlessItsKeyExistsAgain() {
        assertEquals("WITH u AS (INSERT INTO public.accounts (id, owner, balance, meta) VALUES (7, 'ann', "
            + "'10.00'::numeric, '{\"a\": 1}'::json) ON CONFLICT DO NOTHING" + CHECK
            + "'public.accounts', 'id=7', '0/1A2B3C4D') FROM u;",
            parses(CHANGED.undo(new RowChange.Delete(source("public", "accounts"), BEFORE))));
    }

    @Test
    void aRowWithoutKeyIsMatchedOnAllItsValuesAndItsCtid() {
        RowChange up = new RowChange.Update(source("public", "log"), BEFORE, AFTER);
        String sql = parses(NO_KEY.undo(up));
        assertEquals("WITH u AS (UPDATE public.log SET balance = '10.00'::numeric WHERE ctid = COALESCE("
            + "(SELECT ctid FROM public.log WHERE ctid = '(1,7)'::tid AND id = 7 AND owner = 'ann' AND balance = "
            + "'0.00'::numeric AND meta::text = '{\"a\": 1}'), (SELECT ctid FROM public.log WHERE id = 7 AND owner = "
            + "'ann' AND balance = '0.00'::numeric AND meta::text = '{\"a\": 1}' LIMIT 1))" + CHECK
            + "'public.log', 'ctid=(1,7)', '0/1A2B3C4D') FROM u;", sql);
    }

    @Test
    void namesKeysAndValuesAreQuotedForAnyContent() {
        SqlRenderer byName = new SqlRenderer((s, t) -> List.of("Key \"k\""), false, UndoGuard.CHANGED, false);
        Row before = row(c("Key \"k\"", "text", "it's \\ ünï 日本", "'it''s \\ ünï 日本'"),
            c("select", "text", "old 'v'", "'old ''v'''"));
        Row after = row(c("Key \"k\"", "text", "it's \\ ünï 日本", "'it''s \\ ünï 日本'"),
            new Column("select", "text", Value.NULL));
        String sql = parses(byName.undo(new RowChange.Update(source("My Schema", "order"), before, after)));
        assertEquals("WITH u AS (UPDATE \"My Schema\".\"order\" SET \"select\" = 'old ''v''' WHERE \"Key \"\"k\"\"\" = "
            + "'it''s \\ ünï 日本' AND \"select\" IS NULL" + CHECK + "'\"My Schema\".\"order\"', "
            + "'Key \"k\"=it''s \\ ünï 日本', '0/1A2B3C4D') FROM u;", sql);
    }

    @Test
    void aLongKeyIsCutInTheMessage() {
        String big = "x'".repeat(300);
        Row r = row(c("id", "text", big, "'" + big.replace("'", "''") + "'"));
        String sql = parses(CHANGED.undo(new RowChange.Insert(source("public", "t"), r)));
        String message = sql.substring(sql.indexOf("'public.t', ") + "'public.t', ".length(), sql.lastIndexOf(", '0/1A2B3C4D'"));
        String shown = ("id=" + big).substring(0, GuardedUndo.KEY_TEXT_CHARS) + "...";
        assertEquals("'" + shown.replace("'", "''") + "'", message);
    }

    @Test
    void aTruncateStillCannotBeUndone() {
        RowChange tr = new RowChange.Truncate(source("public", "a"), List.of(new TableName("public", "a")), false, false);
        String undo = CHANGED.undo(tr);
        assertTrue(undo.contains("cannot be undone") && undo.contains("xlogminer_unrecoverable("), undo);
    }
}
