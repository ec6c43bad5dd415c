package org.xlogminer.wal;

/**
 * The catalog snapshot does not describe the WAL being read: it was captured from another cluster
 * (system identifier), or it lacks what a record needs.
 */
public class CatalogMismatchException extends WalException {

    private static final long serialVersionUID = 1L;

    public CatalogMismatchException(String problem, String segment, long lsn) {
        super(problem, segment, lsn);
    }
}
