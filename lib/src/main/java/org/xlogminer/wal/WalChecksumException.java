package org.xlogminer.wal;

/** A record's CRC-32C does not match its contents: the WAL is corrupt at that record. */
public class WalChecksumException extends WalException {

    private static final long serialVersionUID = 1L;

    public WalChecksumException(String problem, String segment, long lsn) {
        super(problem, segment, lsn);
    }

    public WalChecksumException(String problem, String segment, long lsn, Throwable cause) {
        super(problem, segment, lsn, cause);
    }
}
