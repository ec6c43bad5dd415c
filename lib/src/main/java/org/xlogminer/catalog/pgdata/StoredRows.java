package org.xlogminer.catalog.pgdata;

import java.nio.ByteBuffer;
import java.util.List;

import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.tuple.DatumDecompressor;
import org.xlogminer.tuple.DeformedTuple;
import org.xlogminer.tuple.TupleFormatException;
import org.xlogminer.tuple.Varlena;
import org.xlogminer.tuple.VarlenaKind;

/**
 * The rows of the system catalogs a snapshot is made of, as read from their heap files: the
 * columns the JDBC capture's queries select ({@code CatalogQueries}), named as in PostgreSQL's
 * catalog headers. Each {@code of} reads one live row of a {@link CatalogTable}; {@code xmin} is its
 * header's raw t_xmin, which is what the JDBC capture's {@code xmin} system column shows (frozen or
 * not). Stateless.
 */
final class StoredRows {

    private StoredRows() {
    }

    record ClassRow(long oid, String name, long namespace, char relkind, long relfilenode, long tablespace,
                    char persistence, long toastRelid, char replicaIdentity, float reltuples, boolean partition,
                    long reltype, long xmin) {

        static ClassRow of(CatalogTable t, CatalogTable.Row r) {
            return new ClassRow(r.oid(t.column("oid")), r.name(t.column("relname")), r.oid(t.column("relnamespace")),
                r.ch(t.column("relkind")), r.oid(t.column("relfilenode")), r.oid(t.column("reltablespace")),
                r.ch(t.column("relpersistence")), r.oid(t.column("reltoastrelid")), r.ch(t.column("relreplident")),
                Float.intBitsToFloat(r.int4(t.column("reltuples"))), // float4, as pg_enum's enumsortorder
                r.bool(t.column("relispartition")), r.oid(t.column("reltype")), r.xmin());
        }
    }

    /**
     * A pg_attribute row (attnum &gt; 0) as a column without its missing value, and that value's
     * array datum (payload, decompressed) when atthasmissing and attmissingval is not NULL.
     */
    record AttributeRow(long relid, ColumnInfo column, byte[] missingArray, long xmin) {

        static AttributeRow of(CatalogTable t, CatalogTable.Row r, DatumDecompressor decompressor) {
            int missing = t.column("attmissingval");
            boolean hasMissing = r.bool(t.column("atthasmissing"));
            ColumnInfo c = new ColumnInfo(r.int2(t.column("attnum")), r.name(t.column("attname")),
                r.oid(t.column("atttypid")), r.int4(t.column("atttypmod")), r.int2(t.column("attlen")),
                r.bool(t.column("attbyval")), r.ch(t.column("attalign")), r.ch(t.column("attstorage")),
                r.bool(t.column("attnotnull")), r.bool(t.column("attisdropped")), hasMissing, null,
                r.ch(t.column("attgenerated")), r.ch(t.column("attidentity")));
            byte[] array = hasMissing && !r.isNull(missing) ? payload(r, missing, decompressor) : null;
            return new AttributeRow(r.oid(t.column("attrelid")), c, array, r.xmin());
        }
    }

    record TypeRow(long oid, String name, long namespace, char kind, char category, int len, boolean byval,
                   char align, char storage, long elem, long array, long base, int typmod, long relid, long xmin) {

        static TypeRow of(CatalogTable t, CatalogTable.Row r) {
            return new TypeRow(r.oid(t.column("oid")), r.name(t.column("typname")), r.oid(t.column("typnamespace")),
                r.ch(t.column("typtype")), r.ch(t.column("typcategory")), r.int2(t.column("typlen")),
                r.bool(t.column("typbyval")), r.ch(t.column("typalign")), r.ch(t.column("typstorage")),
                r.oid(t.column("typelem")), r.oid(t.column("typarray")), r.oid(t.column("typbasetype")),
                r.int4(t.column("typtypmod")), r.oid(t.column("typrelid")), r.xmin());
        }
    }

    record EnumRow(long oid, long type, float sortOrder, String label) {

        static EnumRow of(CatalogTable t, CatalogTable.Row r) {
            return new EnumRow(r.oid(t.column("oid")), r.oid(t.column("enumtypid")),
                Float.intBitsToFloat(r.int4(t.column("enumsortorder"))), r.name(t.column("enumlabel")));
        }
    }

    record IndexRow(long relid, boolean primary, boolean replicaIdentity, List<Integer> key, int keyCount, long xmin) {

        static IndexRow of(CatalogTable t, CatalogTable.Row r) {
            return new IndexRow(r.oid(t.column("indrelid")), r.bool(t.column("indisprimary")),
                r.bool(t.column("indisreplident")), r.int2vector(t.column("indkey")), r.int2(t.column("indnkeyatts")),
                r.xmin());
        }
    }

    /** A pg_range row; the multirange is 0 before 14. */
    record RangeRow(long type, long subtype, long multirange) {

        static RangeRow of(CatalogTable t, CatalogTable.Row r) {
            int multi = t.columnOrNone("rngmultitypid");
            return new RangeRow(r.oid(t.column("rngtypid")), r.oid(t.column("rngsubtype")),
                multi < 0 ? 0 : r.oid(multi));
        }
    }

    record DatabaseRow(long oid, String name, long tablespace, boolean template) {

        static DatabaseRow of(CatalogTable t, CatalogTable.Row r) {
            return new DatabaseRow(r.oid(t.column("oid")), r.name(t.column("datname")),
                r.oid(t.column("dattablespace")), r.bool(t.column("datistemplate")));
        }
    }

    /** The payload of a varlena column, decompressed when stored compressed inline. */
    private static byte[] payload(CatalogTable.Row r, int i, DatumDecompressor decompressor) {
        DeformedTuple t = r.tuple();
        ByteBuffer b = t.buffer();
        VarlenaKind kind = Varlena.kind(b, t.offset(i));
        try {
            if (kind == VarlenaKind.COMPRESSED) {
                int n = decompressor.decompressInline(b, t.offset(i));
                byte[] out = new byte[n];
                decompressor.outputBuffer().get(0, out);
                return out;
            }
            if (!t.isInlineUncompressed(i)) {
                throw r.corrupt(i, "stored out of line, in a catalog without a TOAST table");
            }
        } catch (TupleFormatException e) {
            throw r.corrupt(i, e.getMessage());
        }
        byte[] out = new byte[t.payloadLength(i)];
        b.get(t.payloadOffset(i), out);
        return out;
    }
}
