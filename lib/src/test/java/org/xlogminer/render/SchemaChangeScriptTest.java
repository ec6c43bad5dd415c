package org.xlogminer.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.event.Row;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.SchemaChange;
import org.xlogminer.event.Source;
import org.xlogminer.event.TransactionInfo;

/**
 * A transaction's schema changes are comment lines: inside its block after its statements, and,
 * for a transaction of schema changes only, under its header comment without an empty
 * BEGIN/COMMIT block, in REDO and in unguarded UNDO alike.
 */
class SchemaChangeScriptTest {

    @TempDir
    Path tmp;

    private static final Instant T = Instant.parse("2026-12-07T05:00:00Z");
    private static final TransactionInfo DDL = new TransactionInfo(700, 0x1000, T, true, false);
    private static final TransactionInfo BOTH = new TransactionInfo(701, 0x2000, T, true, false);
    private static final SchemaChange ADDED = new SchemaChange(0x1000, 700, "public", "t",
        SchemaChange.Kind.COLUMN_ADDED, "column n integer added");
    private static final SchemaChange RENAMED = new SchemaChange(0x2000, 701, "public", "t",
        SchemaChange.Kind.COLUMN_RENAMED, "column v renamed to w");
    private static final RowChange INSERT = new RowChange.Insert(
        new Source(0x1F00, 0x2000, 701, T, "public", "t", null, "(0,1)"),
        new Row(List.of(new org.xlogminer.event.Column("id", "integer", new org.xlogminer.event.Value.Known("1", "1")))));

    private static String script(boolean undo) {
        StringWriter out = new StringWriter();
        SqlRenderer r = new SqlRenderer((s, t) -> List.of("id"), false);
        try (SqlScriptWriter w = new SqlScriptWriter(out, r, undo, null)) {
            w.begin(DDL);
            w.schemaChange(DDL, ADDED);
            w.end(DDL);
            w.begin(BOTH);
            w.change(BOTH, INSERT);
            w.schemaChange(BOTH, RENAMED);
            w.end(BOTH);
            w.finish();
        }
        return out.toString();
    }

    @Test
    void redoHasNoEmptyBlock() {
        assertEquals("""
            -- xid 700 committed at 0/00001000 2026-12-07 05:00:00.000000+00:00
            -- 0/00001000 xid 700: public.t: column n integer added

            -- xid 701 committed at 0/00002000 2026-12-07 05:00:00.000000+00:00
            BEGIN;
            INSERT INTO public.t (id) VALUES (1);
            -- 0/00002000 xid 701: public.t: column v renamed to w
            COMMIT;

            """, script(false));
    }

    @Test
    void undoHasNoEmptyBlock() {
        assertEquals("""
            -- xid 701 committed at 0/00002000 2026-12-07 05:00:00.000000+00:00 (undo)
            BEGIN;
            -- 0/00002000 xid 701: public.t: column v renamed to w
            DELETE FROM public.t WHERE id = 1;
            COMMIT;

            -- xid 700 committed at 0/00001000 2026-12-07 05:00:00.000000+00:00 (undo)
            -- 0/00001000 xid 700: public.t: column n integer added

            """, script(true));
    }
}
