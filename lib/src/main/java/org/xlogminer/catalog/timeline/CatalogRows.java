package org.xlogminer.catalog.timeline;

import java.util.List;

import org.xlogminer.catalog.CatalogCapture;
import org.xlogminer.catalog.ColumnInfo;

/**
 * How the followed system catalogs' rows read: which columns each kind of row needs known, and the
 * rows turned into what the {@link CatalogState} keeps (column names as in PostgreSQL's
 * {@code pg_class.h}, {@code pg_attribute.h}, {@code pg_index.h}, {@code pg_type.h},
 * {@code pg_enum.h}, {@code pg_namespace.h}, {@code pg_inherits.h}; the same on 13 to 18, but for
 * pg_inherits.inhdetachpending, 14+, not read). Stateless.
 */
final class CatalogRows {

    static final String[] CLASS = {"oid", "relname", "relnamespace", "relkind", "relfilenode", "reltablespace",
        "relpersistence", "reltoastrelid", "relreplident", "relispartition"};
    static final String[] ATTRIBUTE = {"attrelid", "attnum", "attname", "atttypid", "atttypmod", "attlen",
        "attbyval", "attalign", "attstorage", "attnotnull", "attisdropped", "atthasmissing"};
    static final String[] INDEX = {"indexrelid", "indrelid", "indisprimary", "indisreplident", "indkey",
        "indnkeyatts"};
    static final String[] TYPE = {"oid", "typname", "typnamespace", "typtype", "typcategory", "typlen", "typbyval",
        "typalign", "typelem", "typarray", "typbasetype", "typtypmod", "typrelid"};
    static final String[] ENUM = {"oid", "enumtypid", "enumlabel"};
    static final String[] NAMESPACE = {"oid", "nspname"};
    /** A row of pg_inherits, which has no OID: a child's inhseqno-th parent. */
    static final String[] INHERITS = {"inhrelid", "inhparent", "inhseqno"};

    private CatalogRows() {
    }

    /** The columns a row of this catalog needs known to be kept; null for a catalog not followed. */
    static String[] required(String catalog) {
        return switch (catalog) {
            case "pg_class" -> CLASS;
            case "pg_attribute" -> ATTRIBUTE;
            case "pg_index" -> INDEX;
            case "pg_type" -> TYPE;
            case "pg_enum" -> ENUM;
            case "pg_namespace" -> NAMESPACE;
            case "pg_inherits" -> INHERITS;
            default -> null;
        };
    }

    /**
     * The name of the column that identifies a row of this catalog (an attribute is attrelid and
     * attnum; an inheritance row inhrelid and inhseqno).
     */
    static String keyColumn(String catalog) {
        return switch (catalog) {
            case "pg_attribute" -> "attrelid";
            case "pg_inherits" -> "inhrelid";
            case "pg_index" -> "indexrelid";
            default -> "oid";
        };
    }

    /**
     * The OID of the relation (or, for pg_type and pg_enum, the type) whose history a row of this
     * catalog is part of, or -1 when the row does not say.
     */
    static long owner(String catalog, CatalogRow row) {
        String c = switch (catalog) {
            case "pg_attribute" -> "attrelid";
            case "pg_index" -> "indrelid";
            case "pg_enum" -> "enumtypid";
            case "pg_inherits" -> "inhrelid";
            default -> "oid";
        };
        return row != null && row.known(c) ? row.number(c) : -1;
    }

    /** A pg_class row's part of a table; {@code partition} is relispartition. */
    record ClassRow(long oid, String name, long namespace, String schema, char relkind, long relfilenode,
                    long tablespace, char persistence, long toastRelid, char replicaIdentity, long relrewrite,
                    boolean partition) {

        static ClassRow of(CatalogRow r) {
            return new ClassRow(r.number("oid"), r.text("relname"), r.number("relnamespace"), null,
                r.character("relkind"), r.number("relfilenode"), r.number("reltablespace"),
                r.character("relpersistence"), r.number("reltoastrelid"), r.character("relreplident"),
                Long.parseLong(r.textOr("relrewrite", "0")), r.bool("relispartition"));
        }
    }

    /** A pg_index row's part of a table: which key it is, on which columns. */
    record IndexRow(long indrelid, boolean primary, boolean replicaIdentity, List<Integer> key) {

        static IndexRow of(CatalogRow r) {
            return new IndexRow(r.number("indrelid"), r.bool("indisprimary"), r.bool("indisreplident"),
                CatalogCapture.keyAttnums(r.text("indkey"), (int) r.number("indnkeyatts")));
        }
    }

    /** A pg_enum row. */
    record EnumRow(long oid, long type, String label) {

        static EnumRow of(CatalogRow r) {
            return new EnumRow(r.number("oid"), r.number("enumtypid"), r.text("enumlabel"));
        }
    }

    /** A pg_attribute row as a column (attnum &gt; 0). */
    static ColumnInfo column(CatalogRow r) {
        return new ColumnInfo((int) r.number("attnum"), r.text("attname"), r.number("atttypid"),
            (int) r.number("atttypmod"), (int) r.number("attlen"), r.bool("attbyval"), r.character("attalign"),
            r.character("attstorage"), r.bool("attnotnull"), r.bool("attisdropped"), r.bool("atthasmissing"),
            r.bool("atthasmissing") ? missingValue(r.textOr("attmissingval", null)) : null,
            r.known("attgenerated") ? r.character("attgenerated") : ColumnInfo.NONE,
            r.known("attidentity") ? r.character("attidentity") : ColumnInfo.NONE);
    }

    /**
     * The one element of attmissingval's text ({@code {value}}, the element double-quoted when it
     * needs to be, backslash-escaped inside), or null when the array's text is not known or the
     * element is NULL.
     */
    static String missingValue(String arrayText) {
        if (arrayText == null || arrayText.length() < 2 || arrayText.charAt(0) != '{'
            || arrayText.charAt(arrayText.length() - 1) != '}') {
            return null;
        }
        String inner = arrayText.substring(1, arrayText.length() - 1);
        if (inner.equals("NULL")) {
            return null;
        }
        if (!inner.startsWith("\"")) {
            return inner;
        }
        StringBuilder sb = new StringBuilder(inner.length());
        for (int i = 1; i < inner.length() - 1; i++) {
            char c = inner.charAt(i);
            if (c == '\\' && i + 1 < inner.length() - 1) {
                c = inner.charAt(++i);
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
