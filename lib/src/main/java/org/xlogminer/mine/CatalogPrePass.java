package org.xlogminer.mine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.catalog.timeline.CatalogChangeCollector;
import org.xlogminer.catalog.timeline.CatalogTimeline;
import org.xlogminer.catalog.timeline.UnknownHistory;
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
 * history is not known: those whose defining catalog rows were written by a transaction not known
 * to have ended before the gap ({@link GapTables}); it never guesses.
 *
 * <p>Stateless; the source is read (and closed) by the pass, and read again from where the pass
 * began up to a gap, when there is one ({@link GapXids}).
 */
public final class CatalogPrePass {

    private CatalogPrePass() {
    }

    /**
     * The catalog to start at, and what is not known of it.
     *
     * @param catalog  true from {@code catalog.captureLsn()} on
     * @param warnings one line per thing not known, empty when all is
     * @param later    the snapshots captured after it, each to take over from its capture LSN
     *                 ({@link MinerBuilder#laterCatalogs})
     * @param timeline the catalog as of every LSN from the start up to the newest snapshot's capture,
     *                 when the pass read the WAL to walk a snapshot back; else null
     * @param unknown  the tables whose history is not known (their rows are to be marked), or null
     */
    public record Start(CatalogSnapshot catalog, List<String> warnings, List<CatalogSnapshot> later,
                        CatalogTimeline timeline, UnknownHistory unknown) {
        public Start {
            warnings = List.copyOf(warnings);
            later = List.copyOf(later);
        }

        public Start(CatalogSnapshot catalog, List<String> warnings) {
            this(catalog, warnings, List.of(), null, null);
        }
    }

    /**
     * @param source   the WAL, read only when a snapshot must be walked back (then closed)
     * @param snapshots at least one
     * @param fromLsn  where mining starts (0: the start of the WAL)
     */
    public static Start startCatalog(SegmentSource source, List<CatalogSnapshot> snapshots, long fromLsn) {
        List<CatalogSnapshot> sorted = new ArrayList<>(snapshots);
        sorted.sort((a, b) -> Long.compareUnsigned(a.captureLsn(), b.captureLsn()));
        CatalogSnapshot before = null;
        for (CatalogSnapshot s : sorted) {
            if (fromLsn != 0 && Long.compareUnsigned(s.captureLsn(), fromLsn) <= 0) {
                before = s;
            }
        }
        if (before != null) {
            return new Start(before, List.of(), sorted.subList(sorted.indexOf(before) + 1, sorted.size()), null, null);
        }
        CatalogSnapshot after = sorted.get(0);
        CatalogSnapshot last = sorted.get(sorted.size() - 1);
        CatalogChangeCollector collector = new CatalogChangeCollector();
        Miner.MiningSummary summary;
        GapXids gapXids = null;
        try (source) {
            try (Miner miner = Miner.builder(new KeptOpenSource(source), systemCatalogsOnly(after)).fromLsn(fromLsn)
                     .toLsn(last.captureLsn()).includeSystemCatalogs(true).build()) {
                summary = miner.stream(collector);
            }
            long end = summary.endOfWal() == null ? last.captureLsn() : summary.endOfWal().lsn();
            if (Long.compareUnsigned(end, after.captureLsn()) < 0) {
                gapXids = GapXids.scan(source, summary.readStart(), end);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CatalogTimeline timeline = CatalogTimeline.build(sorted, collector.commits());
        List<String> warnings = new ArrayList<>();
        Map<Long, String> unknownOids = new LinkedHashMap<>();
        if (gapXids != null) {
            GapTables gap = GapTables.of(gapXids, after);
            warnings.add(gap.warning());
            unknownOids.putAll(gap.unknown());
        }
        timeline.unknownHistory().forEach(unknownOids::putIfAbsent);
        UnknownHistory unknown = UnknownHistory.of(unknownOids, timeline.newest(), timeline.earliest(), after);
        timeline.unknownHistory().forEach((oid, why) -> warnings.add("history of relation "
            + name(oid, timeline, after) + " not known, its rows are marked incomplete: " + why));
        CatalogSnapshot s = timeline.earliest();
        // true from the start LSN: the miner applies the commits from there on, each later snapshot taking over
        return new Start(new CatalogSnapshot(s.systemIdentifier(), s.serverVersionNum(), s.serverVersion(),
            s.databaseOid(), s.databaseName(), s.defaultTablespace(), s.timeline(), fromLsn, s.capturedAt(),
            s.tables(), s.types(), s.namespaces()), warnings, sorted, timeline, unknown);
    }

    /** A relation's name as some catalog knows it, with its OID; or the OID alone. */
    private static String name(long oid, CatalogTimeline timeline, CatalogSnapshot after) {
        for (CatalogSnapshot c : new CatalogSnapshot[] {timeline.newest(), timeline.earliest(), after}) {
            TableInfo t = c.tableByOid(oid);
            if (t != null) {
                return t.qualifiedName() + " (OID " + oid + ")";
            }
        }
        return String.valueOf(oid);
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
