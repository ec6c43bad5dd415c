package org.xlogminer.wal.reader;

import java.nio.ByteBuffer;

/**
 * The one bounds-checked cursor through which a record's fragment headers are read (the block
 * headers, the replication origin, the top-level xid and the main-data length; see
 * {@link XLogRecordLayout}), as {@code DecodeXLogRecord()} in {@code xlogreader.c} funnels every
 * read through {@code COPY_HEADER_FIELD}.
 *
 * <p>A read that would pass the end of the record reads nothing, returns 0 and marks the cursor
 * {@linkplain #overran() overrun}; the decoder checks that after each fragment, before it uses
 * what it read, and reports the fragment with {@link #tooShortFor}. So a short
 * record is told apart from a malformed one by where it ends, never by reading past it.
 *
 * <p>A reusable flyweight held by one {@link XLogRecordView}: allocates nothing. Not thread-safe.
 */
final class FragmentCursor {

    /** The fragment headers a record can end inside, named as the error message names them. */
    enum Fragment {
        MAIN_DATA_LENGTH("its main-data length"),
        ORIGIN("its replication origin"),
        TOPLEVEL_XID("its top-level xid"),
        BLOCK_HEADER("block header "),
        IMAGE_HEADER("the image header of block "),
        HOLE_LENGTH("the hole length of block "),
        RELATION("the relation of block "),
        BLOCK_NUMBER("the block number of block ");

        private final String what;

        Fragment(String what) {
            this.what = what;
        }
    }

    private ByteBuffer buffer;
    private int position;
    private int end;
    private boolean overran;

    /** Reads {@code buf} from {@code from} up to (not including) {@code to}; returns this. */
    FragmentCursor wrap(ByteBuffer buf, int from, int to) {
        this.buffer = buf;
        this.position = from;
        this.end = to;
        this.overran = false;
        return this;
    }

    /** Absolute position of the next byte in the buffer. */
    int position() {
        return position;
    }

    /** Bytes left before the end of the record. */
    int remaining() {
        return end - position;
    }

    /** Whether a read ran past the end of the record since {@link #wrap}. */
    boolean overran() {
        return overran;
    }

    int u8() {
        if (end - position < 1) {
            overran = true;
            return 0;
        }
        return buffer.get(position++) & 0xFF;
    }

    int u16() {
        if (end - position < 2) {
            overran = true;
            return 0;
        }
        int v = buffer.getShort(position) & 0xFFFF;
        position += 2;
        return v;
    }

    /** A u32 as the int of the same bits; widen with {@link Integer#toUnsignedLong} where needed. */
    int u32() {
        if (end - position < 4) {
            overran = true;
            return 0;
        }
        int v = buffer.getInt(position);
        position += 4;
        return v;
    }

    /** The problem to report when the record ended inside a fragment of the record as a whole. */
    static String tooShortFor(Fragment f) {
        return "record too short for " + f.what;
    }

    /** The problem to report when the record ended inside a fragment of block {@code blockId}. */
    static String tooShortFor(Fragment f, int blockId) {
        return "record too short for " + f.what + blockId;
    }
}
