package org.xlogminer.wal.reader;

import static org.xlogminer.wal.reader.XLogRecordLayout.BKPIMAGE_COMPRESS_LZ4;
import static org.xlogminer.wal.reader.XLogRecordLayout.BKPIMAGE_COMPRESS_PGLZ;
import static org.xlogminer.wal.reader.XLogRecordLayout.BKPIMAGE_COMPRESS_ZSTD;
import static org.xlogminer.wal.reader.XLogRecordLayout.BKPIMAGE_IS_COMPRESSED_V13;

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

    /**
     * The method a block image's bimg_info names: on 15 and later ({@code newBits}) one bit per
     * method, on 13 and 14 one "compressed" bit, always pglz.
     */
    static ImageCompression of(int bimgInfo, boolean newBits) {
        if (!newBits) {
            return (bimgInfo & BKPIMAGE_IS_COMPRESSED_V13) != 0 ? PGLZ : NONE;
        }
        if ((bimgInfo & BKPIMAGE_COMPRESS_PGLZ) != 0) {
            return PGLZ;
        }
        if ((bimgInfo & BKPIMAGE_COMPRESS_LZ4) != 0) {
            return LZ4;
        }
        return (bimgInfo & BKPIMAGE_COMPRESS_ZSTD) != 0 ? ZSTD : NONE;
    }

    /** The name PostgreSQL uses for the method ({@code wal_compression} setting, pg_waldump). */
    public String label() {
        return label;
    }
}
