package org.xlogminer.catalog;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.xlogminer.tuple.HeapTupleDeformer;
import org.xlogminer.types.FormatWarnings;
import org.xlogminer.types.ValueFormatters;

/**
 * A catalog file from outside ({@code --catalog FILE}): {@link CatalogJson#read} must give a
 * snapshot or throw its documented {@link CatalogFormatException}; a snapshot it gives must then
 * serve mining without surprises: its index built, every table found by relfilenode and OID, a
 * deformer and a formatter made for every table and column. Seeds: the real catalogs of testdata/.
 */
class CatalogJsonFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void read(byte[] input) throws IOException {
        CatalogSnapshot s;
        try {
            s = CatalogJson.read(new ByteArrayInputStream(input));
        } catch (CatalogFormatException e) {
            return; // documented
        }
        s.index();
        ValueFormatters formatters = new ValueFormatters(s.types(), s.major(), new FormatWarnings());
        for (TableInfo t : s.tables()) {
            s.tableByRelfilenode(t.tablespace(), s.databaseOid(), t.relfilenode());
            s.tableByOid(t.oid());
            s.table(t.qualifiedName());
            HeapTupleDeformer.forTable(t);
            for (ColumnInfo c : t.columns()) {
                if (!c.dropped()) {
                    formatters.forColumn(c).sqlType();
                }
            }
        }
        for (Long oid : s.types().keySet()) {
            formatters.forType(oid).sqlType();
        }
    }
}
