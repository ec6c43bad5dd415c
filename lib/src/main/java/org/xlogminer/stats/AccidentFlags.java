package org.xlogminer.stats;

import java.util.ArrayList;
import java.util.List;

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
     */
    public record Flag(TransactionInfo tx, TableName table, String what, long rows, long firstLsn, long lastLsn) {
    }

    private final long bigRows;
    private final List<Flag> flags = new ArrayList<>();
    /** The current run: its table's names (the catalog's own Strings), operation, length and first LSN. */
    private String runSchema;
    private String runTable;
    private String runOp;
    private long runRows;
    private long runFirst;
    private long runLast;

    /** @param bigRows a burst of more row changes than this is flagged */
    public AccidentFlags(long bigRows) {
        this.bigRows = bigRows;
    }

    public void change(TransactionInfo tx, RowChange c) {
        if (c instanceof RowChange.Truncate t) {
            close(tx);
            for (TableName n : t.tables()) {
                flags.add(new Flag(tx, n, "truncate", 0, c.source().lsn(), c.source().lsn()));
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
        if (runRows > bigRows) {
            flags.add(new Flag(tx, new TableName(runSchema, runTable), runOp, runRows, runFirst, runLast));
        }
        runRows = 0;
    }
}
