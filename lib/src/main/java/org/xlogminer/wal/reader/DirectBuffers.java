package org.xlogminer.wal.reader;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;

/**
 * Frees a direct or mapped buffer now, not at some later collection: a mapping of a segment the
 * reader has moved past, a decompressed segment's buffer, packed chunks dropped past their budget.
 * Left to the collector, such memory lives until a full collection finds the small object that
 * owns it, which may be never in a run that keeps its heap small.
 *
 * <p>Uses {@code sun.misc.Unsafe.invokeCleaner} (JDK 9+, in the jdk.unsupported module); where it
 * is missing {@link #canFree()} is false and {@link #free} does nothing. A buffer freed must not be
 * read again, nor any view of it: callers free only what they alone hold.
 *
 * <p>Stateless; thread-safe.
 */
public final class DirectBuffers {

    /** {@code Unsafe.invokeCleaner} bound to the Unsafe, or null. */
    private static final MethodHandle CLEANER = cleaner();

    private DirectBuffers() {
    }

    /** Whether {@link #free} frees at once (else memory waits for the collector). */
    public static boolean canFree() {
        return CLEANER != null;
    }

    /** Frees a direct buffer (not a slice or duplicate of one) now, if the JDK can. */
    public static void free(ByteBuffer direct) {
        if (CLEANER == null || direct == null) {
            return;
        }
        try {
            CLEANER.invokeExact(direct);
        } catch (Throwable e) {
            throw new IllegalStateException("freeing a direct buffer", e);
        }
    }

    private static MethodHandle cleaner() {
        try {
            Class<?> unsafe = Class.forName("sun.misc.Unsafe");
            java.lang.reflect.Field theUnsafe = unsafe.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            return MethodHandles.lookup()
                .findVirtual(unsafe, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
                .bindTo(theUnsafe.get(null));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
