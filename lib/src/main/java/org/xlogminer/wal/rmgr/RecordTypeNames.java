package org.xlogminer.wal.rmgr;

/**
 * Resource-manager names and record-type names exactly as PostgreSQL's own tools print them, for
 * WAL of majors 13 to 18.
 *
 * <p>{@link #rmgrName(int)} gives the {@code rmgr:} column of {@code pg_waldump} and the
 * {@code resource_manager} column of pg_walinspect (the names of {@code
 * src/include/access/rmgrlist.h}). {@link #recordType(int, int, int)} gives the first token after
 * {@code desc: } in {@code pg_waldump} and pg_walinspect's {@code record_type}: the string the
 * resource manager's {@code rm_identify} function returns, or {@code "UNKNOWN (%x)"} when it returns
 * NULL, with {@code %x} being {@code xl_info & ~XLR_INFO_MASK} in lower-case hex without padding
 * (pg_waldump.c {@code XLogDumpDisplayRecord}, pg_walinspect.c {@code GetWALRecordInfo}).
 *
 * <p>Each {@code rm_identify} masks {@code xl_info} on its own; most use {@code info &
 * ~XLR_INFO_MASK} (the high nibble, {@code XLR_INFO_MASK = 0x0F}), so the three "+INIT" variants
 * with the {@code 0x80} INIT_PAGE bit are distinct names. Exceptions are noted in the table.
 *
 * <table>
 * <caption>Sources: {@code src/backend/access/rmgrdesc/*desc.c}, the {@code *_identify} functions</caption>
 * <tr><th>id</th><th>rmgr</th><th>file / function</th><th>mask</th><th>changes between 13 and 18</th></tr>
 * <tr><td>0</td><td>XLOG</td><td>xlogdesc.c xlog_identify</td><td>0xF0</td>
 *     <td>CHECKPOINT_REDO (0xE0) from 17. OVERWRITE_CONTRECORD (0xD0) is also in 13.5+ and 14.1+
 *     (back-patched), so it is present for every major here.</td></tr>
 * <tr><td>1</td><td>Transaction</td><td>xactdesc.c xact_identify</td>
 *     <td>0x70 (XLOG_XACT_OPMASK; the 0x80 HAS_INFO bit is ignored)</td>
 *     <td>0x60 "INVALIDATION" (singular; the Standby record is "INVALIDATIONS") from 14.</td></tr>
 * <tr><td>2</td><td>Storage</td><td>smgrdesc.c smgr_identify</td><td>0xF0</td><td>none</td></tr>
 * <tr><td>3</td><td>CLOG</td><td>clogdesc.c clog_identify</td><td>0xF0</td><td>none</td></tr>
 * <tr><td>4</td><td>Database</td><td>dbasedesc.c dbase_identify</td><td>0xF0</td>
 *     <td>13-14: CREATE 0x00, DROP 0x10; 15+: CREATE_FILE_COPY 0x00, CREATE_WAL_LOG 0x10,
 *     DROP 0x20.</td></tr>
 * <tr><td>5</td><td>Tablespace</td><td>tblspcdesc.c tblspc_identify</td><td>0xF0</td><td>none</td></tr>
 * <tr><td>6</td><td>MultiXact</td><td>mxactdesc.c multixact_identify</td><td>0xF0</td><td>none</td></tr>
 * <tr><td>7</td><td>RelMap</td><td>relmapdesc.c relmap_identify</td><td>0xF0</td><td>none</td></tr>
 * <tr><td>8</td><td>Standby</td><td>standbydesc.c standby_identify</td><td>0xF0</td><td>none</td></tr>
 * <tr><td>9</td><td>Heap2</td><td>heapdesc.c heap2_identify</td><td>0xF0</td>
 *     <td>0x10/0x20/0x30: 13 CLEAN/FREEZE_PAGE/CLEANUP_INFO; 14-16 PRUNE/VACUUM/FREEZE_PAGE;
 *     17+ PRUNE_ON_ACCESS/PRUNE_VACUUM_SCAN/PRUNE_VACUUM_CLEANUP.</td></tr>
 * <tr><td>10</td><td>Heap</td><td>heapdesc.c heap_identify</td><td>0xF0</td>
 *     <td>none (note 0x50 is "HEAP_CONFIRM")</td></tr>
 * <tr><td>11</td><td>Btree</td><td>nbtdesc.c btree_identify</td><td>0xF0</td><td>none</td></tr>
 * <tr><td>12</td><td>Hash</td><td>hashdesc.c hash_identify</td><td>0xF0</td><td>none</td></tr>
 * <tr><td>13</td><td>Gin</td><td>gindesc.c gin_identify</td><td>0xF0</td><td>none</td></tr>
 * <tr><td>14</td><td>Gist</td><td>gistdesc.c gist_identify</td><td>0xF0</td><td>none</td></tr>
 * <tr><td>15</td><td>Sequence</td><td>seqdesc.c seq_identify</td><td>0xF0</td><td>none</td></tr>
 * <tr><td>16</td><td>SPGist</td><td>spgdesc.c spg_identify</td><td>0xF0</td><td>none</td></tr>
 * <tr><td>17</td><td>BRIN</td><td>brindesc.c brin_identify</td><td>0xF0</td><td>none</td></tr>
 * <tr><td>18</td><td>CommitTs</td><td>committsdesc.c commit_ts_identify</td>
 *     <td>none: {@code switch (info)} on the whole byte</td><td>SETTS (0x20) only in 13.</td></tr>
 * <tr><td>19</td><td>ReplicationOrigin</td><td>replorigindesc.c replorigin_identify</td>
 *     <td>none: {@code switch (info)} on the whole byte</td><td>none</td></tr>
 * <tr><td>20</td><td>Generic</td><td>genericdesc.c generic_identify</td>
 *     <td>ignores info</td><td>none (always "Generic")</td></tr>
 * <tr><td>21</td><td>LogicalMessage</td><td>logicalmsgdesc.c logicalmsg_identify</td><td>0xF0</td>
 *     <td>none</td></tr>
 * </table>
 *
 * <p>Verified: the whole [major][rmid 0..21][info 0..255] table equals what the real {@code
 * rm_identify} functions of PostgreSQL 13.22, 14.19, 15.18, 16.10, 17.6 and 18.1 binaries return
 * (called one by one through the server's {@code RmgrTable}), and a workload's records agree with
 * pg_walinspect on 15 to 18.
 *
 * <p>All strings are built once at class initialisation; the lookups never allocate.
 */
