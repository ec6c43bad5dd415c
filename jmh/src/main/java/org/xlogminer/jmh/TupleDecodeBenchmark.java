package org.xlogminer.jmh;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.xlogminer.event.Row;
import org.xlogminer.tuple.DeformedTuple;
import org.xlogminer.types.TupleValues;
import org.xlogminer.wal.Lsn;

/**
 * Throughput of tuple decoding over real rows: the old and new tuples of every UPDATE of
 * {@code pgbench_accounts} in WAL made by {@code bench/make-pgbench-logical-wal.sh}, copied out of
 * the WAL once at setup ({@link UpdatedTuples}), so that the figures are decoding alone. One
 * operation is one pass over all those tuples (two per update, each a "row") with the table's
 * {@link org.xlogminer.tuple.HeapTupleDeformer} and one formatter per column, both made once:
 *
 * <ul>
 *   <li>{@link #deform}: split each tuple into its columns;</li>
 *   <li>{@link #deformAndText}: and append every column's output text to one reused StringBuilder;</li>
 *   <li>{@link #deformAndLiteral}: and append every column's SQL literal instead;</li>
 *   <li>{@link #deformToRow}: and build the event {@link Row} as the miner does (text and literal
 *       as Strings in a {@link org.xlogminer.event.Value.Known} per column), which allocates.</li>
 * </ul>
 *
 * <p>The {@link RowCounters} report rows/s and tuple bytes/s. Run with {@code -prof gc}:
 * {@code gc.alloc.rate.norm} is bytes per pass; divide by the rows of a pass (printed at setup)
 * for bytes per row. {@code -p walDir=DIR} and {@code -p table=schema.name} pick other input.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class TupleDecodeBenchmark {

    /** Directory made by {@code bench/make-pgbench-logical-wal.sh}; relative to the repository root unless absolute. */
    @Param({"bench/cache/pgbench-logical-wal-s5"})
    public String walDir;

    /** The table whose updates are decoded, "schema.name". */
    @Param({"public.pgbench_accounts"})
    public String table;

    private UpdatedTuples tuples;
    private RowBuilder plan;
    private int columns;
    private long rowsPerPass;
    private long bytesPerPass;
    private final StringBuilder out = new StringBuilder(512);

    /**
     * Per-thread counters JMH reports as rates: {@code rows} (tuples decoded) and {@code bytes} (their
     * lengths from byte 23 of the tuple header on) per second.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class RowCounters {
        public long rows;
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            rows = 0;
            bytes = 0;
        }
    }

    @Setup(Level.Trial)
    public void load() throws IOException {
        tuples = UpdatedTuples.load(walDir, table);
        plan = new RowBuilder(tuples.catalog(), tuples.table());
        columns = plan.deformer().columnCount();
        rowsPerPass = tuples.tupleCount();
        bytesPerPass = tuples.tupleBytes();
        System.out.printf("%nWAL %s %s..%s: %d updates of %s (%d HOT), %d rows per pass, %d tuple bytes"
                + " (%.1f bytes/row), %d columns%n",
            tuples.dir(), Lsn.format(tuples.startLsn()), Lsn.format(tuples.endLsn()), tuples.updateCount(),
            tuples.table().qualifiedName(), tuples.hotUpdateCount(), rowsPerPass, bytesPerPass,
            (double) bytesPerPass / rowsPerPass, columns);
    }

    /** Deforms every tuple, folding each column's offset and length into the result. */
    @Benchmark
    public long deform(RowCounters counters) {
        long sum = 0;
        for (int i = 0, n = tuples.tupleCount(); i < n; i++) {
            DeformedTuple d = plan.deform(tuples, i);
            for (int c = 0; c < columns; c++) {
                sum = sum * 31 + d.offset(c) + d.length(c);
            }
        }
        return finish(sum, counters);
    }

    /** Deforms every tuple and appends each present column's output text (one builder per row, reused). */
    @Benchmark
    public long deformAndText(RowCounters counters) {
        long sum = 0;
        StringBuilder sb = out;
        for (int i = 0, n = tuples.tupleCount(); i < n; i++) {
            DeformedTuple d = plan.deform(tuples, i);
            sb.setLength(0);
            for (int c = 0; c < columns; c++) {
                if (plan.formatter(c) != null) {
                    TupleValues.appendText(plan.formatter(c), sb, d, c, plan.decompressor());
                }
            }
            sum = sum * 31 + sb.length();
        }
        return finish(sum, counters);
    }

    /** Deforms every tuple and appends each present column's SQL literal. */
    @Benchmark
    public long deformAndLiteral(RowCounters counters) {
        long sum = 0;
        StringBuilder sb = out;
        for (int i = 0, n = tuples.tupleCount(); i < n; i++) {
            DeformedTuple d = plan.deform(tuples, i);
            sb.setLength(0);
            for (int c = 0; c < columns; c++) {
                if (plan.formatter(c) != null) {
                    TupleValues.appendSqlLiteral(plan.formatter(c), sb, d, c, plan.decompressor());
                }
            }
            sum = sum * 31 + sb.length();
        }
        return finish(sum, counters);
    }

    /** Deforms every tuple and builds its event row with text and literal Strings, as the miner does. */
    @Benchmark
    public long deformToRow(RowCounters counters, Blackhole bh) {
        for (int i = 0, n = tuples.tupleCount(); i < n; i++) {
            bh.consume(plan.row(plan.deform(tuples, i)));
        }
        return finish(rowsPerPass, counters);
    }

    private long finish(long sum, RowCounters counters) {
        counters.rows += rowsPerPass;
        counters.bytes += bytesPerPass;
        return sum;
    }
}
