package org.xlogminer.forensics;

import java.util.List;

import org.xlogminer.event.TableName;

/**
 * What {@link UndoCheckQuery} found: a summary per table, and every row whose UNDO would not apply.
 *
 * @param tables   per table, in the order of their first change
 * @param problems the rows changed since, gone, or there again, in table order
 */
public record UndoCheckReport(List<TableSummary> tables, List<RowVerdict> problems) {

    public UndoCheckReport {
        tables = List.copyOf(tables);
        problems = List.copyOf(problems);
    }

    /** Whether guarded UNDO of the selection applies to every row checked. */
    public boolean allApplicable() {
        return problems.isEmpty();
    }

    /** Where a row stands against the change that left it. */
    public enum Status {
        /** Still as the change left it (in the columns its UNDO compares): the UNDO applies. */
        APPLICABLE,
        /** Changed since, in a column its UNDO compares: a conflict. */
        CONFLICT,
        /** The change left the row, and it is not there any more: deleted since (or the table is gone). */
        GONE,
        /** The change deleted the row, and its key exists again: a conflict for the re-INSERT. */
        EXISTS_AGAIN,
        /**
         * Changed between two changes of the selection by one it leaves out: undoing the earlier of
         * them would conflict (a conflict whatever the row holds now).
         */
        CHANGED_BETWEEN
    }

    /**
     * One table.
     *
     * @param table      the table
     * @param keyColumns its identity key's columns (empty: rows could not be checked)
     * @param changes    row changes of the selection to it
     * @param rows       rows checked (a row changed several times counts once)
     * @param applicable rows still as the selection left them
     * @param laterKept  of those, rows with a later change to columns the UNDO leaves alone (it survives)
     * @param conflicts  rows changed since, or whose deleted key exists again, or changed between two
     *                   changes of the selection
     * @param gone       rows deleted since
     * @param unchecked  changes not checked: the table has no key, or the WAL read does not hold it
     * @param truncates  TRUNCATEs of the table in the selection (no UNDO exists for them)
     * @param missing    why the table could not be looked at, or null (e.g. it no longer exists)
     */
    public record TableSummary(TableName table, List<String> keyColumns, long changes, long rows, long applicable,
                               long laterKept, long conflicts, long gone, long unchecked, long truncates,
                               String missing) {
    }

    /**
     * A row whose UNDO would not apply.
     *
     * @param table   the table
     * @param key     its key as {@code id=42}
     * @param status  why
     * @param lsn     LSN of the selection's last change to the row
     * @param xid     that change's transaction
     * @param op      that change's operation: insert, update, delete
     * @param changes how many changes of the selection the row had
     * @param columns for {@link Status#CONFLICT}, the columns that differ (those the UNDO compares
     *                first); for {@link Status#EXISTS_AGAIN}, the row now (with {@code then} null);
     *                for {@link Status#CHANGED_BETWEEN}, the columns as the earlier change left them
     *                and as the later found them (none when the row was deleted or inserted between)
     * @param between for {@link Status#CHANGED_BETWEEN}, the LSN of the later change, else 0
     */
    public record RowVerdict(TableName table, String key, Status status, long lsn, long xid, String op, int changes,
                             List<ColumnDiff> columns, long between) {
        public RowVerdict {
            columns = List.copyOf(columns);
        }
    }

    /**
     * A column of a row, then and now.
     *
     * @param column  its name
     * @param then    its text as the change left it, null for SQL NULL
     * @param now     its text in the database now, null for SQL NULL
     * @param guarded whether the UNDO compares it (a difference is a conflict), or only shows it
     */
    public record ColumnDiff(String column, String then, String now, boolean guarded) {
    }
}
