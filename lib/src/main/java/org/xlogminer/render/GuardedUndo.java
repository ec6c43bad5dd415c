package org.xlogminer.render;

import org.xlogminer.event.Row;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.Source;
import org.xlogminer.wal.Lsn;

/**
 * Writes guarded UNDO ({@link UndoGuard#CHANGED} and {@link UndoGuard#ALL}): statements that touch
 * a row only while it is still as the change left it, and check that they touched exactly one.
 *
 * <p>Each statement is the compensating INSERT, UPDATE or DELETE in a {@code WITH}, its rows
 * counted by the check function that the script creates at its top:
 * <pre>
 * WITH u AS (UPDATE public.t SET balance = '10.00'::numeric WHERE id = 42 AND balance = '0.00'::numeric
 *   RETURNING 1) SELECT pg_temp.xlogminer_check(count(*), 'public.t', 'id=42', '0/1A2B3C4D') FROM u;
 * </pre>
 * <ul>
 * <li>An UPDATE's UNDO sets back the columns the change changed ({@code ALL}: every column), WHERE
 *     the key and those columns ({@code ALL}: every column) still hold what the change wrote.</li>
 * <li>An INSERT's UNDO deletes the row WHERE every column still holds what was inserted.</li>
 * <li>A DELETE's UNDO inserts the row {@code ON CONFLICT DO NOTHING}: not when its key (or another
 *     unique value of it) exists again.</li>
 * <li>A row without a key is matched on all its values anchored on its ctid, as unguarded UNDO
 *     does; a value of a type without {@code =} (json, point, ...) is compared as text, and one the
 *     WAL read does not hold is not compared.</li>
 * </ul>
 * The check raises an error naming the table, the key and the LSN of the change when a statement
 * touched no row (the row changed since), or, when conflicts are skipped, a NOTICE, counted and
 * reported at the end. The script is one transaction ({@code BEGIN} at the top, {@code COMMIT} at
 * the end): stopped by a conflict, it applies nothing. See {@link #scriptStart()}.
 *
 * <p>Thread-safe: holds only its settings; rows and tables come from the {@link SqlRenderer}.
 */
final class GuardedUndo {

    /** How much of a key's text the check's message gets. */
    static final int KEY_TEXT_CHARS = 200;

    private static final String OPEN = """
        -- xlogminer: guarded UNDO, one transaction; apply with: psql -v ON_ERROR_STOP=1 -f FILE
        -- Each statement touches its row only while the row is as the change left it; a row changed since \
        is a conflict, which %s.
        BEGIN;
        CREATE OR REPLACE FUNCTION pg_temp.xlogminer_check(n bigint, tab text, key text, lsn text) RETURNS void
        LANGUAGE plpgsql AS $xlogminer$
        BEGIN
          IF n = 1 THEN
            RETURN;
          END IF;
        %s\
          RAISE EXCEPTION 'xlogminer: conflict undoing the change at LSN %%: row %% of %% is not as that change left it', \
        lsn, key, tab
            USING HINT = format('The row was changed or deleted since, or its key exists again (%%s rows matched). '
              'Nothing of this script is applied. To skip such rows: --undo-conflicts=skip.', n);
        END
        $xlogminer$;
        %s
        """;

    /** In the check, when conflicts are skipped: count it, say so, go on. */
    private static final String SKIP = """
          IF n = 0 THEN
            PERFORM set_config('xlogminer.skipped',
              (coalesce(nullif(current_setting('xlogminer.skipped', true), ''), '0')::bigint + 1)::text, true);
            RAISE NOTICE 'xlogminer: skipped: row % of % is not as the change at LSN % left it', key, tab, lsn;
            RETURN;
          END IF;
        """;

