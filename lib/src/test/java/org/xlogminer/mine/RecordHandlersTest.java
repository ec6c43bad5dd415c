package org.xlogminer.mine;

import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.xlogminer.wal.rmgr.RecordTypeNames;

/**
 * The record handler table against PostgreSQL's own names of the record types
 * ({@link RecordTypeNames}, what each major's {@code rm_identify} returns): every (resource manager,
 * xl_info) of every supported major goes to the handler of its type, and everything not registered
 * falls to the handler that skips.
 */
class RecordHandlersTest {

    private static final Map<String, RecordHandler> EXPECTED = new HashMap<>();

    static {
        expect(HeapHandlers.INSERT, "Heap INSERT", "Heap INSERT+INIT");
        expect(HeapHandlers.DELETE, "Heap DELETE");
        expect(HeapHandlers.UPDATE, "Heap UPDATE", "Heap UPDATE+INIT", "Heap HOT_UPDATE", "Heap HOT_UPDATE+INIT");
        expect(HeapHandlers.CONFIRM, "Heap HEAP_CONFIRM");
        expect(HeapHandlers.TRUNCATE, "Heap TRUNCATE");
        expect(HeapHandlers.MULTI_INSERT, "Heap2 MULTI_INSERT", "Heap2 MULTI_INSERT+INIT");
        expect(XactHandlers.END, "Transaction COMMIT", "Transaction ABORT", "Transaction COMMIT_PREPARED",
            "Transaction ABORT_PREPARED");
        expect(XactHandlers.OTHER, "Transaction PREPARE", "Transaction ASSIGNMENT", "Transaction INVALIDATION");
        expect(XlogHandlers.CHECKPOINT, "XLOG CHECKPOINT_SHUTDOWN", "XLOG CHECKPOINT_ONLINE");
    }

    private static void expect(RecordHandler h, String... types) {
        for (String t : types) {
            EXPECTED.put(t, h);
        }
    }

    @Test
    void everyRecordTypeOfEveryMajorGoesToItsHandler() {
        for (int major = RecordTypeNames.MIN_MAJOR; major <= RecordTypeNames.MAX_MAJOR; major++) {
            for (int rmid = 0; rmid < 256; rmid++) {
                for (int info = 0; info < 256; info++) {
                    String name = RecordTypeNames.rmgrName(rmid) + " " + RecordTypeNames.recordType(major, rmid, info);
                    RecordHandler expected = RecordTypeNames.isKnown(major, rmid, info)
                        ? EXPECTED.getOrDefault(name, RecordHandlers.SKIP)
                        : unnamed(rmid, info);
                    int m = major;
                    int i = info;
                    assertSame(expected, RecordHandlers.of(rmid, info),
                        () -> name + " (PostgreSQL " + m + ", info 0x" + Integer.toHexString(i) + ")");
                }
            }
        }
    }

    /**
     * Types PostgreSQL has no name for: Heap, Heap2 and Transaction records are decoded by
     * {@code xl_info & 0x70} (HeapRecordDecoder, XactRecordDecoder), so an unnamed high bit goes
     * with its type (Heap's DELETE+INIT, Transaction's 0x70); the rest are skipped.
     */
    private static RecordHandler unnamed(int rmid, int info) {
        if (rmid == RecordTypeNames.RM_XACT_ID) {
            return (info & 0x70) == 0x70 ? XactHandlers.OTHER : RecordHandlers.of(rmid, info & 0x70);
        }
        if (rmid == RecordTypeNames.RM_HEAP_ID || rmid == RecordTypeNames.RM_HEAP2_ID) {
            return RecordHandlers.of(rmid, info & 0x70);
        }
        return RecordHandlers.SKIP;
    }
}
