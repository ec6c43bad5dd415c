package org.xlogminer.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Little-endian views of byte arrays, as WAL lays out its integers: for reading and writing
 * copies and summaries of records without a {@code ByteBuffer} per array.
 */
public final class LittleEndian {

    /** An int at a byte offset of a {@code byte[]}: {@code (int) INT.get(b, at)}, {@code INT.set(b, at, v)}. */
    public static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** A short at a byte offset of a {@code byte[]}. */
    public static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    private LittleEndian() {
    }
}
