package org.xlogminer.catalog;

/**
 * A catalog file that cannot be loaded: not JSON, not an xlogminer catalog, a format version this
 * build does not read, or a missing or mistyped field. The message names the file (when known)
 * and the field's path, e.g. {@code tables[3].columns[1].attnum}. Unchecked; real I/O failures
 * are {@link java.io.IOException}s.
 */
public class CatalogFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CatalogFormatException(String message) {
        super(message);
    }

    public CatalogFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