    /** The function that reports how many rows were skipped, when conflicts are skipped. */
    private static final String SKIPPED = """
        CREATE OR REPLACE FUNCTION pg_temp.xlogminer_skipped() RETURNS void
        LANGUAGE plpgsql AS $xlogminer$
        BEGIN
          RAISE NOTICE 'xlogminer: % rows skipped: changed since the change to undo',
            coalesce(nullif(current_setting('xlogminer.skipped', true), ''), '0');
        END
        $xlogminer$;
        """;

    private final SqlRenderer renderer;
    private final boolean allColumns;
    private final boolean changedColumnsOnly;
    private final boolean skipConflicts;

    /**
     * @param allColumns         an UPDATE's UNDO sets and guards every column ({@link UndoGuard#ALL})
     * @param changedColumnsOnly with {@code allColumns}, it sets only the changed ones
     * @param skipConflicts      the check skips a row changed since instead of stopping
     */
    GuardedUndo(SqlRenderer renderer, boolean allColumns, boolean changedColumnsOnly, boolean skipConflicts) {
        this.renderer = renderer;
        this.allColumns = allColumns;
        this.changedColumnsOnly = changedColumnsOnly;
        this.skipConflicts = skipConflicts;
    }

    /** The script's top: how to apply it, {@code BEGIN;} and the check function(s), a blank line. */
    String scriptStart() {
        return String.format(OPEN, skipConflicts ? "is skipped with a NOTICE" : "stops the script",
            skipConflicts ? SKIP : "", skipConflicts ? SKIPPED : "");
    }

    /** The script's end: the count of skipped rows when they are skipped, {@code COMMIT;}. */
    String scriptEnd() {
        return skipConflicts ? "SELECT pg_temp.xlogminer_skipped();\nCOMMIT;\n" : "COMMIT;\n";
    }

    /** Appends the guarded statement that undoes a row change (not a TRUNCATE). */
    void undo(RowChange change, StringBuilder sb) {
        undo(change, sb, null);
    }

    /**
     * As {@link #undo(RowChange, StringBuilder)}, noting in {@code spans} (when not null) where the
     * statement and its values are, for {@link PreparedUndo}.
     */
    void undo(RowChange change, StringBuilder sb, ValueSpans spans) {
        if (spans != null) {
            spans.reset();
        }
        Source s = change.source();
        if (change instanceof RowChange.Insert ins) {
            TableSql table = renderer.table(s, ins.after());
            start(sb, table, spans);
            sb.append("WITH u AS (DELETE FROM ").append(table.qualified);
            guardedWhere(sb, table, ins.after(), s, null, null, 0, spans);
            check(sb, table, ins.after(), s.newCtid(), s, spans);
        } else if (change instanceof RowChange.Update up) {
            update(sb, up.before(), up.after(), s, spans);
        } else if (change instanceof RowChange.Delete del) {
            TableSql table = renderer.table(s, del.before());
            SqlClauses.comments(sb, del.before(), null, del.before().size(), "INSERT");
            start(sb, table, spans);
            sb.append("WITH u AS (");
            SqlClauses.insertStatement(sb, table, del.before(), spans);
            sb.append(" ON CONFLICT DO NOTHING");
            check(sb, table, del.before(), s.oldCtid(), s, spans);
        }
    }

    /** Notes where the statement starts; a keyless row's (found by its ctid) is not prepared. */
    private static void start(StringBuilder sb, TableSql table, ValueSpans spans) {
        if (spans != null) {
            spans.statementStart = sb.length();
            if (table.key.isEmpty()) {
                spans.notPreparable();
            }
        }
    }

    /** Sets back the before row's changed (or all) columns where the after row is still there. */
    private void update(StringBuilder sb, Row before, Row after, Source s, ValueSpans spans) {
        TableSql table = renderer.table(s, before);
        int[] set = new int[before.size()];
        int count = SqlClauses.setColumns(before, after, allColumns && !changedColumnsOnly, set);
        SqlClauses.comments(sb, before, set, count, "UPDATE");
        start(sb, table, spans);
        sb.append("WITH u AS (");
        SqlClauses.updateSet(sb, table, before, set, count, spans);
        if (allColumns) {
            guardedWhere(sb, table, after, s, null, null, 0, spans);
        } else {
            guardedWhere(sb, table, after, s, before, set, count, spans);
        }
        check(sb, table, after, s.newCtid(), s, spans);
    }

