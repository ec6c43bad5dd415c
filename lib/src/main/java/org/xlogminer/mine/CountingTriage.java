package org.xlogminer.mine;

import java.util.List;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.catalog.timeline.CatalogChange;
import org.xlogminer.decode.HeapRecordDecoder;
import org.xlogminer.wal.reader.ReadAheadWithoutImages;
import org.xlogminer.wal.reader.XLogRecordView;
import org.xlogminer.wal.rmgr.RecordTypeNames;

/**
 * What the reading thread hands over when no values are decoded ({@link MinerBuilder#values}):
 * a summary of each heap row change ({@link RowDecoder#summary}) in its record's place, Transaction
 * and XLOG records whole (for their handlers: ends of transactions, checkpoints), a TRUNCATE whole,
 * nothing of the rest, which the record handlers would pass by (no page of a user table is tracked).
 *
 * <p>The catalog is followed even then (rows are named under the catalog as of their LSN): every
 * record that touches a page of a followed system catalog ({@link CatalogChange#FOLLOWED}) is handed
 * over whole, images included, so that the mining thread decodes those catalogs' rows and tracks
 * their pages (an UPDATE of pg_class logs no old row: it comes from the page). The catalogs'
 * relfilenodes are those of the snapshots given; one that a VACUUM FULL of the catalog itself gives
 * in the range is not known here.
 *
 * <p>Runs on the reading thread, with a heap decoder of its own: one instance per reader.
 */
final class CountingTriage implements ReadAheadWithoutImages.Triage {

    private final HeapRecordDecoder heap = new HeapRecordDecoder();
    private final long databaseOid;
    /** The followed catalogs' relfilenodes (a handful: a scan beats a hash). */
    private final int[] catalogFiles;

    /** @param snapshots the start catalog and those that take over later: their followed catalogs' files */
    CountingTriage(List<CatalogSnapshot> snapshots) {
        this.databaseOid = snapshots.get(0).databaseOid();
        this.catalogFiles = snapshots.stream().flatMap(s -> s.tables().stream())
            .filter(t -> t.oid() < KeptRelations.FIRST_NORMAL_OBJECT_ID && t.relfilenode() != 0
                && CatalogChange.followed(t.schema(), t.name()))
            .mapToLong(TableInfo::relfilenode).distinct().mapToInt(l -> (int) l).toArray();
    }

    @Override
    public byte[] summarize(XLogRecordView r) {
        int rmid = r.rmid();
        if (rmid == RecordTypeNames.RM_XACT_ID) {
            return null;
        }
        if (rmid == RecordTypeNames.RM_XLOG_ID) {
            return touchesCatalog(r) ? ReadAheadWithoutImages.WHOLE : null;
        }
        if (rmid != RecordTypeNames.RM_HEAP_ID && rmid != RecordTypeNames.RM_HEAP2_ID) {
            return ReadAheadWithoutImages.SKIP;
        }
        if (touchesCatalog(r)) {
            return ReadAheadWithoutImages.WHOLE;
        }
        if (!heap.wrap(r)) {
            return ReadAheadWithoutImages.SKIP;
        }
        return RowDecoder.summary(r, heap); // null for a TRUNCATE: the record itself
    }

    /** Whether a block of the record is of a followed catalog of the mined database. */
    private boolean touchesCatalog(XLogRecordView r) {
        int[] files = catalogFiles;
        for (int b = r.blockCount() - 1; b >= 0; b--) {
            int rel = r.relNumber(b);
            for (int f : files) {
                if (f == rel && Integer.toUnsignedLong(r.database(b)) == databaseOid) {
                    return true;
                }
            }
        }
        return false;
    }
}
