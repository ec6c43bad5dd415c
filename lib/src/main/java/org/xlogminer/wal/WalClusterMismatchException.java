package org.xlogminer.wal;

/** A segment belongs to another cluster (its system identifier differs) or to another segment size. */
public class WalClusterMismatchException extends WalException {

    private static final long serialVersionUID = 1L;

    public WalClusterMismatchException(String problem, String segment, long lsn) {
        super(problem, segment, lsn);
    }

    public WalClusterMismatchException(String problem, String segment, long lsn, Throwable cause) {
        super(problem, segment, lsn, cause);
    }
}
