package org.xlogminer.mine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.catalog.timeline.CatalogChangeCollector;
import org.xlogminer.catalog.timeline.CatalogTimeline;
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.reader.SegmentSource;

/**
 * Chooses the catalog a mining run starts from, given one or more snapshots: the newest one
 * captured at or before the start LSN as it is; else (every snapshot was taken after the start: the
 * usual forensics case) the first one taken after it, walked back to the start LSN by a pass over
 * the WAL from the start up to its capture that reads only the system catalogs' row changes
 * ({@link CatalogTimeline}). The miner then moves it forward itself.
 *
 * <p>When the WAL up to the snapshot's capture is not all there, the changes of the missing part
 * cannot be undone: the result says so ({@link Start#warnings()}), naming the relations whose
 * history is not known; it never guesses.
 *
 * <p>Stateless; the source is read (and closed) by the pass.
 */
public final class CatalogPrePass {

    private CatalogPrePass() {
    }

    /**
     * The catalog to start at, and what is not known of it.
     *
     * @param catalog  true from {@code catalog.captureLsn()} on
     * @param warnings one line per thing not known, empty when all is
     */
    public record Start(CatalogSnapshot catalog, List<String> warnings) {
        public Start {
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * @param source   the WAL, read only when a snapshot must be walked back (then closed)
     * @param snapshots at least one
     * @param fromLsn  where mining starts (0: the start of the WAL)
     */
    public static Start startCatalog(SegmentSource source, List<CatalogSnapshot> snapshots, long fromLsn) {
        List<CatalogSnapshot> sorted = new ArrayList<>(snapshots);
        sorted.sort(Comparator.comparingLong(CatalogSnapshot::captureLsn));
        CatalogSnapshot before = null;
        for (CatalogSnapshot s : sorted) {
            if (fromLsn != 0 && Long.compareUnsigned(s.captureLsn(), fromLsn) <= 0) {
                before = s;
            }
        }
        if (before != null) {
            return new Start(before, List.of());
        }
        CatalogSnapshot after = sorted.get(0);
        CatalogChangeCollector collector = new CatalogChangeCollector();
        Miner.MiningSummary summary;
        try (Miner miner = Miner.builder(source, systemCatalogsOnly(after)).fromLsn(fromLsn)
                 .toLsn(after.captureLsn()).includeSystemCatalogs(true).build()) {
            summary = miner.stream(collector);
        }
        CatalogTimeline timeline = CatalogTimeline.build(List.of(after), collector.commits());
        List<String> warnings = new ArrayList<>();
        long end = summary.endOfWal() == null ? after.captureLsn() : summary.endOfWal().lsn();
        if (Long.compareUnsigned(end, after.captureLsn()) < 0) {
            warnings.add("the WAL from " + Lsn.format(end) + " to the catalog's capture at "
                + Lsn.format(after.captureLsn()) + " is not all there: schema changes in it are not known, "
                + "the catalog at the start is the capture's with only the changes read undone");
        }
        timeline.unknownHistory().forEach((oid, why) -> warnings.add("history of relation " + oid
            + " not known: " + why));
        CatalogSnapshot s = timeline.earliest();
        // true from the start LSN: the miner applies the commits from there on
        return new Start(new CatalogSnapshot(s.systemIdentifier(), s.serverVersionNum(), s.serverVersion(),
            s.databaseOid(), s.databaseName(), s.defaultTablespace(), s.timeline(), fromLsn, s.capturedAt(),
            s.tables(), s.types(), s.namespaces()), warnings);
    }

    /** The snapshot with only the system catalogs (and their TOAST tables): what the pass decodes. */
    private static CatalogSnapshot systemCatalogsOnly(CatalogSnapshot s) {
        List<TableInfo> tables = new ArrayList<>();
        for (TableInfo t : s.tables()) {
            if (t.oid() < KeptRelations.FIRST_NORMAL_OBJECT_ID) {
                tables.add(t);
            }
        }
        return new CatalogSnapshot(s.systemIdentifier(), s.serverVersionNum(), s.serverVersion(), s.databaseOid(),
            s.databaseName(), s.defaultTablespace(), s.timeline(), s.captureLsn(), s.capturedAt(), tables, s.types(),
            s.namespaces());
    }
}
