package org.xlogminer.stats;

import java.util.ArrayList;
import java.util.List;

import java.util.HashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import org.xlogminer.event.RowChange;
import org.xlogminer.event.TableName;
import org.xlogminer.event.TransactionInfo;

/**
 * Finds the transactions that look like accidents, as their changes go by:
 * <ul>
 * <li>a <em>burst</em> of more than {@code bigRows} row changes: a run of consecutive changes of one
 *     operation (insert, update or delete) to one table within one transaction, with no change to
 *     another table or of another operation between them. One statement's rows come as one such
 *     run (what an UPDATE or DELETE without WHERE makes), unless a trigger writes to another
 *     table in between; several statements of one operation on one table in a row join one run;</li>
 * <li>a burst of UPDATEs or DELETEs of about <em>every row</em> of a table (a DELETE: the table
 *     emptied): at least {@value #WHOLE_TABLE_SHARE} of the rows the table had by the catalog
 *     snapshot's estimate ({@code pg_class.reltuples}, {@link org.xlogminer.catalog.TableInfo#rowEstimate()})
 *     plus the rows inserted and less those deleted by the transactions read before, for tables of at least {@value #WHOLE_TABLE_MIN_ROWS} rows (a small table's every row is often
 *     updated on purpose); not known without an estimate;</li>
 * <li>a table <em>emptied</em> by TRUNCATE (logged at wal_level=logical only).</li>
 * </ul>
 * Call {@link #change} for each change of a transaction in order, then {@link #end}. Not
 * thread-safe: one consumer.
 */
public final class AccidentFlags {

    /**
     * One finding.
     *
     * @param tx       the transaction
     * @param table    the table
     * @param what     "update", "delete", "insert" (a burst) or "truncate"
     * @param rows     the burst's row changes (0 for a TRUNCATE)
     * @param firstLsn LSN of the burst's first change (of the TRUNCATE)
     * @param lastLsn  LSN of its last change
     * @param tableRows the estimate of the table's rows when the burst changed about every one of
     *                  them, else -1
     */
    public record Flag(TransactionInfo tx, TableName table, String what, long rows, long firstLsn, long lastLsn,
                       double tableRows) {
        /** Whether the burst changed about every row of the table. */
        public boolean wholeTable() {
            return tableRows >= 0;
        }
    }

    /** The share of a table's estimated rows a burst must change to count as "every row". */
    public static final double WHOLE_TABLE_SHARE = 0.95;
    /** Tables estimated to have fewer rows are not flagged for a change of every row. */
    public static final long WHOLE_TABLE_MIN_ROWS = 100;

    private final long bigRows;
    private final ToDoubleFunction<TableName> rowEstimates;
    /** Per table, the rows inserted less the rows deleted by the changes read so far. */
    private final Map<TableName, Long> net = new HashMap<>();
    private final List<Flag> flags = new ArrayList<>();
    /** The current run: its table's names (the catalog's own Strings), operation, length and first LSN. */
    private String runSchema;
    private String runTable;
    private String runOp;
    private long runRows;
    private long runFirst;
    private long runLast;

    /**
     * @param bigRows      a burst of more row changes than this is flagged
     * @param rowEstimates a table's estimated number of rows, or -1 when not known
     */
    public AccidentFlags(long bigRows, ToDoubleFunction<TableName> rowEstimates) {
        this.bigRows = bigRows;
        this.rowEstimates = rowEstimates;
    }

    public void change(TransactionInfo tx, RowChange c) {
        if (c instanceof RowChange.Truncate t) {
            close(tx);
            for (TableName n : t.tables()) {
                double estimate = rowEstimates.applyAsDouble(n);
                net.put(n, estimate >= 0 ? -(long) estimate : 0); // none left
                flags.add(new Flag(tx, n, "truncate", 0, c.source().lsn(), c.source().lsn(), -1));
            }
            return;
        }
        String schema = c.source().schema();
        String table = c.source().table();
        String op = c.op();
        if (runRows > 0 && op == runOp && table.equals(runTable) && schema.equals(runSchema)) {
            runRows++;
            runLast = c.source().lsn();
            return;
        }
        close(tx);
        runSchema = schema;
        runTable = table;
        runOp = op;
        runRows = 1;
        runFirst = c.source().lsn();
        runLast = runFirst;
    }

    /** The transaction ended: its last run is closed. */
    public void end(TransactionInfo tx) {
        close(tx);
    }

    /** What was found, in commit order. */
    public List<Flag> flags() {
        return flags;
    }

    private void close(TransactionInfo tx) {
        if (runRows == 0) {
            return;
        }
        double whole = -1;
        TableName table = new TableName(runSchema, runTable);
        long before = net.getOrDefault(table, 0L);
        if (!runOp.equals("insert") && runRows >= WHOLE_TABLE_MIN_ROWS * WHOLE_TABLE_SHARE) {
            double estimate = rowEstimates.applyAsDouble(table);
            double rows = estimate + before;
            if (estimate >= 0 && rows >= WHOLE_TABLE_MIN_ROWS && runRows >= rows * WHOLE_TABLE_SHARE) {
                whole = rows;
            }
        }
        if (!runOp.equals("update")) {
            net.put(table, before + (runOp.equals("insert") ? runRows : -runRows));
        }
        if (runRows > bigRows || whole >= 0) {
            flags.add(new Flag(tx, table, runOp, runRows, runFirst, runLast, whole));
        }
        runRows = 0;
    }
}
