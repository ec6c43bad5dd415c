package org.xlogminer.types;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import java.util.TreeSet;
import java.util.stream.LongStream;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.xlogminer.catalog.TypeInfo;
import org.xlogminer.fuzz.FuzzCatalog;
import org.xlogminer.wal.WalException;

/**
 * One datum of any type xlogminer formats: every built-in type ({@link BuiltinTypes}) and the
 * types of a real PostgreSQL 15 catalog (arrays, domains, composites). The input's first two bytes
 * pick the type, the rest is the datum as {@link TupleValues} hands it to a formatter (the bytes
 * after a varlena's header; exactly its length for a fixed-length type, as the deformer
 * guarantees). The formatter
 * prints it as text and as an SQL literal; a datum it cannot read must come out as a marked value
 * or a documented {@link WalException}, never another exception.
 */
class DatumFuzzTest {

    /** The OIDs, ascending: built-in OIDs are below 10000 (FirstNormalObjectId is 16384). */
    static final List<Long> TYPES = types();

    private final StringBuilder out = new StringBuilder();

    private static List<Long> types() {
        TreeSet<Long> oids = new TreeSet<>(FuzzCatalog.get().snapshot().types().keySet());
        LongStream.range(0, 10_000).filter(oid -> BuiltinTypes.get(oid) != null).forEach(oids::add);
        return List.copyOf(oids);
    }

    /** The storage length of a fixed-length type; 0 for a varlena, a cstring or a type not known. */
    private static int fixedLength(long oid) {
        TypeInfo t = FuzzCatalog.get().snapshot().types().get(oid);
        if (t != null) {
            return Math.max(0, t.len());
        }
        BuiltinTypes.Builtin b = BuiltinTypes.storage(oid, FuzzCatalog.get().snapshot().major());
        return b == null ? 0 : Math.max(0, b.len());
    }

    @FuzzTest(maxDuration = "5m")
    void format(byte[] input) {
        if (input.length < 2) {
            return;
        }
        long oid = TYPES.get((((input[0] & 0xFF) << 8) | (input[1] & 0xFF)) % TYPES.size());
        byte[] datum = java.util.Arrays.copyOfRange(input, 2, input.length);
        int fixed = fixedLength(oid);
        if (fixed > 0 && datum.length != fixed) {
            // the deformer hands a fixed-length type exactly attlen bytes: so does the target
            datum = java.util.Arrays.copyOf(datum, fixed);
        }
        ValueFormatter f = FuzzCatalog.get().formatters().forType(oid);
        ByteBuffer buf = ByteBuffer.wrap(datum).order(ByteOrder.LITTLE_ENDIAN);
        out.setLength(0);
        try {
            f.appendText(out, buf, 0, datum.length);
            f.appendSqlLiteral(out, buf, 0, datum.length);
        } catch (WalException e) {
            // documented
        }
    }
}
