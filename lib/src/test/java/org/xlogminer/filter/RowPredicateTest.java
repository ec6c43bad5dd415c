package org.xlogminer.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * What the server oracle of WhereIT cannot show: values the WAL read does not hold (counted, never
 * selected), a table lacking a column, TRUNCATE, the rows of one table after its columns change,
 * and the messages of expressions it does not understand.
 */
class RowPredicateTest {

    private static final Source SOURCE = new Source(1, 2, 3, Instant.EPOCH, "public", "acct", null, null);

    private static Row row(String balance, String owner) {
        return new Row(List.of(new Column("id", "integer", new Value.Known("1", "1")),
            new Column("balance", "numeric(12,2)", balance == null ? Value.NULL
                : balance.equals("?") ? new Value.Unknown("not in the WAL read") : new Value.Known(balance, balance)),
            new Column("owner", "text", owner == null ? Value.NULL : new Value.Known(owner, "'" + owner + "'"))));
    }

    private static RowChange update(Row before, Row after) {
        return new RowChange.Update(SOURCE, before, after);
    }

    @Test
    void anUnrecoverableOldValueIsNotSelectedAndCounted() {
        RowPredicate p = RowPredicate.parse("new.balance = 0 AND old.balance <> 0");
        assertTrue(p.test(update(row("10.00", "a"), row("0.00", "a"))));
        assertFalse(p.test(update(row("?", "a"), row("0.00", "a"))), "unknown: not selected");
        assertFalse(p.test(update(row("?", "a"), row("5.00", "a"))), "false whatever the old value: not counted");
        assertFalse(p.test(update(row(null, "a"), row("0.00", "a"))), "NULL <> 0 is unknown: not counted");
        assertEquals(1, p.unrecoverable());
        RowPredicate isNull = RowPredicate.parse("old.balance IS NULL");
        assertFalse(isNull.test(update(row("?", "a"), row("0.00", "a"))), "an unknown value is not NULL either");
        assertEquals(1, isNull.unrecoverable());
        assertTrue(RowPredicate.parse("old.balance IS NULL OR new.owner = 'a'").test(update(row("?", "a"), row("1", "a"))));
    }

    @Test
    void rowsOfATableWithoutTheColumnAreNotSelected() {
        RowPredicate p = RowPredicate.parse("note = 'x'");
        assertFalse(p.test(new RowChange.Insert(SOURCE, row("1", "x"))));
        assertEquals(0, p.unrecoverable());
        assertEquals(0, p.notEvaluable());
        Row withNote = new Row(List.of(new Column("note", "text", new Value.Known("x", "'x'"))));
        assertTrue(p.test(new RowChange.Insert(SOURCE, withNote)), "the same table with the column (after DDL)");
        assertFalse(p.test(new RowChange.Truncate(SOURCE, List.of(new TableName("public", "acct")), false, false)));
    }

    @Test
    void aBareColumnIsTheNewValueAndTheOldOneOfADelete() {
        RowPredicate p = RowPredicate.parse("owner = 'old'");
        assertFalse(p.test(update(row("1", "old"), row("1", "new"))));
        assertTrue(p.test(new RowChange.Delete(SOURCE, row("1", "old"))));
        assertTrue(RowPredicate.parse("new.owner IS NULL").test(new RowChange.Delete(SOURCE, row("1", "old"))));
        assertTrue(RowPredicate.parse("old.owner IS NULL").test(new RowChange.Insert(SOURCE, row("1", "new"))));
    }

    @Test
    void aCastThatFailsOnARowIsCounted() {
        RowPredicate p = RowPredicate.parse("owner::int > 3");
        assertTrue(p.test(new RowChange.Insert(SOURCE, row("1", "4"))));
        assertFalse(p.test(new RowChange.Insert(SOURCE, row("1", "four"))));
        assertEquals(1, p.notEvaluable());
    }

    @Test
    void literalsAreReadAsPostgreSqlReadsThem() {
        assertTrue(RowPredicate.parse("owner = E'it''s \\\\ \\u00fc\\x41\\101'").test(
            new RowChange.Insert(SOURCE, row("1", "it's \\ üAA"))));
        assertTrue(RowPredicate.parse("owner = 'it''s \\'").test(new RowChange.Insert(SOURCE, row("1", "it's \\"))));
        assertTrue(RowPredicate.parse("balance = 1e1 AND balance = '10.000' AND balance > -1")
            .test(new RowChange.Insert(SOURCE, row("10.00", "x"))));
        assertTrue(RowPredicate.parse("\"owner\" LIKE 'a\\%%' AND owner NOT ILIKE 'B%'")
            .test(new RowChange.Insert(SOURCE, row("1", "a%bc"))));
    }

    @Test
    void whatItDoesNotUnderstandIsQuoted() {
        assertEquals("syntax error at \"== 1\"", assertThrows(WhereException.class, () -> RowPredicate.parse("n == 1"))
            .getMessage());
        assertEquals("syntax error at the end of the expression",
            assertThrows(WhereException.class, () -> RowPredicate.parse("(n = 1")).getMessage());
        assertTrue(assertThrows(WhereException.class, () -> RowPredicate.parse("coalesce(n, 0) = 1")).getMessage()
            .startsWith("cannot evaluate \"coalesce(n, 0)\": functions are not supported"));
        assertTrue(assertThrows(WhereException.class, () -> RowPredicate.parse("n = 1 XOR m = 2")).getMessage()
            .startsWith("cannot evaluate \"n = 1 XOR m = 2\""));
        assertTrue(assertThrows(WhereException.class, () -> RowPredicate.parse("x LIKE 'a\\'")).getMessage()
            .contains("LIKE pattern must not end with escape character"));
        assertTrue(assertThrows(WhereException.class, () -> RowPredicate.parse(" ")).getMessage().contains("empty"));
    }
}
