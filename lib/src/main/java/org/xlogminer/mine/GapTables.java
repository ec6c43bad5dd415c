package org.xlogminer.mine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.catalog.TransactionIds;
import org.xlogminer.wal.Lsn;

/**
 * The relations a gap in the WAL before a snapshot's capture may have changed: those whose defining
 * catalog rows ({@link TableInfo#catalogXmin()}) were written by a transaction not known to have
 * ended before the gap ({@link GapXids}), and those whose catalog xmin the snapshot does not know
 * (written before it was captured). Every other relation's catalog rows are as they were before
 * the gap, so the walk back through the WAL read gives its history whole and its rows need no mark.
 *
 * @param unknown why each relation's history is not known, by pg_class OID
 * @param warning one line for the run's report, naming the relations
 */
record GapTables(Map<Long, String> unknown, String warning) {

    /** Relations named in the warning at most; the rest are counted. */
    static final int NAMED = 20;

    static GapTables of(GapXids xids, CatalogSnapshot snapshot) {
        String what = "the WAL from " + xids.gap() + " to the catalog's capture at " + Lsn.format(snapshot.captureLsn())
            + " is not all there";
        Map<Long, String> unknown = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (TableInfo t : snapshot.tables()) {
            long xmin = t.catalogXmin();
            String why;
            if (xmin == TransactionIds.INVALID) {
                why = what + ", and the catalog does not say which transaction last wrote its definition"
                    + " (captured before that was recorded): a schema change of it there is not known";
            } else if (!xids.endedBefore(xmin)) {
                why = what + ", and its definition was last written by xid " + xmin
                    + ", not known to have ended before it" + (xids.nextXid() == TransactionIds.INVALID ? ""
                    : " (the next xid there was " + xids.nextXid() + ")") + ": it may have changed there";
            } else {
                continue;
            }
            unknown.put(t.oid(), why);
            if (!t.isSystemCatalog() && t.relkind() != 't') {
                names.add(t.qualifiedName());
            }
        }
        String warning;
        if (names.isEmpty()) {
            warning = what + "; no table's definition was written by a transaction not known to have ended before it,"
                + " so no row is marked";
        } else {
            warning = what + ": a schema change in it is not known; the rows of the " + names.size()
                + " table(s) it may have changed are marked incomplete: "
                + String.join(", ", names.subList(0, Math.min(NAMED, names.size())))
                + (names.size() > NAMED ? " and " + (names.size() - NAMED) + " more" : "");
        }
        return new GapTables(unknown, warning);
    }
}
