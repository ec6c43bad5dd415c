package org.xlogminer.catalog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import org.xlogminer.wal.Lsn;

/**
 * Maps the JSON tree of a catalog file (see {@link CatalogJson}) back to a {@link CatalogSnapshot},
 * checking every field's presence and type and naming its path when one is wrong.
 */
final class CatalogJsonReader {

    private final String file;

    private CatalogJsonReader(String file) {
        this.file = file;
    }

    static CatalogSnapshot read(JsonNode root, String file) {
        return new CatalogJsonReader(file).snapshot(root);
    }

    static CatalogFormatException notJson(String file, JsonProcessingException e) {
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

    private CatalogSnapshot snapshot(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new CatalogFormatException(where(file) + "not an xlogminer catalog file: expected a JSON object");
        }
        JsonNode format = root.get("format");
        if (format == null || !CatalogJson.FORMAT.equals(format.asText(null))) {
            throw new CatalogFormatException(where(file) + "not an xlogminer catalog file: \"format\" is "
                + (format == null ? "missing" : format.toString()) + ", expected \"" + CatalogJson.FORMAT + "\"");
        }
        JsonNode version = root.get("formatVersion");
        if (version == null || !version.isInt() || version.intValue() != CatalogJson.FORMAT_VERSION) {
            throw new CatalogFormatException(where(file) + "catalog format version " + version
                + " is not supported: this xlogminer reads version " + CatalogJson.FORMAT_VERSION
                + (version != null && version.isInt() && version.intValue() > CatalogJson.FORMAT_VERSION
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
        try {
            at = CatalogJson.MAPPER.treeToValue(field(root, "capturedAt", ""), Instant.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw bad("capturedAt", "not an ISO-8601 instant: " + root.get("capturedAt"));
        }
        List<TableInfo> tables = new ArrayList<>();
        JsonNode ts = array(root, "tables", "");
        for (int i = 0; i < ts.size(); i++) {
            tables.add(table(ts.get(i), "tables[" + i + "]"));
        }
        Map<Long, TypeInfo> types = new LinkedHashMap<>();
        JsonNode ys = array(root, "types", "");
        for (int i = 0; i < ys.size(); i++) {
            TypeInfo t = type(ys.get(i), "types[" + i + "]");
            if (types.put(t.oid(), t) != null) {
                throw bad("types[" + i + "].oid", "duplicate type OID " + t.oid());
            }
        }
        try {
            return new CatalogSnapshot(sysid, integer(root, "serverVersionNum", ""), text(root, "serverVersion", ""),
                oid(root, "databaseOid", ""), text(root, "databaseName", ""), oid(root, "defaultTablespace", ""),
                integer(root, "timeline", ""), lsn, at, tables, types);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new CatalogFormatException(where(file) + e.getMessage(), e);
        }
    }

    private TableInfo table(JsonNode n, String path) {
        object(n, path);
        try {
            return new TableInfo(oid(n, "oid", path), text(n, "schema", path), text(n, "name", path),
                character(n, "relkind", path), oid(n, "relfilenode", path), oid(n, "tablespace", path),
                character(n, "persistence", path), oid(n, "toastRelid", path), character(n, "replicaIdentity", path),
                ints(n, "identityKey", path), ints(n, "primaryKey", path), columns(n, "columns", path));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw bad(path, e.getMessage());
        }
    }

    private TypeInfo type(JsonNode n, String path) {
        object(n, path);
        Map<Long, String> labels = new HashMap<>();
        JsonNode ls = array(n, "enumLabels", path);
        for (int i = 0; i < ls.size(); i++) {
            String p = path + ".enumLabels[" + i + "]";
            object(ls.get(i), p);
            labels.put(oid(ls.get(i), "oid", p), text(ls.get(i), "label", p));
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

    private List<ColumnInfo> columns(JsonNode parent, String name, String path) {
        JsonNode cs = array(parent, name, path);
        List<ColumnInfo> columns = new ArrayList<>(cs.size());
        for (int i = 0; i < cs.size(); i++) {
            JsonNode n = cs.get(i);
            String p = path + "." + name + "[" + i + "]";
            object(n, p);
            JsonNode missing = field(n, "missingValue", p);
            if (!missing.isNull() && !missing.isTextual()) {
                throw bad(p + ".missingValue", "expected a string or null");
            }
            try {
                columns.add(new ColumnInfo(integer(n, "attnum", p), text(n, "name", p), oid(n, "typeOid", p),
                    integer(n, "typmod", p), integer(n, "len", p), bool(n, "byval", p), character(n, "align", p),
                    character(n, "storage", p), bool(n, "notNull", p), bool(n, "dropped", p),
                    bool(n, "hasMissing", p), missing.isNull() ? null : missing.textValue(),
                    character(n, "generated", p), character(n, "identity", p)));
            } catch (IllegalArgumentException e) {
                throw bad(p, e.getMessage());
            }
        }
        return columns;
    }

    private JsonNode field(JsonNode n, String name, String path) {
        JsonNode v = n.get(name);
        if (v == null) {
            throw bad(join(path, name), "missing field");
        }
        return v;
    }

    private void object(JsonNode n, String path) {
        if (n == null || !n.isObject()) {
            throw bad(path, "expected an object");
        }
    }

    private JsonNode array(JsonNode n, String name, String path) {
        JsonNode v = field(n, name, path);
        if (!v.isArray()) {
            throw bad(join(path, name), "expected an array");
        }
        return v;
    }

    private String text(JsonNode n, String name, String path) {
        JsonNode v = field(n, name, path);
        if (!v.isTextual()) {
            throw bad(join(path, name), "expected a string");
        }
        return v.textValue();
    }

    private char character(JsonNode n, String name, String path) {
        String s = text(n, name, path);
        if (s.length() > 1) {
            throw bad(join(path, name), "expected one character, not '" + s + "'");
        }
        return s.isEmpty() ? ColumnInfo.NONE : s.charAt(0);
    }

    private int integer(JsonNode n, String name, String path) {
        JsonNode v = field(n, name, path);
        if (!v.isInt()) {
            throw bad(join(path, name), "expected a 32-bit integer");
        }
        return v.intValue();
    }

    /** OIDs and relfilenodes: unsigned 32-bit. */
    private long oid(JsonNode n, String name, String path) {
        JsonNode v = field(n, name, path);
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0 || v.longValue() > 0xFFFF_FFFFL) {
            throw bad(join(path, name), "expected an OID (0 to 4294967295)");
        }
        return v.longValue();
    }

    private boolean bool(JsonNode n, String name, String path) {
        JsonNode v = field(n, name, path);
        if (!v.isBoolean()) {
            throw bad(join(path, name), "expected true or false");
        }
        return v.booleanValue();
    }

    private List<Integer> ints(JsonNode n, String name, String path) {
        JsonNode a = array(n, name, path);
        List<Integer> values = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).isInt()) {
                throw bad(join(path, name) + "[" + i + "]", "expected a 32-bit integer");
            }
            values.add(a.get(i).intValue());
        }
        return values;
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
