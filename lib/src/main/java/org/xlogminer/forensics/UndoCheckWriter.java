package org.xlogminer.forensics;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import org.xlogminer.forensics.UndoCheckReport.ColumnDiff;
import org.xlogminer.forensics.UndoCheckReport.RowVerdict;
import org.xlogminer.forensics.UndoCheckReport.Status;
import org.xlogminer.forensics.UndoCheckReport.TableSummary;
import org.xlogminer.wal.Lsn;

/**
 * Writes an {@link UndoCheckReport}: as text, a table of counts per table then the rows whose UNDO
 * would not apply, each with its columns then and now; or as JSON lines, an object per such row
 * ({@code "kind":"row"}) then one per table ({@code "kind":"table"}).
 *
 * <p>Stateless.
 */
public final class UndoCheckWriter {

    private UndoCheckWriter() {
    }

    /** The report as text. */
    public static void text(UndoCheckReport report, PrintWriter out) {
        String[] head = {"table", "changes", "rows", "applicable", "conflicts", "gone", "unchecked"};
        int w = head[0].length();
        for (TableSummary t : report.tables()) {
            w = Math.max(w, t.table().toString().length());
        }
        out.println(String.format(Locale.ROOT, "%-" + w + "s  %9s  %9s  %10s  %9s  %9s  %9s", (Object[]) head));
        for (TableSummary t : report.tables()) {
            out.println(String.format(Locale.ROOT, "%-" + w + "s  %9d  %9d  %10d  %9d  %9d  %9d", t.table(), t.changes(),
                t.rows(), t.applicable(), t.conflicts(), t.gone(), t.unchecked()));
        }
        for (TableSummary t : report.tables()) {
            if (t.laterKept() > 0) {
                out.println(t.table() + ": " + t.laterKept() + " applicable rows were changed since in columns the"
                    + " UNDO leaves alone: those later changes are kept");
            }
            if (t.unchecked() > 0) {
                out.println(t.table() + ": " + t.unchecked() + " changes not checked: "
                    + (t.keyColumns().isEmpty() ? "the table has no key (guarded UNDO matches such rows on all values)"
                    : "the WAL read does not hold their key"));
            }
            if (t.truncates() > 0) {
                out.println(t.table() + ": " + t.truncates() + " TRUNCATE(s): cannot be undone from WAL");
            }
            if (t.missing() != null) {
                out.println(t.table() + ": " + t.missing());
            }
        }
        if (report.problems().isEmpty()) {
            out.println("every row is as the selection left it: its UNDO applies");
            return;
        }
        out.println();
        out.println("rows whose UNDO would not apply:");
        for (RowVerdict r : report.problems()) {
            String change = "the " + r.op() + " at " + Lsn.format(r.lsn()) + " (xid " + r.xid()
                + (r.changes() > 1 ? ", the last of " + r.changes() + " changes to it" : "") + ")";
            switch (r.status()) {
                case CONFLICT -> {
                    out.println(r.table() + " " + r.key() + ": changed since " + change);
                    for (ColumnDiff d : r.columns()) {
                        out.println("    " + d.column() + ": then " + value(d.then()) + ", now " + value(d.now())
                            + (d.guarded() ? "" : "  (not compared by the UNDO: kept)"));
                    }
                }
                case GONE -> out.println(r.table() + " " + r.key() + ": gone, deleted since " + change);
                case EXISTS_AGAIN -> {
                    out.println(r.table() + " " + r.key() + ": exists again since " + change);
                    for (ColumnDiff d : r.columns()) {
                        out.println("    " + d.column() + ": now " + value(d.now()));
                    }
                }
                case CHANGED_BETWEEN -> {
                    out.println(r.table() + " " + r.key() + ": changed before the change at " + Lsn.format(r.between())
                        + " by one the selection leaves out; undoing the selection's earlier change would conflict"
                        + (r.columns().isEmpty() ? " (the row was deleted or inserted between)" : ""));
                    for (ColumnDiff d : r.columns()) {
                        out.println("    " + d.column() + ": then " + value(d.then()) + ", later " + value(d.now()));
                    }
                }
                default -> { }
            }
        }
    }

    private static String value(String v) {
        return v == null ? "NULL" : v;
    }

    /** The report as JSON lines. */
    public static void json(UndoCheckReport report, PrintWriter out) {
        JsonFactory f = new JsonFactory();
        try {
            for (RowVerdict r : report.problems()) {
                JsonGenerator g = generator(f, out);
                g.writeStringField("kind", "row");
                g.writeStringField("schema", r.table().schema());
                g.writeStringField("table", r.table().name());
                g.writeStringField("key", r.key());
                g.writeStringField("status", r.status().name().toLowerCase(Locale.ROOT));
                g.writeStringField("op", r.op());
                g.writeStringField("lsn", Lsn.format(r.lsn()));
                g.writeNumberField("xid", r.xid());
                g.writeNumberField("changes", r.changes());
                if (r.status() == Status.CHANGED_BETWEEN) {
                    g.writeStringField("between_lsn", Lsn.format(r.between()));
                }
                g.writeArrayFieldStart("columns");
                for (ColumnDiff d : r.columns()) {
                    g.writeStartObject();
                    g.writeStringField("column", d.column());
                    if (r.status() != Status.EXISTS_AGAIN) {
                        g.writeStringField("then", d.then());
                    }
                    g.writeStringField("now", d.now());
                    g.writeBooleanField("compared", d.guarded());
                    g.writeEndObject();
                }
                g.writeEndArray();
                end(g, out);
            }
            for (TableSummary t : report.tables()) {
                JsonGenerator g = generator(f, out);
                g.writeStringField("kind", "table");
                g.writeStringField("schema", t.table().schema());
                g.writeStringField("table", t.table().name());
                g.writeNumberField("changes", t.changes());
                g.writeNumberField("rows", t.rows());
                g.writeNumberField("applicable", t.applicable());
                g.writeNumberField("later_changes_kept", t.laterKept());
                g.writeNumberField("conflicts", t.conflicts());
                g.writeNumberField("gone", t.gone());
                g.writeNumberField("unchecked", t.unchecked());
                g.writeNumberField("truncates", t.truncates());
                g.writeStringField("missing", t.missing());
                end(g, out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonGenerator generator(JsonFactory f, PrintWriter out) throws IOException {
        JsonGenerator g = f.createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.writeStartObject();
        return g;
    }

    private static void end(JsonGenerator g, PrintWriter out) throws IOException {
        g.writeEndObject();
        g.close();
        out.write('\n');
    }
}