    /**
     * WHERE the row {@code match} is found by its key, and its guarded columns still hold its values:
     * those named by {@code set} in {@code target} (the other version of the row), or all when
     * {@code set} is null. A row without a key is matched on all its values and the ctid anyway.
     */
    private static void guardedWhere(StringBuilder sb, TableSql table, Row match, Source s, Row target, int[] set,
                                     int count, ValueSpans spans) {
        if (table.key.isEmpty()) {
            SqlClauses.where(sb, table, match, s, true);
            return;
        }
        int[] key = table.keyIndexes(match);
        int n = match.size();
        int[] cols = new int[key.length + n];
        System.arraycopy(key, 0, cols, 0, key.length);
        int c = key.length;
        for (int k = 0, end = set == null ? n : count; k < end; k++) {
            int i = set == null ? k : matching(match, target, set[k]);
            if (i >= 0 && !match.isUnknown(i) && !contains(key, i)) {
                cols[c++] = i; // a value the WAL read does not hold cannot be compared
            }
        }
        sb.append(" WHERE ");
        SqlClauses.conditions(sb, table, match, cols, c, table.key.isEmpty() ? null : spans);
    }

    /** Where column {@code t} of {@code target} is in {@code match}, or -1. */
    private static int matching(Row match, Row target, int t) {
        String name = target.name(t);
        return t < match.size() && match.name(t).equals(name) ? t : match.indexOf(name);
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /**
     * Ends the statement: {@code RETURNING 1)}, then the check of its row count, which names the
     * table, the key (of {@code row}: the row as it should be now) and the change's LSN.
     */
    private static void check(StringBuilder sb, TableSql table, Row row, String ctid, Source s, ValueSpans spans) {
        sb.append(" RETURNING 1) SELECT pg_temp.xlogminer_check(count(*), ").append(table.qualifiedLiteral).append(", ");
        int at = sb.length();
        keyText(sb, table, row, ctid);
        if (spans != null) {
            spans.add(at, sb.length());
        }
        sb.append(", ");
        at = sb.length();
        sb.append('\'');
        Lsn.appendTo(sb, s.lsn());
        sb.append('\'');
        if (spans != null) {
            spans.add(at, sb.length());
        }
        sb.append(") FROM u;");
    }

    /**
     * The key as a string literal for messages, {@code 'id=42'}, {@code 'a=1, b=x'}, a row without
     * key by its ctid, {@code 'ctid=(0,5)'}; cut after {@link #KEY_TEXT_CHARS} characters.
     */
    static void keyText(StringBuilder sb, TableSql table, Row row, String ctid) {
        int at = sb.length();
        sb.append('\'');
        if (table.key.isEmpty()) {
            sb.append("ctid=").append(ctid == null ? "?" : ctid);
        } else {
            int[] key = table.keyIndexes(row);
            for (int k = 0; k < key.length; k++) {
                int i = key[k];
                sb.append(k == 0 ? "" : ", ").append(row.name(i)).append('=');
                if (row.isNull(i)) {
                    sb.append("NULL");
                } else if (row.isUnknown(i)) {
                    sb.append('?');
                } else {
                    row.appendText(i, sb);
                }
            }
        }
        int limit = at + 1 + KEY_TEXT_CHARS;
        if (sb.length() > limit) {
            sb.setLength(Character.isHighSurrogate(sb.charAt(limit - 1)) ? limit - 1 : limit);
            sb.append("...");
        }
        org.xlogminer.sql.SqlText.escapeQuotesFrom(sb, at + 1);
        sb.append('\'');
    }
}
