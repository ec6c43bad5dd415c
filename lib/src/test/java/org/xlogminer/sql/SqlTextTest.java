package org.xlogminer.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SqlTextTest {

    @Test
    void literalsDoubleSingleQuotesOnly() {
        assertEquals("''", SqlText.quoteLiteral(""));
        assertEquals("'it''s'", SqlText.quoteLiteral("it's"));
        assertEquals("'back\\slash'", SqlText.quoteLiteral("back\\slash"));
        assertEquals("'two\nlines 😀'", SqlText.quoteLiteral("two\nlines 😀"));
        assertEquals("''''''", SqlText.quoteLiteral("''"));
        assertThrows(IllegalArgumentException.class, () -> SqlText.quoteLiteral("nul\0"));
    }

    @Test
    void escapesQuotesInPlace() {
        StringBuilder sb = new StringBuilder("x'y:");
        int start = sb.length();
        sb.append("a'b''c'");
        SqlText.escapeQuotesFrom(sb, start);
        assertEquals("x'y:a''b''''c''", sb.toString());
        StringBuilder none = new StringBuilder("abc");
        SqlText.escapeQuotesFrom(none, 0);
        assertEquals("abc", none.toString());
    }

    @Test
    void identifiersAreQuotedUnlessLowerCaseAndNotKeywords() {
        assertEquals("abc", SqlText.quoteIdentifier("abc"));
        assertEquals("_a1$".replace("$", ""), SqlText.quoteIdentifier("_a1"));
        assertEquals("\"Abc\"", SqlText.quoteIdentifier("Abc"));
        assertEquals("\"a b\"", SqlText.quoteIdentifier("a b"));
        assertEquals("\"1a\"", SqlText.quoteIdentifier("1a"));
        assertEquals("\"a$\"", SqlText.quoteIdentifier("a$"));
        assertEquals("\"a\"\"b\"", SqlText.quoteIdentifier("a\"b"));
        assertEquals("\"\"", SqlText.quoteIdentifier(""));
        assertEquals("\"select\"", SqlText.quoteIdentifier("select"));
        assertEquals("\"user\"", SqlText.quoteIdentifier("user"));
        assertEquals("\"json\"", SqlText.quoteIdentifier("json")); // column-name keyword since 16
        assertEquals("\"system_user\"", SqlText.quoteIdentifier("system_user")); // reserved since 16
        assertEquals("name", SqlText.quoteIdentifier("name")); // unreserved
        assertEquals("\"é\"", SqlText.quoteIdentifier("é"));
        assertTrue(SqlText.isReservedKeyword("table"));
        assertFalse(SqlText.isReservedKeyword("json"));
        assertTrue(SqlText.isNonUnreservedKeyword("json"));
    }

    @Test
    void qualifiedNames() {
        assertEquals("public.t", SqlText.qualifiedName("public", "t"));
        assertEquals("\"My Schema\".\"order\"", SqlText.qualifiedName("My Schema", "order"));
        assertEquals("t", SqlText.qualifiedName(null, "t"));
    }
}