public final class RecordTypeNames {

    /** Oldest PostgreSQL major covered. */
    public static final int MIN_MAJOR = 13;
    /** Newest PostgreSQL major covered. */
    public static final int MAX_MAJOR = 18;

    /** Highest built-in resource manager id (RM_MAX_BUILTIN_ID, LogicalMessage). */
    public static final int MAX_BUILTIN_RMID = 21;
    /** First custom resource manager id (RM_MIN_CUSTOM_ID). */
    public static final int MIN_CUSTOM_RMID = 128;

    // Built-in resource manager ids (src/include/access/rmgrlist.h order).
    public static final int RM_XLOG_ID = 0;
    public static final int RM_XACT_ID = 1;
    public static final int RM_SMGR_ID = 2;
    public static final int RM_CLOG_ID = 3;
    public static final int RM_DBASE_ID = 4;
    public static final int RM_TBLSPC_ID = 5;
    public static final int RM_MULTIXACT_ID = 6;
    public static final int RM_RELMAP_ID = 7;
    public static final int RM_STANDBY_ID = 8;
    public static final int RM_HEAP2_ID = 9;
    public static final int RM_HEAP_ID = 10;
    public static final int RM_BTREE_ID = 11;
    public static final int RM_HASH_ID = 12;
    public static final int RM_GIN_ID = 13;
    public static final int RM_GIST_ID = 14;
    public static final int RM_SEQ_ID = 15;
    public static final int RM_SPGIST_ID = 16;
    public static final int RM_BRIN_ID = 17;
    public static final int RM_COMMIT_TS_ID = 18;
    public static final int RM_REPLORIGIN_ID = 19;
    public static final int RM_GENERIC_ID = 20;
    public static final int RM_LOGICALMSG_ID = 21;

