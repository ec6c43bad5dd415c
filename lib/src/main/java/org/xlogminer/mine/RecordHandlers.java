package org.xlogminer.mine;

import static org.xlogminer.decode.HeapLayout.XLOG_HEAP2_MULTI_INSERT;
import static org.xlogminer.decode.HeapLayout.XLOG_HEAP_CONFIRM;
import static org.xlogminer.decode.HeapLayout.XLOG_HEAP_DELETE;
import static org.xlogminer.decode.HeapLayout.XLOG_HEAP_HOT_UPDATE;
import static org.xlogminer.decode.HeapLayout.XLOG_HEAP_INSERT;
import static org.xlogminer.decode.HeapLayout.XLOG_HEAP_OPMASK;
import static org.xlogminer.decode.HeapLayout.XLOG_HEAP_TRUNCATE;
import static org.xlogminer.decode.HeapLayout.XLOG_HEAP_UPDATE;
import static org.xlogminer.decode.XactLayout.XLOG_XACT_ABORT;
import static org.xlogminer.decode.XactLayout.XLOG_XACT_ABORT_PREPARED;
import static org.xlogminer.decode.XactLayout.XLOG_XACT_COMMIT;
import static org.xlogminer.decode.XactLayout.XLOG_XACT_COMMIT_PREPARED;
import static org.xlogminer.decode.XactLayout.XLOG_XACT_OPMASK;
import static org.xlogminer.wal.rmgr.RecordTypeNames.RM_HEAP2_ID;
import static org.xlogminer.wal.rmgr.RecordTypeNames.RM_HEAP_ID;
import static org.xlogminer.wal.rmgr.RecordTypeNames.RM_XACT_ID;
import static org.xlogminer.wal.rmgr.RecordTypeNames.RM_XLOG_ID;

import java.util.Arrays;

import org.xlogminer.wal.reader.XLogRecordView;

/**
 * The table that chooses each record's {@link RecordHandler}, in the manner of PostgreSQL's
 * {@code RmgrTable} and {@code heap_redo}'s switch: one slot per resource manager id (0-255) and
 * value of xl_info's high nibble (the resource manager's own bits), filled once when the class is
 * loaded. A record type registered with a mask fills every slot whose masked bits match, so Heap's
 * {@code +INIT} variants ({@code XLOG_HEAP_INIT_PAGE}) and Transaction's {@code HAS_INFO} share their
 * type's handler.
 *
 * <table>
 * <caption>Registered handlers; every other slot holds {@link #SKIP}</caption>
 * <tr><th>rmgr</th><th>record type (mask)</th><th>handler</th></tr>
 * <tr><td>Heap</td><td>INSERT, DELETE, UPDATE, HOT_UPDATE, CONFIRM, TRUNCATE (0x70)</td>
 *     <td>{@link HeapHandlers}</td></tr>
 * <tr><td>Heap2</td><td>MULTI_INSERT (0x70)</td><td>{@link HeapHandlers#MULTI_INSERT}</td></tr>
 * <tr><td>Transaction</td><td>COMMIT, ABORT, COMMIT_PREPARED, ABORT_PREPARED (0x70)</td>
 *     <td>{@link XactHandlers#END}</td></tr>
 * <tr><td>Transaction</td><td>PREPARE, ASSIGNMENT, the rest (0x70)</td>
 *     <td>{@link XactHandlers#OTHER}</td></tr>
 * <tr><td>XLOG</td><td>CHECKPOINT_SHUTDOWN, CHECKPOINT_ONLINE (0xF0)</td>
 *     <td>{@link XlogHandlers#CHECKPOINT}</td></tr>
 * </table>
 *
 * <p>To handle another record type, write a handler (a static method taking the
 * {@link MiningState} and the record, kept in a {@code static final RecordHandler} constant) and add
 * one {@link #on} line to {@link #build()}. A handler may do its part and then call another's
 * constant: one that follows the system catalogs' own row changes can register for Heap INSERT and
 * call {@link HeapHandlers#INSERT} after it.
 *
 * <p>Immutable once built; thread-safe.
 */
final class RecordHandlers {

