package org.xlogminer.catalog.pgdata;

/**
 * A data directory or base backup that cannot be read as one: the message names the file and says
 * what is wrong with it, and {@link #kind()} says whose fault it is (the argument, or the files).
 */
public final class PgDataException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Whose fault. */
    public enum Kind {
        /** The path is not a data directory or base backup, or names a database it does not have. */
        NOT_A_DATA_DIRECTORY,
        /** A data directory of a PostgreSQL major this reader does not know (13 to 18 are). */
        UNSUPPORTED,
        /** A file that is there but damaged: truncated, a checksum mismatch, a page that is not a page. */
        CORRUPT
    }

    private final Kind kind;
    private final String file;

    public PgDataException(Kind kind, String file, String problem) {
        super(file + ": " + problem);
        this.kind = kind;
        this.file = file;
    }

    public PgDataException(Kind kind, String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.kind = kind;
        this.file = file;
    }

    public Kind kind() {
        return kind;
    }

    /** The file (or directory) at fault, relative to the data directory where it is inside one. */
    public String file() {
        return file;
    }
}
