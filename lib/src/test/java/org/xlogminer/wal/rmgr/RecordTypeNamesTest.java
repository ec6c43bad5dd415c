package org.xlogminer.wal.rmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Where the expected values were confirmed:
 * <ul>
 *   <li>[walinspect] a workload's records read with pg_walinspect {@code pg_get_wal_records_info}
 *       (resource_manager, record_type) on PostgreSQL 15.18, 16.10, 17.6 and 18.1, with the info
 *       byte read from the WAL segment at each record's LSN (on 15 also pg_waldump's text);</li>
 *   <li>[binary] the server binary's own {@code rm_identify} function called for that info
 *       byte (13.22, 14.19, and all of the above), NULL shown as pg_waldump/pg_walinspect do;</li>
 *   <li>[source] {@code src/backend/access/rmgrdesc/*desc.c} of 13.9, 14.6, 15.15, 16.2, 18.3
 *       and {@code "UNKNOWN (%x)"} in pg_waldump.c / pg_walinspect.c.</li>
 * </ul>
 */
class RecordTypeNamesTest {

    @ParameterizedTest(name = "PG{0} rmid {1} info {2} -> {3} ({4})")
    @CsvSource(delimiter = '|', textBlock = """
            # Heap2 (9), every name that changed, per major
            13 |   9 | 0x10 | CLEAN                  | binary, source
            13 |   9 | 0x20 | FREEZE_PAGE            | binary, source
            13 |   9 | 0x30 | CLEANUP_INFO           | binary, source
            14 |   9 | 0x10 | PRUNE                  | binary, source
            14 |   9 | 0x20 | VACUUM                 | binary, source
            14 |   9 | 0x30 | FREEZE_PAGE            | binary, source
            15 |   9 | 0x10 | PRUNE                  | walinspect
            15 |   9 | 0x20 | VACUUM                 | walinspect
            15 |   9 | 0x30 | FREEZE_PAGE            | walinspect
            16 |   9 | 0x10 | PRUNE                  | walinspect
            16 |   9 | 0x20 | VACUUM                 | walinspect
            16 |   9 | 0x30 | FREEZE_PAGE            | walinspect
            17 |   9 | 0x10 | PRUNE_ON_ACCESS        | walinspect
            17 |   9 | 0x20 | PRUNE_VACUUM_SCAN      | walinspect
            17 |   9 | 0x30 | PRUNE_VACUUM_CLEANUP   | walinspect
            18 |   9 | 0x10 | PRUNE_ON_ACCESS        | walinspect
            18 |   9 | 0x20 | PRUNE_VACUUM_SCAN      | walinspect
            18 |   9 | 0x30 | PRUNE_VACUUM_CLEANUP   | walinspect
            13 |   9 | 0x00 | REWRITE                | binary
            15 |   9 | 0x40 | VISIBLE                | walinspect
            18 |   9 | 0x50 | MULTI_INSERT           | walinspect
            18 |   9 | 0x70 | NEW_CID                | walinspect
            # INIT_PAGE (0x80) "+INIT" forms
            13 |   9 | 0xD0 | MULTI_INSERT+INIT      | binary
            16 |   9 | 0xD0 | MULTI_INSERT+INIT      | walinspect
            13 |  10 | 0x80 | INSERT+INIT            | binary
            15 |  10 | 0x80 | INSERT+INIT            | walinspect
            17 |  10 | 0xA0 | UPDATE+INIT            | walinspect
            18 |  10 | 0xC0 | HOT_UPDATE+INIT        | binary
            18 |  17 | 0x90 | INSERT+INIT            | walinspect
            14 |  17 | 0xA0 | UPDATE+INIT            | binary
            # Heap (10)
            18 |  10 | 0x00 | INSERT                 | walinspect
            18 |  10 | 0x40 | HOT_UPDATE             | walinspect
            16 |  10 | 0x50 | HEAP_CONFIRM           | walinspect
            15 |  10 | 0x70 | INPLACE                | walinspect
            17 |  10 | 0x30 | TRUNCATE               | walinspect
            # XLOG (0)
            15 |   0 | 0x10 | CHECKPOINT_ONLINE      | walinspect
            18 |   0 | 0xA0 | FPI_FOR_HINT           | walinspect
            18 |   0 | 0xB0 | FPI                    | walinspect
            16 |   0 | 0x40 | SWITCH                 | walinspect
            16 |   0 | 0x70 | RESTORE_POINT          | walinspect
            13 |   0 | 0xD0 | OVERWRITE_CONTRECORD   | binary (back-patched into 13.5)
            17 |   0 | 0xE0 | CHECKPOINT_REDO        | walinspect
            18 |   0 | 0xE0 | CHECKPOINT_REDO        | walinspect
            16 |   0 | 0xE0 | UNKNOWN (e0)           | binary (NULL), source (format)
            # Transaction (1): masked with XLOG_XACT_OPMASK
            18 |   1 | 0x80 | COMMIT                 | walinspect
            18 |   1 | 0x81 | COMMIT                 | walinspect
            15 |   1 | 0x10 | PREPARE                | walinspect
            15 |   1 | 0x20 | ABORT                  | walinspect
            16 |   1 | 0xB0 | COMMIT_PREPARED        | walinspect
            16 |   1 | 0xC0 | ABORT_PREPARED         | walinspect
            17 |   1 | 0x50 | ASSIGNMENT             | walinspect
            17 |   1 | 0x60 | INVALIDATION           | walinspect
            14 |   1 | 0x60 | INVALIDATION           | binary
            13 |   1 | 0x60 | UNKNOWN (60)           | binary (NULL), source (format)
            13 |   1 | 0xF0 | UNKNOWN (f0)           | binary (NULL), source (format)
            # Database (4)
            13 |   4 | 0x00 | CREATE                 | binary, source
            14 |   4 | 0x10 | DROP                   | binary, source
            15 |   4 | 0x01 | CREATE_FILE_COPY       | walinspect
            15 |   4 | 0x10 | CREATE_WAL_LOG         | walinspect
            18 |   4 | 0x21 | DROP                   | walinspect
            # CommitTs (18) and ReplicationOrigin (19) switch on the whole info byte
            13 |  18 | 0x20 | SETTS                  | binary, source
            14 |  18 | 0x20 | UNKNOWN (20)           | binary (NULL)
            16 |  18 | 0x00 | ZEROPAGE               | walinspect
            16 |  18 | 0x01 | UNKNOWN (0)            | binary (NULL)
            17 |  19 | 0x00 | SET                    | walinspect
            17 |  19 | 0x10 | DROP                   | walinspect
            # the others
            18 |   2 | 0x11 | CREATE                 | walinspect
            18 |   2 | 0x21 | TRUNCATE               | walinspect
            18 |   3 | 0x00 | ZEROPAGE               | binary
            16 |   5 | 0x00 | CREATE                 | walinspect
            16 |   5 | 0x10 | DROP                   | walinspect
            17 |   6 | 0x20 | CREATE_ID              | walinspect
            17 |   6 | 0x00 | ZERO_OFF_PAGE          | walinspect
            15 |   7 | 0x00 | UPDATE                 | walinspect
            15 |   8 | 0x00 | LOCK                   | walinspect
            15 |   8 | 0x10 | RUNNING_XACTS          | walinspect
            15 |   8 | 0x20 | INVALIDATIONS          | walinspect
            18 |  11 | 0x60 | DEDUP                  | walinspect
            18 |  11 | 0x30 | SPLIT_L                | walinspect
            18 |  11 | 0xE0 | META_CLEANUP           | walinspect
            15 |  12 | 0x50 | SPLIT_PAGE             | walinspect
            15 |  12 | 0xC0 | VACUUM_ONE_PAGE        | binary
            16 |  13 | 0x70 | INSERT_LISTPAGE        | walinspect
            16 |  13 | 0x00 | UNKNOWN (0)            | binary (NULL)
            17 |  14 | 0x30 | PAGE_SPLIT             | walinspect
            17 |  14 | 0x70 | ASSIGN_LSN             | binary
            18 |  15 | 0x00 | LOG                    | walinspect
            18 |  16 | 0x50 | PICKSPLIT              | walinspect
            16 |  17 | 0x00 | CREATE_INDEX           | walinspect
            18 |  20 | 0x00 | Generic                | walinspect
            13 |  20 | 0xF7 | Generic                | binary
            18 |  21 | 0x00 | MESSAGE                | walinspect
            # custom / unassigned resource managers: identify unknown
            18 | 128 | 0x10 | UNKNOWN (10)           | source (pg_waldump default_identify is NULL)
            16 | 200 | 0x95 | UNKNOWN (90)           | source
            """)
    void recordType(int major, int rmid, String info, String expected, String confirmedBy) {
        assertEquals(expected.strip(), RecordTypeNames.recordType(major, rmid, Integer.decode(info.strip())));
    }

    @Test
    void builtInRmgrNames() {
        // rmgrlist.h; every name also seen in pg_walinspect's resource_manager on 15..18
        String[] expected = {
            "XLOG", "Transaction", "Storage", "CLOG", "Database", "Tablespace", "MultiXact", "RelMap",
            "Standby", "Heap2", "Heap", "Btree", "Hash", "Gin", "Gist", "Sequence", "SPGist", "BRIN",
            "CommitTs", "ReplicationOrigin", "Generic", "LogicalMessage",
        };
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], RecordTypeNames.rmgrName(i), "rmid " + i);
        }
    }

    @Test
    void customAndUnassignedRmgrNames() {
        // pg_waldump rmgrdesc.c: "custom%03d" for a custom rmgr without a description
        assertEquals("custom128", RecordTypeNames.rmgrName(128));
        assertEquals("custom255", RecordTypeNames.rmgrName(255));
        assertEquals("unknown022", RecordTypeNames.rmgrName(22));
        assertEquals("unknown127", RecordTypeNames.rmgrName(127));
    }

    @Test
    void signedBytesAreAccepted() {
        assertEquals("INSERT+INIT", RecordTypeNames.recordType(18, 10, (byte) 0x80));
        assertEquals("custom200", RecordTypeNames.rmgrName((byte) 200));
    }

    @Test
    void lookupsReturnTheSameInstances() {
        assertSame(RecordTypeNames.recordType(16, 10, 0x00), RecordTypeNames.recordType(16, 10, 0x00));
        assertSame(RecordTypeNames.recordType(16, 10, 0x00), RecordTypeNames.recordType(17, 10, 0x08));
        assertSame(RecordTypeNames.recordType(16, 99, 0x30), RecordTypeNames.recordType(13, 3, 0x3F));
        assertSame(RecordTypeNames.rmgrName(140), RecordTypeNames.rmgrName(140));
    }

    @Test
    void isKnown() {
        assertTrue(RecordTypeNames.isKnown(17, 9, 0x10));
        assertFalse(RecordTypeNames.isKnown(16, 0, 0xE0));
        assertFalse(RecordTypeNames.isKnown(18, 130, 0x00));
    }

    @Test
    void everyBuiltInCellIsNamed() {
        for (int m = 13; m <= 18; m++) {
            for (int rmid = 0; rmid < 256; rmid++) {
                for (int info = 0; info < 256; info++) {
                    String s = RecordTypeNames.recordType(m, rmid, info);
                    assertTrue(s != null && !s.isEmpty());
                }
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> RecordTypeNames.recordType(12, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> RecordTypeNames.recordType(19, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> RecordTypeNames.recordType(16, 10, 256));
        assertThrows(IllegalArgumentException.class, () -> RecordTypeNames.recordType(16, -129, 0));
        assertThrows(IllegalArgumentException.class, () -> RecordTypeNames.rmgrName(256));
    }
}
