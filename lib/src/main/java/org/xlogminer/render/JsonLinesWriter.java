package org.xlogminer.render;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;

import org.xlogminer.event.ChangeHandler;
import org.xlogminer.event.Column;
import org.xlogminer.event.Row;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.TableName;
import org.xlogminer.event.Transaction;
import org.xlogminer.event.TransactionInfo;
import org.xlogminer.event.Value;
import org.xlogminer.wal.Lsn;

/**
 * One JSON object per line per row change: {@code op, schema, table, xid, lsn, commit_lsn,
 * commit_time, committed, incomplete, before, after, redo, undo}, and {@code history_unknown} (why)
 * for a change whose table's schema history the WAL read does not tell ({@link SqlRenderer#unknownHistory}).
 * A row change of a partition (shown on the partition, as the WAL has it) also has
 * {@code partition_root}, right after {@code table}: the root partitioned table as of the change's
 * LSN, {@code {"schema":"public","table":"measurements"}} (the partition's parents followed up to
 * the top, see {@link org.xlogminer.event.Source#partitionRoot()}); the rows of any other table
 * (an inheritance child, a partition detached by then) have no such field. {@code before}/{@code after} map
 * column names to PostgreSQL's text of the value, null for SQL NULL, and
 * {@code {"unrecoverable": "why"}} for a value the WAL read does not hold; absent rows are null.
 *
 * <p>Not thread-safe.
 */
public final class JsonLinesWriter implements ChangeHandler {

    private final Writer out;
    private final SqlRenderer renderer;
    /**
     * One generator for all lines, its buffer handed to the writer at the end of each line (so the
     * writer holds whole lines only): neither flushing nor closing it flushes or closes the writer.
     * A flush per line was a write(2) per row change (the writer is buffered: its owner flushes,
     * once at the end, or after each transaction when following). No separator between root
     * values: each line ends with its newline. A generator made and closed per line was a twentieth
     * of a follower's CPU under pgbench.
     */
    private final JsonFactory factory = new JsonFactoryBuilder()
        .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
        .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)
        .rootValueSeparator((String) null)
        .build();
    /** The generator of the lines; null before the first and after a line failed half-way. */
    private JsonGenerator generator;
    /**
     * The transaction whose {@code commit_lsn} and {@code commit_time} texts are kept: every line
     * of a transaction carries the same two, and formatting the time per line was 7% of the
     * follower's main thread under pgbench (a transaction of four row changes).
     */
    private TransactionInfo textsOf;
    private String commitLsnText;
    private String commitTimeText;

    public JsonLinesWriter(Writer out, SqlRenderer renderer) {
        this.out = out;
        this.renderer = renderer;
    }

    /** Writes a whole transaction's changes. */
    public void write(Transaction tx, List<RowChange> changes) {
        for (RowChange c : changes) {
            change(tx.info(), c);
        }
    }

    @Override
    public void begin(TransactionInfo tx) {
    }

    @Override
    public void end(TransactionInfo tx) {
    }

    @Override
    public void change(TransactionInfo tx, RowChange c) {
        try {
            JsonGenerator g = startLine();
            g.writeStartObject();
            g.writeStringField("op", c.op());
            g.writeStringField("schema", c.source().schema());
            g.writeStringField("table", c.source().table());
            TableName root = c.source().partitionRoot();
            if (root != null) {
                g.writeObjectFieldStart("partition_root");
                g.writeStringField("schema", root.schema());
                g.writeStringField("table", root.name());
                g.writeEndObject();
            }
            if (c instanceof RowChange.Truncate t) {
                g.writeArrayFieldStart("tables");
                for (TableName n : t.tables()) {
                    g.writeString(n.toString());
                }
                g.writeEndArray();
            }
            g.writeNumberField("xid", tx.xid());
            g.writeStringField("lsn", Lsn.format(c.source().lsn()));
            g.writeStringField("commit_lsn", commitLsnText(tx));
            g.writeStringField("commit_time", commitTimeText(tx));
            g.writeBooleanField("committed", tx.committed());
            g.writeBooleanField("incomplete", tx.incomplete());
            String unknown = renderer.unknownHistory(c);
            if (unknown != null) {
                g.writeStringField("history_unknown", unknown); // decoded under a catalog that may not be its own
            }
            row(g, "before", c instanceof RowChange.Update u ? u.before() : c instanceof RowChange.Delete d ? d.before() : null);
            row(g, "after", c instanceof RowChange.Update u ? u.after() : c instanceof RowChange.Insert i ? i.after() : null);
            g.writeStringField("redo", renderer.redo(c));
            g.writeStringField("undo", renderer.undo(c));
            g.writeEndObject();
            endLine(g);
        } catch (IOException e) {
            generator = null; // half a line: the next starts with a new generator
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A schema change as its own object: {@code "op":"ddl"}, the table as row changes name it, the
     * kind ({@link org.xlogminer.event.SchemaChange.Kind#jsonName()}) and the details.
     */
    @Override
    public void schemaChange(TransactionInfo tx, org.xlogminer.event.SchemaChange c) {
        try {
            JsonGenerator g = startLine();
            g.writeStartObject();
            g.writeStringField("op", "ddl");
            g.writeStringField("schema", c.schema());
            g.writeStringField("table", c.table());
            g.writeStringField("kind", c.kind().jsonName());
            g.writeStringField("detail", c.detail());
            g.writeNumberField("xid", tx.xid());
            g.writeStringField("commit_lsn", commitLsnText(tx));
            g.writeStringField("commit_time", commitTimeText(tx));
            g.writeEndObject();
            endLine(g);
        } catch (IOException e) {
            generator = null;
            throw new UncheckedIOException(e);
        }
    }

    private JsonGenerator startLine() throws IOException {
        JsonGenerator g = generator;
        if (g == null) {
            g = factory.createGenerator(out);
            generator = g;
        }
        return g;
    }

    /** Ends the line and hands it to the writer (which it does not flush). */
    private static void endLine(JsonGenerator g) throws IOException {
        g.writeRaw('\n');
        g.flush();
    }

    private String commitLsnText(TransactionInfo tx) {
        texts(tx);
        return commitLsnText;
    }

    private String commitTimeText(TransactionInfo tx) {
        texts(tx);
        return commitTimeText;
    }

    private void texts(TransactionInfo tx) {
        if (tx != textsOf) { // the same object for all of a transaction's lines; another one: format again
            commitLsnText = Lsn.format(tx.commitLsn());
            commitTimeText = tx.commitTime().toString();
            textsOf = tx;
        }
    }

    private static void row(JsonGenerator g, String name, Row row) throws IOException {
        if (row == null) {
            g.writeNullField(name);
            return;
        }
        g.writeObjectFieldStart(name);
        for (Column col : row.columns()) {
            Value v = col.value();
            if (v instanceof Value.Known k) {
                g.writeStringField(col.name(), k.text());
            } else if (v instanceof Value.Unknown u) {
                g.writeObjectFieldStart(col.name());
                g.writeStringField("unrecoverable", u.reason());
                g.writeEndObject();
            } else {
                g.writeNullField(col.name());
            }
        }
        g.writeEndObject();
    }
}
