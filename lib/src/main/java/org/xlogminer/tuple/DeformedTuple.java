package org.xlogminer.tuple;

import java.nio.ByteBuffer;

/**
 * The result of {@link HeapTupleDeformer#deform}: for each column of the relation (index = attnum - 1)
 * its {@link AttributeState} and, when {@link AttributeState#PRESENT}, where its datum lies in the
 * buffer. A reusable flyweight owned by its deformer: the next {@code deform} call overwrites it, and
 * the offsets point into the caller's buffer, so copy what must outlive either.
 *
 * <p>For a varlena column ({@link #attlen(int)} == -1), {@link #offset(int)}/{@link #length(int)}
 * cover the whole datum, header included; {@link #varlenaKind(int)} says which header it has, and
 * {@link #payloadOffset(int)}/{@link #payloadLength(int)} give the bytes after it (the value itself
 * for {@link VarlenaKind#SHORT} and {@link VarlenaKind#PLAIN}). For a cstring column (attlen -2) the
 * length includes the terminating NUL and the payload excludes it. For a fixed-width column the
 * payload is the datum.
 *
 * <p>Not thread-safe.
 */
public final class DeformedTuple {

    private final int columnCount;
    private final int[] attlen;
    private final byte[] state;
    private final int[] offset;
    private final int[] length;
    private ByteBuffer buffer;
    private int natts;

    DeformedTuple(int[] attlen) {
        this.columnCount = attlen.length;
        this.attlen = attlen;
        this.state = new byte[columnCount];
        this.offset = new int[columnCount];
        this.length = new int[columnCount];
    }

    void reset(ByteBuffer buffer, int natts) {
        this.buffer = buffer;
        this.natts = natts;
    }

    void set(int index, AttributeState s, int off, int len) {
        state[index] = (byte) s.ordinal();
        offset[index] = off;
        length[index] = len;
    }

    /** Number of columns of the relation (the highest attnum), dropped ones included. */
    public int columnCount() {
        return columnCount;
    }

    /** Number of attributes the tuple itself stores (t_infomask2 &amp; HEAP_NATTS_MASK). */
    public int natts() {
        return natts;
    }

    /** The buffer the offsets point into. */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** State of column {@code index} (attnum - 1). */
    public AttributeState state(int index) {
        return AttributeState.ofOrdinal(state[index]);
    }

    /** True when the column is {@link AttributeState#NULL}. */
    public boolean isNull(int index) {
        return state[index] == AttributeState.NULL.ordinal();
    }

    /** True when the column is {@link AttributeState#PRESENT}. */
    public boolean isPresent(int index) {
        return state[index] == AttributeState.PRESENT.ordinal();
    }

    /** attlen of the column: &gt; 0 fixed width, -1 varlena, -2 cstring. */
    public int attlen(int index) {
        return attlen[index];
    }

    /** Offset of the datum's first byte in {@link #buffer()} (header included for varlena). */
    public int offset(int index) {
        return offset[index];
    }

    /** Length of the datum in bytes (header included for varlena, NUL included for cstring). */
    public int length(int index) {
        return length[index];
    }

    /** The varlena kind of a present varlena column. */
    public VarlenaKind varlenaKind(int index) {
        checkVarlena(index);
        return Varlena.kind(buffer, offset[index]);
    }

    /** True when the column is present and its value is stored inline uncompressed (or is not a varlena). */
    public boolean isInlineUncompressed(int index) {
        if (!isPresent(index)) {
            return false;
        }
        if (attlen[index] != -1) {
            return true;
        }
        int b = buffer.get(offset[index]) & 0xFF;
        return b != 0x01 && (b & 0x03) != 0x02;
    }

    /** Offset of the value bytes: after the varlena header; the datum itself for other columns. */
    public int payloadOffset(int index) {
        if (attlen[index] == -1) {
            return offset[index] + Varlena.headerSize(buffer, offset[index]);
        }
        return offset[index];
    }

    /** Length of the value bytes: without the varlena header, or without the cstring's NUL. */
    public int payloadLength(int index) {
        int a = attlen[index];
        if (a == -1) {
            return length[index] - Varlena.headerSize(buffer, offset[index]);
        }
        return a == -2 ? length[index] - 1 : length[index];
    }

    /** va_valueid of an on-disk TOAST pointer column. */
    public long externalValueId(int index) {
        checkVarlena(index);
        return Varlena.externalValueId(buffer, offset[index]);
    }

    /** va_toastrelid of an on-disk TOAST pointer column. */
    public long externalToastRelid(int index) {
        checkVarlena(index);
        return Varlena.externalToastRelid(buffer, offset[index]);
    }

    /** va_rawsize of an on-disk TOAST pointer column (varlena header included). */
    public int externalRawSize(int index) {
        checkVarlena(index);
        return Varlena.externalRawSize(buffer, offset[index]);
    }

    /** Stored size (low 30 bits of va_extinfo) of an on-disk TOAST pointer column. */
    public int externalExtSize(int index) {
        checkVarlena(index);
        return Varlena.externalExtSize(buffer, offset[index]);
    }

    /** Compression method (top 2 bits of va_extinfo) of an on-disk TOAST pointer column. */
    public int externalCompressionMethod(int index) {
        checkVarlena(index);
        return Varlena.externalCompressionMethod(buffer, offset[index]);
    }

    /** Whether the externally stored value is compressed. */
    public boolean externalIsCompressed(int index) {
        checkVarlena(index);
        return Varlena.externalIsCompressed(buffer, offset[index]);
    }

    private void checkVarlena(int index) {
        if (attlen[index] != -1 || !isPresent(index)) {
            throw new IllegalStateException("column " + (index + 1) + " is not a present varlena");
        }
    }
}
