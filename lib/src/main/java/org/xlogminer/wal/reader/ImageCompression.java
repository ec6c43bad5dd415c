package org.xlogminer.wal.reader;

/** How a full-page image is stored in the record ({@code wal_compression}). */
public enum ImageCompression {
    NONE("none"),
    PGLZ("pglz"),
    LZ4("lz4"),
    ZSTD("zstd");

    private final String label;

    ImageCompression(String label) {
        this.label = label;
    }

    /** The name PostgreSQL uses for the method ({@code wal_compression} setting, pg_waldump). */
    public String label() {
        return label;
    }
}
