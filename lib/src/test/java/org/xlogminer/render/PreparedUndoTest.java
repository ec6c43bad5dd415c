package org.xlogminer.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * How statements become EXECUTEs: a shape named once, in the order shapes are met, found again
 * whether it was met last or long before, and no new name past {@link PreparedUndo#MAX_SHAPES}.
 * The statements are made here; the renderer's own, applied to real servers, are
 * {@code GuardedUndoIT}'s.
 */
class PreparedUndoTest {

    /** Rewrites {@code UPDATE t<shape> SET v = <value> WHERE id = <id>;} after a comment line; the statement after. */
    private static String rewrite(PreparedUndo p, int shape, int value, int id) {
        StringBuilder sb = new StringBuilder("-- a comment\n");
        ValueSpans spans = new ValueSpans();
        spans.reset();
        spans.statementStart = sb.length();
        sb.append("UPDATE t").append(shape).append(" SET v = ");
        int v = sb.length();
        spans.add(v, sb.append(value).length());
        sb.append(" WHERE id = ");
        int k = sb.length();
        spans.add(k, sb.append(id).length());
        sb.append(';');
        p.rewrite(sb, spans);
        assertTrue(sb.toString().startsWith("-- a comment\n"), sb.toString());
        return sb.substring(spans.statementStart);
    }

    @Test
    void eachShapeIsNamedOnceInTheOrderMetAndFoundAgainAmongMany() {
        PreparedUndo p = new PreparedUndo();
        int shapes = 40; // more than the last few met, compared before a shape is looked up by its hash
        for (int round = 0; round < 3; round++) {
            for (int s = 0; s < shapes; s++) {
                int value = 1000 * round + s;
                assertEquals("EXECUTE xlogminer_" + (s + 1) + "(" + value + ", " + s + ");", rewrite(p, s, value, s));
                // the first shape again and again between the others: found however often it comes
                assertEquals("EXECUTE xlogminer_1(" + value + ", 7);", rewrite(p, 0, value, 7));
            }
        }
        String defs = p.definitions().toString();
        assertEquals(shapes, defs.lines().count(), defs);
        for (int s = 0; s < shapes; s++) {
            assertTrue(defs.contains("PREPARE xlogminer_" + (s + 1) + " AS UPDATE t" + s + " SET v = $1 WHERE id = $2;\n"),
                defs);
        }
    }

    @Test
    void pastTheMostShapesANewShapeStaysAsItIsAndKnownOnesStillPrepare() {
        PreparedUndo p = new PreparedUndo();
        for (int s = 0; s < PreparedUndo.MAX_SHAPES; s++) {
            assertEquals("EXECUTE xlogminer_" + (s + 1) + "(1, 2);", rewrite(p, s, 1, 2));
        }
        int past = PreparedUndo.MAX_SHAPES;
        assertEquals("UPDATE t" + past + " SET v = 3 WHERE id = 4;", rewrite(p, past, 3, 4));
        assertEquals("EXECUTE xlogminer_4(5, 6);", rewrite(p, 3, 5, 6));
        assertEquals("UPDATE t" + past + " SET v = 3 WHERE id = 4;", rewrite(p, past, 3, 4));
        assertEquals(PreparedUndo.MAX_SHAPES, p.definitions().toString().lines().count());
    }
}
