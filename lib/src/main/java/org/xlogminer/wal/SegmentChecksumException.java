package org.xlogminer.wal;

/**
 * A segment file's contents do not match the checksum its archive keeps for it (pgBackRest's SHA-1
 * in the file name): the copy in the archive is corrupt.
 */
public class SegmentChecksumException extends WalChecksumException {

    private static final long serialVersionUID = 1L;

    public SegmentChecksumException(String problem, String segment) {
        super(problem, segment, 0);
    }
}
