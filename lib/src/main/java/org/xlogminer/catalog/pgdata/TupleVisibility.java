package org.xlogminer.catalog.pgdata;

import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a tuple version on a catalog page is the live one, decided as a snapshot taken when the
 * files were written would (the rules of {@code HeapTupleSatisfiesMVCC} with every ended
 * transaction visible): its inserting transaction committed, and its deleting or updating
 * transaction, if any, did not. Hint bits ({@code htup_details.h}) answer first; else the commit
 * log. A row locked but not changed (xmax only a locker) is live.
 *
 * <p>Transactions still in progress in the commit log (those running when a base backup copied it,
 * or prepared ones) are taken as not committed, and remembered ({@link #unsettled()}) so that the
 * capture can say so. A MultiXact xmax is looked up in pg_multixact ({@link MultiXacts}): the
 * row is deleted when its updating member committed; a MultiXact whose members were not all
 * written is taken as not committed and counted ({@link #multixactUnknown()}). Not thread-safe.
 */
final class TupleVisibility {

    static final int HEAP_XMAX_KEYSHR_LOCK = 0x0010;
    static final int HEAP_XMAX_EXCL_LOCK = 0x0040;
    static final int HEAP_XMAX_LOCK_ONLY = 0x0080;
    static final int HEAP_XMIN_COMMITTED = 0x0100;
    static final int HEAP_XMIN_INVALID = 0x0200;
    static final int HEAP_XMIN_FROZEN = HEAP_XMIN_COMMITTED | HEAP_XMIN_INVALID;
    static final int HEAP_XMAX_COMMITTED = 0x0400;
    static final int HEAP_XMAX_INVALID = 0x0800;
    static final int HEAP_XMAX_IS_MULTI = 0x1000;
    static final int HEAP_LOCK_MASK = HEAP_XMAX_KEYSHR_LOCK | HEAP_XMAX_EXCL_LOCK;
    /** FirstNormalTransactionId: 1 bootstrap and 2 frozen are committed. */
    static final int FIRST_NORMAL_XID = 3;

    private final CommitLog clog;
    private final MultiXacts multis;
    private final Set<Long> unsettled = new TreeSet<>();
    private int multixactUnknown;

    TupleVisibility(CommitLog clog, MultiXacts multis) {
        this.clog = clog;
        this.multis = multis;
    }

    /** Whether the tuple with these header fields is live. */
    boolean visible(int xmin, int xmax, int infomask) {
        if ((infomask & HEAP_XMIN_FROZEN) == HEAP_XMIN_FROZEN || (infomask & HEAP_XMIN_COMMITTED) != 0) {
            // inserted by a committed transaction
        } else if ((infomask & HEAP_XMIN_INVALID) != 0 || !committed(xmin)) {
            return false;
        }
        if ((infomask & HEAP_XMAX_INVALID) != 0 || xmax == 0 || lockOnly(infomask)) {
            return true;
        }
        if ((infomask & HEAP_XMAX_IS_MULTI) != 0) {
            int updater = multis.updater(xmax);
            if (updater == -1) {
                multixactUnknown++;
            }
            return updater <= 0 || !committed(updater);
        }
        if ((infomask & HEAP_XMAX_COMMITTED) != 0) {
            return false;
        }
        return !committed(xmax);
    }

    /** HEAP_XMAX_IS_LOCKED_ONLY. */
    static boolean lockOnly(int infomask) {
        return (infomask & HEAP_XMAX_LOCK_ONLY) != 0
            || (infomask & (HEAP_XMAX_IS_MULTI | HEAP_LOCK_MASK)) == HEAP_XMAX_EXCL_LOCK;
    }

    private boolean committed(int xid) {
        if (Integer.compareUnsigned(xid, FIRST_NORMAL_XID) < 0) {
            return xid != 0;
        }
        int s = clog.status(xid);
        if (s == CommitLog.IN_PROGRESS || s == CommitLog.SUB_COMMITTED) {
            unsettled.add(Integer.toUnsignedLong(xid));
        }
        return s == CommitLog.COMMITTED;
    }

    /** Transactions that had not ended in the commit log and wrote or deleted a catalog row. */
    Set<Long> unsettled() {
        return unsettled;
    }

    /** How many row versions had a MultiXact xmax whose members were not all written (taken as live). */
    int multixactUnknown() {
        return multixactUnknown;
    }
}
