package org.xlogminer.render;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;

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

    // The field names, quoted and escaped once: escaping each name of each line again was a tenth of
    // a follower's mining thread under pgbench (some twenty names a line)
    private static final SerializableString OP = new SerializedString("op");
    private static final SerializableString SCHEMA = new SerializedString("schema");
    private static final SerializableString TABLE = new SerializedString("table");
    private static final SerializableString PARTITION_ROOT = new SerializedString("partition_root");
    private static final SerializableString XID = new SerializedString("xid");
    private static final SerializableString LSN = new SerializedString("lsn");
    private static final SerializableString COMMIT_LSN = new SerializedString("commit_lsn");
    private static final SerializableString COMMIT_TIME = new SerializedString("commit_time");
    private static final SerializableString COMMITTED = new SerializedString("committed");
    private static final SerializableString INCOMPLETE = new SerializedString("incomplete");
    private static final SerializableString BEFORE = new SerializedString("before");
    private static final SerializableString AFTER = new SerializedString("after");
    private static final SerializableString REDO = new SerializedString("redo");
    private static final SerializableString UNDO = new SerializedString("undo");
    private static final SerializableString UNRECOVERABLE = new SerializedString("unrecoverable");
    /** Column names kept quoted at most, beyond which the cache starts again (a catalog's worth). */
    private static final int NAMES_KEPT = 4096;

    /** Where the lines go: one of the two, the other null. */
    private final Writer out;
    private final OutputStream bytes;
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
        // a character beyond the BMP as its four UTF-8 bytes, as the writer's encoder writes it, not
        // as two escaped surrogates (Jackson's default for bytes)
        .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
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

    /** The columns' names, quoted and escaped, by name. */
    private final Map<String, SerializableString> columnNames = new HashMap<>();

    public JsonLinesWriter(Writer out, SqlRenderer renderer) {
        this.out = out;
        this.bytes = null;
        this.renderer = renderer;
    }

    /**
     * Lines written as UTF-8 straight to a byte stream: one pass of escaping and encoding per
     * string, where a {@link Writer} has the characters encoded again beneath.
     */
    public JsonLinesWriter(OutputStream bytes, SqlRenderer renderer) {
        this.out = null;
        this.bytes = bytes;
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
            g.writeFieldName(OP);
            g.writeString(c.op());
            g.writeFieldName(SCHEMA);
            g.writeString(c.source().schema());
            g.writeFieldName(TABLE);
            g.writeString(c.source().table());
            TableName root = c.source().partitionRoot();
            if (root != null) {
                g.writeFieldName(PARTITION_ROOT);
                g.writeStartObject();
                g.writeFieldName(SCHEMA);
                g.writeString(root.schema());
                g.writeFieldName(TABLE);
                g.writeString(root.name());
                g.writeEndObject();
            }
            if (c instanceof RowChange.Truncate t) {
                g.writeArrayFieldStart("tables");
                for (TableName n : t.tables()) {
                    g.writeString(n.toString());
                }
                g.writeEndArray();
            }
            g.writeFieldName(XID);
            g.writeNumber(tx.xid());
            g.writeFieldName(LSN);
            g.writeString(Lsn.format(c.source().lsn()));
            g.writeFieldName(COMMIT_LSN);
            g.writeString(commitLsnText(tx));
            g.writeFieldName(COMMIT_TIME);
            g.writeString(commitTimeText(tx));
            g.writeFieldName(COMMITTED);
            g.writeBoolean(tx.committed());
            g.writeFieldName(INCOMPLETE);
            g.writeBoolean(tx.incomplete());
            String unknown = renderer.unknownHistory(c);
            if (unknown != null) {
                g.writeStringField("history_unknown", unknown); // decoded under a catalog that may not be its own
            }
            row(g, BEFORE, c instanceof RowChange.Update u ? u.before() : c instanceof RowChange.Delete d ? d.before() : null);
            row(g, AFTER, c instanceof RowChange.Update u ? u.after() : c instanceof RowChange.Insert i ? i.after() : null);
            g.writeFieldName(REDO);
            g.writeString(renderer.redo(c));
            g.writeFieldName(UNDO);
            g.writeString(renderer.undo(c));
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
            g = out != null ? factory.createGenerator(out) : factory.createGenerator(bytes, JsonEncoding.UTF8);
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

    private void row(JsonGenerator g, SerializableString name, Row row) throws IOException {
        g.writeFieldName(name);
        if (row == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        for (Column col : row.columns()) {
            g.writeFieldName(columnName(col.name()));
            Value v = col.value();
            if (v instanceof Value.Known k) {
                g.writeString(k.text());
            } else if (v instanceof Value.Unknown u) {
                g.writeStartObject();
                g.writeFieldName(UNRECOVERABLE);
                g.writeString(u.reason());
                g.writeEndObject();
            } else {
                g.writeNull();
            }
        }
        g.writeEndObject();
    }

    private SerializableString columnName(String name) {
        SerializableString s = columnNames.get(name);
        if (s == null) {
            if (columnNames.size() >= NAMES_KEPT) {
                columnNames.clear();
            }
            s = new SerializedString(name);
            columnNames.put(name, s);
        }
        return s;
    }
}