    /** {@code info & ~XLR_INFO_MASK}. */
    private static final int HIGH = 0xF0;
    /** {@code info & XLOG_XACT_OPMASK}. */
    private static final int XACT_OPMASK = 0x70;
    /** {@code switch (info)}: the whole byte. */
    private static final int WHOLE = 0xFF;
    /** The identify function ignores info. */
    private static final int IGNORED = 0x00;

    private static final int MAJORS = MAX_MAJOR - MIN_MAJOR + 1;

    private static final String[] RMGR_NAMES = {
        "XLOG", "Transaction", "Storage", "CLOG", "Database", "Tablespace", "MultiXact", "RelMap",
        "Standby", "Heap2", "Heap", "Btree", "Hash", "Gin", "Gist", "Sequence", "SPGist", "BRIN",
        "CommitTs", "ReplicationOrigin", "Generic", "LogicalMessage",
    };

    /** rmgrName by id 0..255. */
    private static final String[] RMGR_BY_ID = new String[256];

    /** "UNKNOWN (%x)" by full info byte; shared by every major and rmgr. */
    private static final String[] UNKNOWN_ROW = new String[256];

    /** [major - 13][rmid][info]; rows of ids without a built-in rmgr share UNKNOWN_ROW. */
    private static final String[][][] TYPES = new String[MAJORS][256][];

    static {
        for (int id = 0; id < 256; id++) {
            if (id <= MAX_BUILTIN_RMID) {
                RMGR_BY_ID[id] = RMGR_NAMES[id];
            } else if (id >= MIN_CUSTOM_RMID) {
                // pg_waldump's rmgrdesc.c initialize_custom_rmgrs: "custom%03d"
                RMGR_BY_ID[id] = String.format("custom%03d", id);
            } else {
                // ids 22..127 are neither built-in nor custom: no PostgreSQL name exists
                RMGR_BY_ID[id] = String.format("unknown%03d", id);
            }
        }
        String[] unknownByNibble = new String[16];
        for (int n = 0; n < 16; n++) {
            unknownByNibble[n] = "UNKNOWN (" + Integer.toHexString(n << 4) + ")";
        }
        for (int info = 0; info < 256; info++) {
            UNKNOWN_ROW[info] = unknownByNibble[info >> 4];
        }
        for (int m = MIN_MAJOR; m <= MAX_MAJOR; m++) {
            String[][] byRmid = TYPES[m - MIN_MAJOR];
            for (int id = 0; id < 256; id++) {
                byRmid[id] = UNKNOWN_ROW;
            }
            defineMajor(m, byRmid);
        }
    }

    private RecordTypeNames() {
    }

    /**
     * The name PostgreSQL prints for a resource manager id: the built-in names for 0..21,
     * {@code custom128}..{@code custom255} for custom ids (pg_waldump's name for a custom rmgr it
     * has no description for), and {@code unknown022}..{@code unknown127} for ids that no
     * PostgreSQL version assigns.
     *
     * @param rmid 0..255; -128..-1 are taken as a sign-extended byte
     * @throws IllegalArgumentException if rmid is outside -128..255
     */
    public static String rmgrName(int rmid) {
        return RMGR_BY_ID[toUnsignedByte(rmid, "rmid")];
    }

    /**
     * The record type PostgreSQL prints for a record: what {@code rm_identify} returns for this
     * major, or {@code "UNKNOWN (%x)"} (hex of {@code info & 0xF0}) when it returns NULL, also for
     * custom and unassigned resource manager ids.
     *
     * @param pgMajor 13..18
     * @param rmid the record's xl_rmid, 0..255 (-128..-1 taken as a sign-extended byte)
     * @param info the record's whole xl_info byte, 0..255 (-128..-1 taken as a sign-extended byte)
     * @throws IllegalArgumentException if pgMajor is outside 13..18 or rmid/info outside -128..255
     */
    public static String recordType(int pgMajor, int rmid, int info) {
        if (pgMajor < MIN_MAJOR || pgMajor > MAX_MAJOR) {
            throw new IllegalArgumentException(
                    "unsupported PostgreSQL major " + pgMajor + " (supported: 13..18)");
        }
        return TYPES[pgMajor - MIN_MAJOR][toUnsignedByte(rmid, "rmid")][toUnsignedByte(info, "info")];
    }

