package org.xlogminer.tuple;

import org.xlogminer.wal.WalFormatException;

/**
 * A tuple or datum whose bytes contradict the catalog or themselves: an attribute running past the
 * tuple's end, a bad varlena header, more attributes than the table has, a corrupt compressed datum.
 * The message carries {@code key=value} context (relation, attnum, offset); callers that know the
 * WAL position rethrow it with {@code segment=} and {@code lsn=}.
 */
public class TupleFormatException extends WalFormatException {

    private static final long serialVersionUID = 1L;

    public TupleFormatException(String problem) {
        super(problem, null, 0);
    }

    public TupleFormatException(String problem, Throwable cause) {
        super(problem, null, 0, cause);
    }
}
