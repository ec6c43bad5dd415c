package org.xlogminer.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;

import org.xlogminer.wal.Lsn;

/**
 * Saves and loads {@link CatalogSnapshot}s as JSON (UTF-8), the portable form a capture is kept in
 * and handed to the miner.
 *
 * <pre>{@code
 * {
 *   "format" : "xlogminer-catalog",
 *   "formatVersion" : 1,
 *   "systemIdentifier" : "7310692519934816283",      unsigned decimal, as pg_controldata prints it
 *   "serverVersionNum" : 150018,
 *   "serverVersion" : "15.18",
 *   "databaseOid" : 5,
 *   "databaseName" : "postgres",
 *   "defaultTablespace" : 1663,
 *   "timeline" : 1,
 *   "captureLsn" : "0/1A2B3C40",                      %X/%08X
 *   "capturedAt" : "2025-01-31T12:34:56.123456Z",     ISO-8601 instant
 *   "tables" : [
 *     {
 *       "oid" : 16390,                                one field per line: oid, schema, name, relkind,
 *       ...                                           relfilenode, tablespace, persistence, toastRelid,
 *       "identityKey" : [1],                          replicaIdentity, identityKey, primaryKey
 *       "primaryKey" : [1],
 *       "columns" : [
 *         {"attnum":1,"name":"id","typeOid":23,...}   one compact COLUMN per line
 *       ],
 *       "rowEstimate" : 12000.0,                      reltuples; left out when not known
 *       "partitionParent" : 16385,                    a partition's parent (OID); left out for
 *                                                     every other relation
 *       "catalogXmin" : 812                           newest xmin of the catalog rows defining it;
 *                                                     left out when not known
 *     }
 *   ],
 *   "types" : [
 *     {
 *       "oid" : 23, ...                               oid, schema, name, sqlName, kind, category, len,
 *       "enumLabels" : [ {"oid":16387,"label":"sad"} ], byval, align, elementOid, arrayOid,
 *       "attributes" : [ COLUMN.. ],                  baseTypeOid, baseTypmod, rangeSubtype
 *       "rangeSubtype" : 0
 *     }
 *   ]
 * }
 * COLUMN = {"attnum", "name", "typeOid", "typmod", "len", "byval", "align", "storage", "notNull",
 *           "dropped", "hasMissing", "missingValue" (string or null), "generated", "identity"}
 * }</pre>
 *
 * <p>Field names are the record components'. PostgreSQL {@code "char"} values are one-letter
 * strings, except {@link ColumnInfo#NONE} ('\0'), which is the empty string. Types are listed by
 * OID, enum labels by label OID. Unknown fields are ignored (additions do not change the version);
 * a file of another {@code format} or {@code formatVersion} is refused. A snapshot written and read
 * back is {@code equals} to the original.
 *
 * <p>Thread-safe.
 */
public final class CatalogJson {

    /** The value of the {@code "format"} field. */
    public static final String FORMAT = "xlogminer-catalog";
    /** The format version this build writes and reads. */
    public static final int FORMAT_VERSION = 1;

    /**
     * jackson-core only: no ObjectMapper, whose initialisation (date formats, modules) took longer
     * than reading a whole catalog, at the start of every mining run.
     */
    static final JsonFactory JSON = JsonFactory.builder()
        .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
        .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
        .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
        .build();

    /**
     * One table or type per block, one column per line: "\n" line ends on every OS, arrays one
     * element per line, columns and keys as compact JSON values.
     */
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter()
        .withObjectIndenter(new DefaultIndenter("  ", "\n"))
        .withArrayIndenter(new DefaultIndenter("  ", "\n"));

    private CatalogJson() {
    }