    /** True if PostgreSQL's identify function has a name for it (recordType is not "UNKNOWN (..)"). */
    public static boolean isKnown(int pgMajor, int rmid, int info) {
        return recordType(pgMajor, rmid, info) != UNKNOWN_ROW[info & 0xFF];
    }

    private static int toUnsignedByte(int v, String what) {
        if (v < -128 || v > 255) {
            throw new IllegalArgumentException(what + " out of byte range: " + v);
        }
        return v & 0xFF;
    }

    // ------------------------------------------------------------------------------------------
    // Tables. Codes are the XLOG_* constants of the headers of each major; "+INIT" entries carry
    // the 0x80 INIT_PAGE bit (XLOG_HEAP_INIT_PAGE, XLOG_BRIN_INIT_PAGE).

    private static void defineMajor(int m, String[][] t) {
        // xlogdesc.c xlog_identify; codes from src/include/catalog/pg_control.h
        String[] xlog = {
            "0x00", "CHECKPOINT_SHUTDOWN",
            "0x10", "CHECKPOINT_ONLINE",
            "0x20", "NOOP",
            "0x30", "NEXTOID",
            "0x40", "SWITCH",
            "0x50", "BACKUP_END",
            "0x60", "PARAMETER_CHANGE",
            "0x70", "RESTORE_POINT",
            "0x80", "FPW_CHANGE",
            "0x90", "END_OF_RECOVERY",
            "0xA0", "FPI_FOR_HINT",
            "0xB0", "FPI",
            // 0xC0 was used by 9.5-11 only
            "0xD0", "OVERWRITE_CONTRECORD",
        };
        define(t, RM_XLOG_ID, HIGH, xlog);
        if (m >= 17) {
            define(t, RM_XLOG_ID, HIGH, "0xE0", "CHECKPOINT_REDO");
        }

        // xactdesc.c xact_identify; src/include/access/xact.h
        define(t, RM_XACT_ID, XACT_OPMASK,
                "0x00", "COMMIT",
                "0x10", "PREPARE",
                "0x20", "ABORT",
                "0x30", "COMMIT_PREPARED",
                "0x40", "ABORT_PREPARED",
                "0x50", "ASSIGNMENT");
        if (m >= 14) {
            define(t, RM_XACT_ID, XACT_OPMASK, "0x60", "INVALIDATION");
        }

        // smgrdesc.c smgr_identify; src/include/catalog/storage_xlog.h
        define(t, RM_SMGR_ID, HIGH,
                "0x10", "CREATE",
                "0x20", "TRUNCATE");

        // clogdesc.c clog_identify; src/include/access/clog.h
        define(t, RM_CLOG_ID, HIGH,
                "0x00", "ZEROPAGE",
                "0x10", "TRUNCATE");

        // dbasedesc.c dbase_identify; src/include/commands/dbcommands_xlog.h
        if (m <= 14) {
            define(t, RM_DBASE_ID, HIGH,
                    "0x00", "CREATE",
                    "0x10", "DROP");
        } else {
            define(t, RM_DBASE_ID, HIGH,
                    "0x00", "CREATE_FILE_COPY",
                    "0x10", "CREATE_WAL_LOG",
                    "0x20", "DROP");
        }

        // tblspcdesc.c tblspc_identify; src/include/commands/tablespace.h
        define(t, RM_TBLSPC_ID, HIGH,
                "0x00", "CREATE",
                "0x10", "DROP");

        // mxactdesc.c multixact_identify; src/include/access/multixact.h
        define(t, RM_MULTIXACT_ID, HIGH,
                "0x00", "ZERO_OFF_PAGE",
                "0x10", "ZERO_MEM_PAGE",
                "0x20", "CREATE_ID",
                "0x30", "TRUNCATE_ID");

        // relmapdesc.c relmap_identify; src/include/utils/relmapper.h
        define(t, RM_RELMAP_ID, HIGH, "0x00", "UPDATE");

        // standbydesc.c standby_identify; src/include/storage/standbydefs.h
        define(t, RM_STANDBY_ID, HIGH,
                "0x00", "LOCK",
                "0x10", "RUNNING_XACTS",
                "0x20", "INVALIDATIONS");

        // heapdesc.c heap2_identify; src/include/access/heapam_xlog.h
        define(t, RM_HEAP2_ID, HIGH, "0x00", "REWRITE");
        if (m == 13) {
            define(t, RM_HEAP2_ID, HIGH,
                    "0x10", "CLEAN",
                    "0x20", "FREEZE_PAGE",
                    "0x30", "CLEANUP_INFO");
        } else if (m <= 16) {
            define(t, RM_HEAP2_ID, HIGH,
                    "0x10", "PRUNE",
                    "0x20", "VACUUM",
                    "0x30", "FREEZE_PAGE");
        } else {
            define(t, RM_HEAP2_ID, HIGH,
                    "0x10", "PRUNE_ON_ACCESS",
                    "0x20", "PRUNE_VACUUM_SCAN",
                    "0x30", "PRUNE_VACUUM_CLEANUP");
        }
        define(t, RM_HEAP2_ID, HIGH,
                "0x40", "VISIBLE",
                "0x50", "MULTI_INSERT",
                "0xD0", "MULTI_INSERT+INIT",
                "0x60", "LOCK_UPDATED",
                "0x70", "NEW_CID");

        // heapdesc.c heap_identify; src/include/access/heapam_xlog.h
        define(t, RM_HEAP_ID, HIGH,
                "0x00", "INSERT",
                "0x80", "INSERT+INIT",
                "0x10", "DELETE",
                "0x20", "UPDATE",
                "0xA0", "UPDATE+INIT",
                "0x30", "TRUNCATE",
                "0x40", "HOT_UPDATE",
                "0xC0", "HOT_UPDATE+INIT",
                "0x50", "HEAP_CONFIRM",
                "0x60", "LOCK",
                "0x70", "INPLACE");

        // nbtdesc.c btree_identify; src/include/access/nbtxlog.h
        define(t, RM_BTREE_ID, HIGH,
                "0x00", "INSERT_LEAF",
                "0x10", "INSERT_UPPER",
                "0x20", "INSERT_META",
                "0x30", "SPLIT_L",
                "0x40", "SPLIT_R",
                "0x50", "INSERT_POST",
                "0x60", "DEDUP",
                "0x70", "DELETE",
                "0x80", "UNLINK_PAGE",
                "0x90", "UNLINK_PAGE_META",
                "0xA0", "NEWROOT",
                "0xB0", "MARK_PAGE_HALFDEAD",
                "0xC0", "VACUUM",
                "0xD0", "REUSE_PAGE",
                "0xE0", "META_CLEANUP");

        // hashdesc.c hash_identify; src/include/access/hash_xlog.h
        define(t, RM_HASH_ID, HIGH,
                "0x00", "INIT_META_PAGE",
                "0x10", "INIT_BITMAP_PAGE",
                "0x20", "INSERT",
                "0x30", "ADD_OVFL_PAGE",
                "0x40", "SPLIT_ALLOCATE_PAGE",
                "0x50", "SPLIT_PAGE",
                "0x60", "SPLIT_COMPLETE",
                "0x70", "MOVE_PAGE_CONTENTS",
                "0x80", "SQUEEZE_PAGE",
                "0x90", "DELETE",
                "0xA0", "SPLIT_CLEANUP",
                "0xB0", "UPDATE_META_PAGE",
                "0xC0", "VACUUM_ONE_PAGE");

        // gindesc.c gin_identify; src/include/access/ginxlog.h (0x00 unused since 12)
        define(t, RM_GIN_ID, HIGH,
                "0x10", "CREATE_PTREE",
                "0x20", "INSERT",
                "0x30", "SPLIT",
                "0x40", "VACUUM_PAGE",
                "0x50", "DELETE_PAGE",
                "0x60", "UPDATE_META_PAGE",
                "0x70", "INSERT_LISTPAGE",
                "0x80", "DELETE_LISTPAGE",
                "0x90", "VACUUM_DATA_LEAF_PAGE");

        // gistdesc.c gist_identify; src/include/access/gistxlog.h (0x40, 0x50 unused)
        define(t, RM_GIST_ID, HIGH,
                "0x00", "PAGE_UPDATE",
                "0x10", "DELETE",
                "0x20", "PAGE_REUSE",
                "0x30", "PAGE_SPLIT",
                "0x60", "PAGE_DELETE",
                "0x70", "ASSIGN_LSN");

        // seqdesc.c seq_identify; src/include/commands/sequence.h (sequence_xlog.h in 18)
        define(t, RM_SEQ_ID, HIGH, "0x00", "LOG");

        // spgdesc.c spg_identify; src/include/access/spgxlog.h (0x00 unused since 12)
        define(t, RM_SPGIST_ID, HIGH,
                "0x10", "ADD_LEAF",
                "0x20", "MOVE_LEAFS",
                "0x30", "ADD_NODE",
                "0x40", "SPLIT_TUPLE",
                "0x50", "PICKSPLIT",
                "0x60", "VACUUM_LEAF",
                "0x70", "VACUUM_ROOT",
                "0x80", "VACUUM_REDIRECT");

        // brindesc.c brin_identify; src/include/access/brin_xlog.h
        define(t, RM_BRIN_ID, HIGH,
                "0x00", "CREATE_INDEX",
                "0x10", "INSERT",
                "0x90", "INSERT+INIT",
                "0x20", "UPDATE",
                "0xA0", "UPDATE+INIT",
                "0x30", "SAMEPAGE_UPDATE",
                "0x40", "REVMAP_EXTEND",
                "0x50", "DESUMMARIZE");

        // committsdesc.c commit_ts_identify: switch (info), no masking; src/include/access/commit_ts.h
        define(t, RM_COMMIT_TS_ID, WHOLE,
                "0x00", "ZEROPAGE",
                "0x10", "TRUNCATE");
        if (m == 13) {
            define(t, RM_COMMIT_TS_ID, WHOLE, "0x20", "SETTS");
        }

        // replorigindesc.c replorigin_identify: switch (info), no masking; src/include/replication/origin.h
        define(t, RM_REPLORIGIN_ID, WHOLE,
                "0x00", "SET",
                "0x10", "DROP");

        // genericdesc.c generic_identify: always "Generic"
        define(t, RM_GENERIC_ID, IGNORED, "0x00", "Generic");

        // logicalmsgdesc.c logicalmsg_identify; src/include/replication/message.h
        define(t, RM_LOGICALMSG_ID, HIGH, "0x00", "MESSAGE");
    }

    /**
     * Gives every info byte whose {@code info & mask} equals one of the codes its name. Later calls
     * for the same rmgr add to (or override) earlier ones; the mask must be the same each time.
     */
    private static void define(String[][] t, int rmid, int mask, String... codeNamePairs) {
        String[] row = t[rmid];
        if (row == UNKNOWN_ROW) {
            row = UNKNOWN_ROW.clone();
            t[rmid] = row;
        }
        for (int i = 0; i < codeNamePairs.length; i += 2) {
            int code = Integer.decode(codeNamePairs[i]);
            String name = codeNamePairs[i + 1].intern();
            if ((code & ~mask) != 0) {
                throw new AssertionError("code " + codeNamePairs[i] + " outside mask for rmid " + rmid);
            }
            for (int info = 0; info < 256; info++) {
                if ((info & mask) == code) {
                    row[info] = name;
                }
            }
        }
    }
}
