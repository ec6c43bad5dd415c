package org.xlogminer.catalog;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

import org.xlogminer.wal.Lsn;

/**
 * Reads a catalog file (see {@link CatalogJson}) into a {@link CatalogSnapshot}, checking every
 * field's presence and type and naming its path when one is wrong.
 *
 * <p>The JSON is parsed with jackson-core's streaming parser into plain maps, lists, Strings,
 * numbers and Booleans, without an {@code ObjectMapper}: initialising one (its date formats and
 * modules) took longer than reading a whole catalog, and every mining run starts by reading one.
 */
final class CatalogJsonReader {

    /** JSON null, which differs from a missing field. */
    private static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /**
     * The highest attribute number a tuple can have ({@code MaxTupleAttributeNumber}, htup_details.h;
     * a table has at most 1600 columns, {@code MaxHeapAttributeNumber}). Deformers size their arrays
     * by it, so a larger one is refused here rather than allocated there.
     */
    static final int MAX_ATTNUM = 1664;

    private final String file;

    private CatalogJsonReader(String file) {
        this.file = file;
    }

    /** How a caller opens its parser (over a stream or a reader, which the parser does not close). */
    interface ParserSource {
        JsonParser open() throws IOException;
    }

    /**
     * Reads one JSON document through the parser and checks it as a catalog.
     *
     * @param file named in messages; null when not read from a file
     * @throws CatalogFormatException when it is not JSON, or not a catalog this build reads
     */
    static CatalogSnapshot read(ParserSource source, String file) throws IOException {
        try (JsonParser p = source.open()) {
            return new CatalogJsonReader(file).snapshot(tree(p));
        } catch (JsonProcessingException e) {
            throw notJson(file, e);
        } catch (java.io.CharConversionException e) {
            // bytes that are no text in the encoding Jackson detected (UTF-32 out of range, odd UCS-4)
            throw new CatalogFormatException(where(file) + "not a JSON catalog file: " + e.getMessage(), e);
        }
    }

