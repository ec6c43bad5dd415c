package org.xlogminer.wal;

/** A segment the reading needs is not there (a gap in the WAL), while later ones are. */
public class WalMissingSegmentException extends WalException {

    private static final long serialVersionUID = 1L;

    public WalMissingSegmentException(String problem, String segment, long lsn) {
        super(problem, segment, lsn);
    }

    public WalMissingSegmentException(String problem, String segment, long lsn, Throwable cause) {
        super(problem, segment, lsn, cause);
    }
}