    /** Slots per resource manager: one per value of xl_info's high nibble ({@code info >>> 4}). */
    static final int INFO_SLOTS = 16;
    /** Resource manager ids: built-in ones from 0, custom ones from 128, all below 256. */
    static final int RMGR_SLOTS = 256;
    /** xl_info's resource-manager bits (XLR_RMGR_INFO_MASK): the whole record type. */
    static final int WHOLE_INFO = 0xF0;

    /**
     * Records no handler is registered for: their content is skipped. With values, the full-page
     * images they carry still bring tracked pages up to date (XLOG FPI and FPI_FOR_HINT, Heap LOCK,
     * Heap2 PRUNE and VISIBLE, ... all may hold an image of a heap page a later change reads).
     */
    static final RecordHandler SKIP = RecordHandlers::skip;

    private static final RecordHandler[] TABLE = build();

    private RecordHandlers() {
    }

    private static RecordHandler[] build() {
        RecordHandler[] t = new RecordHandler[RMGR_SLOTS * INFO_SLOTS];
        Arrays.fill(t, SKIP);
        on(t, RM_HEAP_ID, XLOG_HEAP_INSERT, XLOG_HEAP_OPMASK, HeapHandlers.INSERT);
        on(t, RM_HEAP_ID, XLOG_HEAP_DELETE, XLOG_HEAP_OPMASK, HeapHandlers.DELETE);
        on(t, RM_HEAP_ID, XLOG_HEAP_UPDATE, XLOG_HEAP_OPMASK, HeapHandlers.UPDATE);
        on(t, RM_HEAP_ID, XLOG_HEAP_HOT_UPDATE, XLOG_HEAP_OPMASK, HeapHandlers.UPDATE);
        on(t, RM_HEAP_ID, XLOG_HEAP_CONFIRM, XLOG_HEAP_OPMASK, HeapHandlers.CONFIRM);
        on(t, RM_HEAP_ID, XLOG_HEAP_TRUNCATE, XLOG_HEAP_OPMASK, HeapHandlers.TRUNCATE);
        on(t, RM_HEAP2_ID, XLOG_HEAP2_MULTI_INSERT, XLOG_HEAP_OPMASK, HeapHandlers.MULTI_INSERT);
        for (int info = 0; info <= XLOG_XACT_OPMASK; info += 0x10) {
            on(t, RM_XACT_ID, info, XLOG_XACT_OPMASK, XactHandlers.OTHER);
        }
        on(t, RM_XACT_ID, XLOG_XACT_COMMIT, XLOG_XACT_OPMASK, XactHandlers.END);
        on(t, RM_XACT_ID, XLOG_XACT_ABORT, XLOG_XACT_OPMASK, XactHandlers.END);
        on(t, RM_XACT_ID, XLOG_XACT_COMMIT_PREPARED, XLOG_XACT_OPMASK, XactHandlers.END);
        on(t, RM_XACT_ID, XLOG_XACT_ABORT_PREPARED, XLOG_XACT_OPMASK, XactHandlers.END);
        on(t, RM_XLOG_ID, Checkpoints.XLOG_CHECKPOINT_SHUTDOWN, WHOLE_INFO, XlogHandlers.CHECKPOINT);
        on(t, RM_XLOG_ID, Checkpoints.XLOG_CHECKPOINT_ONLINE, WHOLE_INFO, XlogHandlers.CHECKPOINT);
        return t;
    }

    /**
     * Registers {@code h} for the records of resource manager {@code rmid} whose
     * {@code xl_info & mask} is {@code type}.
     */
    private static void on(RecordHandler[] t, int rmid, int type, int mask, RecordHandler h) {
        for (int slot = 0; slot < INFO_SLOTS; slot++) {
            if (((slot << 4) & mask) == type) {
                t[rmid * INFO_SLOTS + slot] = h;
            }
        }
    }

    /** The handler of records of resource manager {@code rmid} (0-255) with this xl_info (0-255). */
    static RecordHandler of(int rmid, int info) {
        return TABLE[rmid * INFO_SLOTS + (info >>> 4)];
    }

    /** Hands the record to its handler. */
    static void handle(MiningState m, XLogRecordView r) {
        of(r.rmid(), r.info()).handle(m, r);
    }

    private static void skip(MiningState m, XLogRecordView r) {
        m.applyImages(r);
    }
}