    /** Writes the snapshot to a file, through a temporary file in the same directory, so a failure leaves no partial file. */
    public static void write(CatalogSnapshot snapshot, Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                write(snapshot, out);
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes the snapshot as UTF-8 JSON; the stream is flushed, not closed. */
    public static void write(CatalogSnapshot snapshot, OutputStream out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out).setPrettyPrinter(PRETTY.createInstance())) {
            write(snapshot, g);
        }
    }

    /** Writes the snapshot as JSON text followed by a newline; the writer is flushed, not closed. */
    public static void write(CatalogSnapshot snapshot, Writer out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out).setPrettyPrinter(PRETTY.createInstance())) {
            write(snapshot, g);
        }
        out.write('\n');
        out.flush();
    }

    /**
     * Loads a snapshot from a file.
     *
     * @throws CatalogFormatException naming the file, when it is not a catalog this build reads
     * @throws IOException            when it cannot be read
     */
    public static CatalogSnapshot read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return CatalogJsonReader.read(() -> JSON.createParser(in), file.toString());
        }
    }

    /** Loads a snapshot from UTF-8 JSON; the stream is not closed. */
    public static CatalogSnapshot read(InputStream in) throws IOException {
        return CatalogJsonReader.read(() -> JSON.createParser(in), null);
    }

    /** Loads a snapshot from JSON text; the reader is not closed. */
    public static CatalogSnapshot read(Reader in) throws IOException {
        return CatalogJsonReader.read(() -> JSON.createParser(in), null);
    }

    private static void write(CatalogSnapshot s, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("format", FORMAT);
        g.writeNumberField("formatVersion", FORMAT_VERSION);
        g.writeStringField("systemIdentifier", Long.toUnsignedString(s.systemIdentifier()));
        g.writeNumberField("serverVersionNum", s.serverVersionNum());
        g.writeStringField("serverVersion", s.serverVersion());
        g.writeNumberField("databaseOid", s.databaseOid());
        g.writeStringField("databaseName", s.databaseName());
        g.writeNumberField("defaultTablespace", s.defaultTablespace());
        g.writeNumberField("timeline", s.timeline());
        g.writeStringField("captureLsn", Lsn.format(s.captureLsn()));
        g.writeStringField("capturedAt", s.capturedAt().toString()); // ISO-8601, as Instant.parse reads it
        g.writeArrayFieldStart("tables");
        for (TableInfo t : s.tables()) {
            writeTable(t, g);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("types");
        List<TypeInfo> types = new ArrayList<>(s.types().values());
        types.sort(Comparator.comparingLong(TypeInfo::oid));
        for (TypeInfo t : types) {
            writeType(t, g);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("namespaces");
        for (Map.Entry<Long, String> n : new java.util.TreeMap<>(s.namespaces()).entrySet()) {
            g.writeStartObject();
            g.writeNumberField("oid", n.getKey());
            g.writeStringField("name", n.getValue());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeTable(TableInfo t, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeNumberField("oid", t.oid());
        g.writeStringField("schema", t.schema());
        g.writeStringField("name", t.name());
        writeChar(g, "relkind", t.relkind());
        g.writeNumberField("relfilenode", t.relfilenode());
        g.writeNumberField("tablespace", t.tablespace());
        writeChar(g, "persistence", t.persistence());
        g.writeNumberField("toastRelid", t.toastRelid());
        writeChar(g, "replicaIdentity", t.replicaIdentity());
        writeInts(g, "identityKey", t.identityKey());
        writeInts(g, "primaryKey", t.primaryKey());
        writeColumns(g, "columns", t.columns());
        if (t.rowEstimate() >= 0) { // left out when not known: what readers before it was captured expect
            g.writeNumberField("rowEstimate", t.rowEstimate());
        }
        if (t.partitionParent() != 0) { // partitions only: files of other tables stay as they were
            g.writeNumberField("partitionParent", t.partitionParent());
        }
        if (t.catalogXmin() != 0) { // left out when not known, as files written before it was captured
            g.writeNumberField("catalogXmin", t.catalogXmin());
        }
        g.writeEndObject();
    }

    private static void writeType(TypeInfo t, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeNumberField("oid", t.oid());
        g.writeStringField("schema", t.schema());
        g.writeStringField("name", t.name());
        g.writeStringField("sqlName", t.sqlName());
        writeChar(g, "kind", t.kind());
        writeChar(g, "category", t.category());
        g.writeNumberField("len", t.len());
        g.writeBooleanField("byval", t.byval());
        writeChar(g, "align", t.align());
        g.writeNumberField("elementOid", t.elementOid());
        g.writeNumberField("arrayOid", t.arrayOid());
        g.writeNumberField("baseTypeOid", t.baseTypeOid());
        g.writeNumberField("baseTypmod", t.baseTypmod());
        g.writeArrayFieldStart("enumLabels");
        List<Map.Entry<Long, String>> labels = new ArrayList<>(t.enumLabels().entrySet());
        labels.sort(Map.Entry.comparingByKey());
        for (Map.Entry<Long, String> e : labels) {
            g.writeRawValue(compact(c -> {
                c.writeStartObject();
                c.writeNumberField("oid", e.getKey());
                c.writeStringField("label", e.getValue());
                c.writeEndObject();
            }));
        }
        g.writeEndArray();
        writeColumns(g, "attributes", t.attributes());
        g.writeNumberField("rangeSubtype", t.rangeSubtype());
        g.writeEndObject();
    }

    private static void writeColumns(JsonGenerator g, String field, List<ColumnInfo> columns) throws IOException {
        g.writeArrayFieldStart(field);
        for (ColumnInfo c : columns) {
            g.writeRawValue(compact(o -> writeColumn(c, o)));
        }
        g.writeEndArray();
    }

    private static void writeColumn(ColumnInfo c, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeNumberField("attnum", c.attnum());
        g.writeStringField("name", c.name());
        g.writeNumberField("typeOid", c.typeOid());
        g.writeNumberField("typmod", c.typmod());
        g.writeNumberField("len", c.len());
        g.writeBooleanField("byval", c.byval());
        writeChar(g, "align", c.align());
        writeChar(g, "storage", c.storage());
        g.writeBooleanField("notNull", c.notNull());
        g.writeBooleanField("dropped", c.dropped());
        g.writeBooleanField("hasMissing", c.hasMissing());
        g.writeStringField("missingValue", c.missingValue());
        writeChar(g, "generated", c.generated());
        writeChar(g, "identity", c.identity());
        g.writeEndObject();
    }

    private static void writeInts(JsonGenerator g, String field, List<Integer> values) throws IOException {
        g.writeFieldName(field);
        g.writeRawValue(compact(c -> {
            c.writeStartArray();
            for (int v : values) {
                c.writeNumber(v);
            }
            c.writeEndArray();
        }));
    }

    private interface JsonWriting {
        void write(JsonGenerator g) throws IOException;
    }

    /** A value as compact JSON text, to be written raw into the pretty-printed document. */
    private static String compact(JsonWriting w) throws IOException {
        StringWriter text = new StringWriter(128);
        try (JsonGenerator c = JSON.createGenerator(text)) {
            w.write(c);
        }
        return text.toString();
    }

    private static void writeChar(JsonGenerator g, String field, char c) throws IOException {
        g.writeStringField(field, c == ColumnInfo.NONE ? "" : String.valueOf(c));
    }
}
