package org.xlogminer.mine;

import org.xlogminer.catalog.TableInfo;
import org.xlogminer.event.Row;
import org.xlogminer.event.Source;
import org.xlogminer.tx.TxAssembler.StoredRecord;

/**
 * A heap change read from its {@link ChangeSummary} and the whole tuples kept beside it
 * ({@link RowDecoder#decoded}): the same changes as from the record, without parsing it again.
 * Without values the rows are {@link RowBuilder#NO_VALUES}.
 *
 * <p>A reusable flyweight; not thread-safe.
 */
final class SummaryChange extends HeapChange {

    private final ChangeSummary summary = new ChangeSummary();
    private StoredRecord.Summary kept;
    private int inserted;

    SummaryChange(FollowedCatalog catalog, TablePlans plans, RowBuilder rows) {
        super(catalog, plans, rows);
    }

    /** This change read from {@code s}; null when it has nothing to decode. */
    HeapChange wrap(StoredRecord.Summary s) {
        ChangeSummary b = summary.wrap(s.bytes());
        TableInfo table = catalog.tableByRelfilenode(Integer.toUnsignedLong(b.tablespace()),
            Integer.toUnsignedLong(b.database()), Integer.toUnsignedLong(b.relNumber()));
        if (table == null || table.relkind() == 't') {
            return null; // as from a record: dropped from the catalog meanwhile, or a TOAST table
        }
        kept = s;
        inserted = -1;
        long newTid = Source.tid(b.newBlock(), b.newOffnum());
        long oldTid = Source.tid(b.oldBlock(), b.oldOffnum());
        return set(b.op(), s.lsn(), table, rows.values(table) ? plans.plan(table) : null, oldTid, newTid, b.isSpeculative(),
            b.isSuperDelete());
    }

    @Override
    Row newRow(String what) {
        return row(kept.pageNewTuple());
    }

    @Override
    Row oldRow() {
        return row(kept.pageOldTuple());
    }

    /**
     * A row of a summary: none without values; else the whole tuple kept with it (never missing
     * where the summary was kept with values, but not guessed if it were).
     */
    private Row row(byte[] wholeTuple) {
        if (plan() == null) {
            return RowBuilder.NO_VALUES;
        }
        return wholeTuple != null ? rows.wholeRow(plan(), wholeTuple)
            : rows.unknownRow(plan(), "the row was not kept with the summary of its record");
    }

    @Override
    boolean nextInserted() {
        return ++inserted < summary.count();
    }

    @Override
    long insertedTid() {
        return Source.tid(summary.newBlock(), summary.multiInsertOffnum(inserted));
    }

    /** A MULTI_INSERT is summarised only without values. */
    @Override
    Row insertedRow() {
        return RowBuilder.NO_VALUES;
    }
}
