package org.xlogminer.oracle;

import java.util.List;

/**
 * A WAL record as a tool we did not write describes it: pg_waldump's text or pg_walinspect's rows.
 * Fields a tool does not give are null.
 */
public record OracleRecord(long lsn, long prev, String rmgr, String type, long xid, int totalLength,
                           Integer mainDataLength, int fpiLength, List<OracleBlock> blocks) {

    /** One block reference. Image fields are null when the block has no image. */
    public record OracleBlock(int id, long tablespace, long database, long relNumber, String fork, long block,
                              boolean hasImage, Integer imageLength, Integer holeOffset, Integer holeLength,
                              String compression, Boolean apply, Integer dataLength, byte[] page) {
    }
}