    /**
     * The document as maps (in field order; a repeated name keeps its last value), lists,
     * Strings, Integer/Long/BigInteger, Double/BigDecimal, Booleans and {@link #NULL}.
     */
    private static Object tree(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new JsonParseException(p, "no content: the file is empty");
        }
        Object root = value(p, t);
        if (p.nextToken() != null) {
            throw new JsonParseException(p, "more content after the catalog's JSON object");
        }
        return root;
    }

    private static Object value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                String name;
                while ((name = p.nextFieldName()) != null) {
                    m.put(name, value(p, p.nextToken()));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> a = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    a.add(value(p, e));
                }
                return a;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT: // Integer, Long or BigInteger: the smallest that holds it
            case VALUE_NUMBER_FLOAT:
                return p.getNumberValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return NULL;
            default:
                throw new JsonParseException(p, "unexpected " + t);
        }
    }

    /** A value as JSON writes it (objects and arrays only named), for messages. */
    private static String show(Object v) {
        if (v instanceof String s) {
            StringBuilder b = new StringBuilder(s.length() + 2).append('"');
            JsonStringEncoder.getInstance().quoteAsString(s, b);
            return b.append('"').toString();
        }
        return v instanceof Map ? "an object" : v instanceof List ? "an array" : String.valueOf(v);
    }

    private static CatalogFormatException notJson(String file, JsonProcessingException e) {
        return new CatalogFormatException(where(file) + "not a JSON catalog file: " + e.getOriginalMessage()
            + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")" : ""), e);
    }

    private static String where(String file) {
        return file == null ? "" : file + ": ";
    }

    private CatalogFormatException bad(String path, String problem) {
        return new CatalogFormatException(where(file) + problem + " at " + path);
    }

    private CatalogSnapshot snapshot(Object tree) {
        if (!(tree instanceof Map<?, ?> root)) {
            throw new CatalogFormatException(where(file) + "not an xlogminer catalog file: expected a JSON object");
        }
        Object format = root.get("format");
        if (!CatalogJson.FORMAT.equals(format)) {
            throw new CatalogFormatException(where(file) + "not an xlogminer catalog file: \"format\" is "
                + (format == null ? "missing" : show(format)) + ", expected \"" + CatalogJson.FORMAT + "\"");
        }
        Object version = root.get("formatVersion");
        if (!(version instanceof Integer v) || v != CatalogJson.FORMAT_VERSION) {
            throw new CatalogFormatException(where(file) + "catalog format version "
                + (version == null ? "null" : show(version))
                + " is not supported: this xlogminer reads version " + CatalogJson.FORMAT_VERSION
                + (version instanceof Integer n && n > CatalogJson.FORMAT_VERSION
                    ? " (the file was written by a newer xlogminer)" : ""));
        }
        long sysid;
        String sysidText = text(root, "systemIdentifier", "");
        try {
            sysid = Long.parseUnsignedLong(sysidText);
        } catch (NumberFormatException e) {
            throw bad("systemIdentifier", "not an unsigned decimal number: '" + sysidText + "'");
        }
        long lsn;
        String lsnText = text(root, "captureLsn", "");
        try {
            lsn = Lsn.parse(lsnText).value();
        } catch (IllegalArgumentException e) {
            throw bad("captureLsn", e.getMessage());
        }
        Instant at;
        Object atValue = field(root, "capturedAt", "");
        try {
            at = Instant.parse((String) atValue); // ISO-8601, as CatalogJson writes it
        } catch (ClassCastException | DateTimeParseException e) {
            throw bad("capturedAt", "not an ISO-8601 instant: " + show(atValue));
        }
        List<TableInfo> tables = new ArrayList<>();
        List<?> ts = array(root, "tables", "");
        for (int i = 0; i < ts.size(); i++) {
            tables.add(table(ts.get(i), "tables[" + i + "]"));
        }
        Map<Long, TypeInfo> types = new LinkedHashMap<>();
        List<?> ys = array(root, "types", "");
        for (int i = 0; i < ys.size(); i++) {
            TypeInfo t = type(ys.get(i), "types[" + i + "]");
            if (types.put(t.oid(), t) != null) {
                throw bad("types[" + i + "].oid", "duplicate type OID " + t.oid());
            }
        }
        Map<Long, String> namespaces = new LinkedHashMap<>();
        if (root.containsKey("namespaces")) { // written from the namespaces' first capture on
            List<?> ns = array(root, "namespaces", "");
            for (int i = 0; i < ns.size(); i++) {
                String p = "namespaces[" + i + "]";
                Map<?, ?> n = object(ns.get(i), p);
                namespaces.put(oid(n, "oid", p), text(n, "name", p));
            }
        }
        try {
            return new CatalogSnapshot(sysid, integer(root, "serverVersionNum", ""), text(root, "serverVersion", ""),
                oid(root, "databaseOid", ""), text(root, "databaseName", ""), oid(root, "defaultTablespace", ""),
                integer(root, "timeline", ""), lsn, at, tables, types, namespaces);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new CatalogFormatException(where(file) + e.getMessage(), e);
        }
    }

    private TableInfo table(Object value, String path) {
        Map<?, ?> n = object(value, path);
        try {
            return new TableInfo(oid(n, "oid", path), text(n, "schema", path), text(n, "name", path),
                character(n, "relkind", path), oid(n, "relfilenode", path), oid(n, "tablespace", path),
                character(n, "persistence", path), oid(n, "toastRelid", path), character(n, "replicaIdentity", path),
                ints(n, "identityKey", path), ints(n, "primaryKey", path), columns(n, "columns", path),
                n.containsKey("rowEstimate") ? number(n, "rowEstimate", path) : -1,
                n.containsKey("partitionParent") ? oid(n, "partitionParent", path) : 0,
                n.containsKey("catalogXmin") ? oid(n, "catalogXmin", path) : 0);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw bad(path, e.getMessage());
        }
    }

    private TypeInfo type(Object value, String path) {
        Map<?, ?> n = object(value, path);
        Map<Long, String> labels = new HashMap<>();
        List<?> ls = array(n, "enumLabels", path);
        for (int i = 0; i < ls.size(); i++) {
            String p = path + ".enumLabels[" + i + "]";
            Map<?, ?> l = object(ls.get(i), p);
            labels.put(oid(l, "oid", p), text(l, "label", p));
        }
        try {
            return new TypeInfo(oid(n, "oid", path), text(n, "schema", path), text(n, "name", path),
                text(n, "sqlName", path), character(n, "kind", path), character(n, "category", path),
                integer(n, "len", path), bool(n, "byval", path), character(n, "align", path),
                oid(n, "elementOid", path), oid(n, "arrayOid", path), oid(n, "baseTypeOid", path),
                integer(n, "baseTypmod", path), labels, columns(n, "attributes", path), oid(n, "rangeSubtype", path));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw bad(path, e.getMessage());
        }
    }

    private List<ColumnInfo> columns(Map<?, ?> parent, String name, String path) {
        List<?> cs = array(parent, name, path);
        List<ColumnInfo> columns = new ArrayList<>(cs.size());
        for (int i = 0; i < cs.size(); i++) {
            String p = path + "." + name + "[" + i + "]";
            Map<?, ?> n = object(cs.get(i), p);
            Object missing = field(n, "missingValue", p);
            if (missing != NULL && !(missing instanceof String)) {
                throw bad(p + ".missingValue", "expected a string or null");
            }
            int attnum = integer(n, "attnum", p);
            if (attnum < 1 || attnum > MAX_ATTNUM) {
                throw bad(p + ".attnum", "expected an attribute number from 1 to " + MAX_ATTNUM + ", not " + attnum);
            }
            int len = integer(n, "len", p);
            if (len == 0 || len < -2) {
                throw bad(p + ".len", "expected a length > 0, -1 (varlena) or -2 (cstring), not " + len);
            }
            char align = character(n, "align", p);
            if (align == ColumnInfo.NONE || "csid".indexOf(align) < 0) {
                throw bad(p + ".align", "expected one of c, s, i, d, not '" + align + "'");
            }
            try {
                columns.add(new ColumnInfo(attnum, text(n, "name", p), oid(n, "typeOid", p),
                    integer(n, "typmod", p), len, bool(n, "byval", p), align,
                    character(n, "storage", p), bool(n, "notNull", p), bool(n, "dropped", p),
                    bool(n, "hasMissing", p), missing == NULL ? null : (String) missing,
                    character(n, "generated", p), character(n, "identity", p)));
            } catch (IllegalArgumentException e) {
                throw bad(p, e.getMessage());
            }
        }
        return columns;
    }

    private Object field(Map<?, ?> n, String name, String path) {
        Object v = n.get(name);
        if (v == null) {
            throw bad(join(path, name), "missing field");
        }
        return v;
    }

    private Map<?, ?> object(Object n, String path) {
        if (!(n instanceof Map<?, ?> m)) {
            throw bad(path, "expected an object");
        }
        return m;
    }

    private List<?> array(Map<?, ?> n, String name, String path) {
        if (!(field(n, name, path) instanceof List<?> a)) {
            throw bad(join(path, name), "expected an array");
        }
        return a;
    }

    private String text(Map<?, ?> n, String name, String path) {
        if (!(field(n, name, path) instanceof String s)) {
            throw bad(join(path, name), "expected a string");
        }
        return s;
    }

    private char character(Map<?, ?> n, String name, String path) {
        String s = text(n, name, path);
        if (s.length() > 1) {
            throw bad(join(path, name), "expected one character, not '" + s + "'");
        }
        return s.isEmpty() ? ColumnInfo.NONE : s.charAt(0);
    }

    /** A JSON number of any kind, as a double. */
    private double number(Map<?, ?> n, String name, String path) {
        if (!(field(n, name, path) instanceof Number x)) {
            throw bad(join(path, name), "expected a number");
        }
        return x.doubleValue();
    }

    private int integer(Map<?, ?> n, String name, String path) {
        if (!(field(n, name, path) instanceof Integer i)) {
            throw bad(join(path, name), "expected a 32-bit integer");
        }
        return i;
    }

    /** OIDs and relfilenodes: unsigned 32-bit. */
    private long oid(Map<?, ?> n, String name, String path) {
        Object v = field(n, name, path);
        long l = v instanceof Integer i ? i : v instanceof Long x ? x : -1;
        if (l < 0 || l > 0xFFFF_FFFFL) {
            throw bad(join(path, name), "expected an OID (0 to 4294967295)");
        }
        return l;
    }

    private boolean bool(Map<?, ?> n, String name, String path) {
        if (!(field(n, name, path) instanceof Boolean b)) {
            throw bad(join(path, name), "expected true or false");
        }
        return b;
    }

    private List<Integer> ints(Map<?, ?> n, String name, String path) {
        List<?> a = array(n, name, path);
        List<Integer> values = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            if (!(a.get(i) instanceof Integer v)) {
                throw bad(join(path, name) + "[" + i + "]", "expected a 32-bit integer");
            }
            values.add(v);
        }
        return values;
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
