package org.xlogminer.catalog.pgdata;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

import org.xlogminer.catalog.pgdata.PgDataException.Kind;

/**
 * {@code global/pg_control}: {@code ControlFileData} of {@code src/include/catalog/pg_control.h},
 * the fields a catalog snapshot needs, read from the bytes of the file (8192 bytes, of which the
 * structure is the first few hundred) after its CRC-32C has been checked.
 *
 * <table>
 * <caption>ControlFileData, 13 to 18 (little-endian, 64-bit alignment)</caption>
 * <tr><th>offset</th><th>size</th><th>field</th></tr>
 * <tr><td>0</td><td>8</td><td>system_identifier</td></tr>
 * <tr><td>8</td><td>4</td><td>pg_control_version: 1300 on 13 to 16, 1700 on 17, 1800 on 18</td></tr>
 * <tr><td>12</td><td>4</td><td>catalog_version_no</td></tr>
 * <tr><td>16</td><td>4</td><td>state (DBState: 1 shut down, 2 shut down in recovery, ...)</td></tr>
 * <tr><td>24</td><td>8</td><td>time: when pg_control was last written</td></tr>
 * <tr><td>32</td><td>8</td><td>checkPoint: LSN of the latest checkpoint record</td></tr>
 * <tr><td>40</td><td>8</td><td>checkPointCopy.redo</td></tr>
 * <tr><td>48</td><td>4</td><td>checkPointCopy.ThisTimeLineID</td></tr>
 * <tr><td>64</td><td>8</td><td>checkPointCopy.nextXid (epoch in the high half); 17 and 18 put
 *   wal_level (int) at 60, in what was padding</td></tr>
 * <tr><td>76</td><td>4</td><td>checkPointCopy.nextMulti</td></tr>
 * <tr><td>80</td><td>4</td><td>checkPointCopy.nextMultiOffset</td></tr>
 * <tr><td>84</td><td>4</td><td>checkPointCopy.oldestXid</td></tr>
 * <tr><td>104</td><td>8</td><td>checkPointCopy.time</td></tr>
 * <tr><td>288 (13 to 17), 292 (18)</td><td>4</td><td>crc: CRC-32C of the bytes before it</td></tr>
 * </table>
 *
 * @param systemIdentifier  the cluster's system identifier
 * @param controlVersion    pg_control_version
 * @param catalogVersion    catalog_version_no
 * @param state             DBState
 * @param checkpoint        LSN of the latest checkpoint record
 * @param redo              its REDO LSN
 * @param timeline          its timeline
 * @param nextXid           the next transaction ID (32 bits)
 * @param nextMulti         the next MultiXact ID
 * @param nextMultiOffset   the next MultiXact member offset
 * @param oldestXid         the oldest unfrozen transaction ID: anything older is frozen or gone
 * @param checkpointTime    the checkpoint's time, seconds since the epoch
 */
public record ControlFile(long systemIdentifier, int controlVersion, int catalogVersion, int state, long checkpoint,
                          long redo, int timeline, int nextXid, int nextMulti, int nextMultiOffset, int oldestXid,
                          long checkpointTime) {

    public static final int SYSTEM_IDENTIFIER = 0;
    public static final int PG_CONTROL_VERSION = 8;
    public static final int CATALOG_VERSION_NO = 12;
    public static final int STATE = 16;
    public static final int CHECKPOINT = 32;
    /** checkPointCopy, a CheckPoint (pg_control.h), starts here. */
    public static final int CHECKPOINT_COPY = 40;
    public static final int CKPT_REDO = CHECKPOINT_COPY;
    public static final int CKPT_THIS_TIMELINE_ID = CHECKPOINT_COPY + 8;
    public static final int CKPT_NEXT_XID = CHECKPOINT_COPY + 24;
    public static final int CKPT_NEXT_MULTI = CHECKPOINT_COPY + 36;
    public static final int CKPT_NEXT_MULTI_OFFSET = CHECKPOINT_COPY + 40;
    public static final int CKPT_OLDEST_XID = CHECKPOINT_COPY + 44;
    public static final int CKPT_TIME = CHECKPOINT_COPY + 64;
    /** Where the CRC is: 288 on 13 to 17, 292 on 18. */
    public static int crcOffset(int major) {
        return major >= 18 ? 292 : 288;
    }

    /** DBState DB_SHUTDOWNED. */
    public static final int SHUT_DOWN = 1;
    /** DBState DB_SHUTDOWNED_IN_RECOVERY. */
    public static final int SHUT_DOWN_IN_RECOVERY = 2;

    /**
     * Reads pg_control of a cluster of {@code major}.
     *
     * @param bytes the file's bytes
     * @param major the major from PG_VERSION (13 to 18)
     * @param file  the file's name, for messages
     * @throws PgDataException UNSUPPORTED for a major or pg_control_version this reader does not
     *                         know, CORRUPT for a truncated file or a CRC mismatch
     */
    public static ControlFile parse(byte[] bytes, int major, String file) {
        int expectedVersion = switch (major) {
            case 13, 14, 15, 16 -> 1300;
            case 17 -> 1700;
            case 18 -> 1800;
            default -> throw new PgDataException(Kind.UNSUPPORTED, file,
                "PostgreSQL " + major + " is not supported (13 to 18)");
        };
        int crcOffset = crcOffset(major);
        if (bytes.length < crcOffset + 4) {
            throw new PgDataException(Kind.CORRUPT, file, "truncated: " + bytes.length + " bytes, pg_control of "
                + "PostgreSQL " + major + " has at least " + (crcOffset + 4));
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int version = b.getInt(PG_CONTROL_VERSION);
        if (version != expectedVersion) {
            throw new PgDataException(Kind.UNSUPPORTED, file, "pg_control_version " + version
                + " is not that of PostgreSQL " + major + " (" + expectedVersion + ")");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, crcOffset);
        int stored = b.getInt(crcOffset);
        if ((int) crc.getValue() != stored) {
            throw new PgDataException(Kind.CORRUPT, file, String.format("CRC mismatch (stored %08X, computed %08X)",
                stored, (int) crc.getValue()));
        }
        return new ControlFile(b.getLong(SYSTEM_IDENTIFIER), version, b.getInt(CATALOG_VERSION_NO), b.getInt(STATE),
            b.getLong(CHECKPOINT), b.getLong(CKPT_REDO), b.getInt(CKPT_THIS_TIMELINE_ID), (int) b.getLong(CKPT_NEXT_XID),
            b.getInt(CKPT_NEXT_MULTI), b.getInt(CKPT_NEXT_MULTI_OFFSET), b.getInt(CKPT_OLDEST_XID), b.getLong(CKPT_TIME));
    }

    /** Whether the cluster was shut down cleanly (as a primary or a standby). */
    public boolean shutDownCleanly() {
        return state == SHUT_DOWN || state == SHUT_DOWN_IN_RECOVERY;
    }

    /** The state as pg_controldata names it. */
    public String stateName() {
        return switch (state) {
            case 0 -> "starting up";
            case SHUT_DOWN -> "shut down";
            case SHUT_DOWN_IN_RECOVERY -> "shut down in recovery";
            case 3 -> "shutting down";
            case 4 -> "in crash recovery";
            case 5 -> "in archive recovery";
            case 6 -> "in production";
            default -> "unrecognized status code " + state;
        };
    }
}
