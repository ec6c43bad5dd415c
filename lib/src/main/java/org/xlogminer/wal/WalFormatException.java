package org.xlogminer.wal;

/** The WAL is malformed: a bad page header, an invalid record header, a truncated or non-WAL file. */
public class WalFormatException extends WalException {

    private static final long serialVersionUID = 1L;

    public WalFormatException(String problem, String segment, long lsn) {
        super(problem, segment, lsn);
    }

    public WalFormatException(String problem, String segment, long lsn, Throwable cause) {
        super(problem, segment, lsn, cause);
    }
}
