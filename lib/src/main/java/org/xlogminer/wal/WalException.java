package org.xlogminer.wal;

/**
 * Base of every error about the WAL being read: bad format, checksum failures, missing or foreign
 * segments. Unchecked; messages carry their context as {@code key=value} ({@code segment=},
 * {@code lsn=}, {@code rmid=}) so that a DBA can find the spot with {@code pg_waldump}.
 *
 * <p>{@code IOException} is reserved for real I/O failures.
 */
public class WalException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String segment;
    private final long lsn;

    public WalException(String problem, String segment, long lsn) {
        this(problem, segment, lsn, null);
    }

    public WalException(String problem, String segment, long lsn, Throwable cause) {
        super(problem + context(segment, lsn), cause);
        this.segment = segment;
        this.lsn = lsn;
    }

    private static String context(String segment, long lsn) {
        StringBuilder sb = new StringBuilder();
        if (segment != null) {
            sb.append(" segment=").append(segment);
        }
        if (lsn != 0) {
            sb.append(" lsn=");
            Lsn.appendTo(sb, lsn);
        }
        return sb.length() == 0 ? "" : " (" + sb.substring(1) + ")";
    }

    /** File name of the segment where the problem is, or null when it is not about one segment. */
    public String segment() {
        return segment;
    }

    /** WAL position of the problem, 0 when unknown. */
    public long lsn() {
        return lsn;
    }
}
