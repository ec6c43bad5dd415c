package org.xlogminer.tuple;

/** What the header of a varlena datum says it is (see {@link VarlenaLayout}). */
public enum VarlenaKind {
    /** 1-byte header, inline, uncompressed (at most 126 payload bytes). */
    SHORT,
    /** 4-byte header, inline, uncompressed. */
    PLAIN,
    /** 4-byte header, inline, compressed (pglz or lz4): decompress with {@link DatumDecompressor}. */
    COMPRESSED,
    /** An on-disk TOAST pointer (va_tag 18): the value lives in the TOAST table. */
    EXTERNAL_ONDISK,
    /** An in-memory pointer (indirect or expanded): never valid on disk. */
    EXTERNAL_IN_MEMORY;

    private static final VarlenaKind[] VALUES = values();

    static VarlenaKind ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }
}
