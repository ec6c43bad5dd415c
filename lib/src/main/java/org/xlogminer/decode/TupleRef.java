package org.xlogminer.decode;

import java.nio.ByteBuffer;

/**
 * Where one logged tuple lies: its xl_heap_header fields and its tuple bytes (null bitmap,
 * padding, data) in a buffer. A reusable flyweight; {@link #present()} is false when the record
 * did not log this tuple.
 *
 * <p>Not thread-safe.
 */
public final class TupleRef {

    private ByteBuffer buffer;
    private int offset;
    private int length;
    private int infomask2;
    private int infomask;
    private int hoff;
    private boolean present;

    void clear() {
        present = false;
        buffer = null;
        offset = 0;
        length = 0;
    }

    /** Reads an xl_heap_header at {@code at}; tuple bytes follow it up to {@code end}. */
    boolean setFromHeader(ByteBuffer b, int at, int end) {
        if (end - at < HeapLayout.SIZE_OF_HEAP_HEADER) {
            return false;
        }
        set(b, at + HeapLayout.SIZE_OF_HEAP_HEADER, end - at - HeapLayout.SIZE_OF_HEAP_HEADER,
            b.getShort(at + HeapLayout.HEAP_HEADER_T_INFOMASK2) & 0xFFFF,
            b.getShort(at + HeapLayout.HEAP_HEADER_T_INFOMASK) & 0xFFFF,
            b.get(at + HeapLayout.HEAP_HEADER_T_HOFF) & 0xFF);
        return true;
    }

    void set(ByteBuffer b, int off, int len, int mask2, int mask, int tHoff) {
        this.buffer = b;
        this.offset = off;
        this.length = len;
        this.infomask2 = mask2;
        this.infomask = mask;
        this.hoff = tHoff;
        this.present = true;
    }

    public boolean present() {
        return present;
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    /** Start of the tuple bytes (the null bitmap, if any). */
    public int offset() {
        return offset;
    }

    /** Length of the tuple bytes. */
    public int length() {
        return length;
    }

    public int infomask2() {
        return infomask2;
    }

    public int infomask() {
        return infomask;
    }

    /** t_hoff: offset of the column data from the tuple header's start. */
    public int hoff() {
        return hoff;
    }

    /** Number of attributes the tuple holds (t_infomask2 &amp; HEAP_NATTS_MASK). */
    public int natts() {
        return infomask2 & 0x07FF;
    }
}
