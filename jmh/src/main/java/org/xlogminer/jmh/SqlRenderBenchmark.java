package org.xlogminer.jmh;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
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
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.event.Row;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.Source;
import org.xlogminer.render.SqlRenderer;

/**
 * Throughput of {@link SqlRenderer} over real changes: the UPDATEs of {@code pgbench_accounts} in
 * WAL made by {@code bench/make-pgbench-logical-wal.sh}, turned once at setup into
 * {@link RowChange.Update} events with both rows whole (REPLICA IDENTITY FULL) and every value a
 * {@link org.xlogminer.event.Value.Known} from the column's formatters ({@link RowBuilder}). One
 * operation renders every change once: {@link #redo} the UPDATE again, {@link #undo} its inverse,
 * with the renderer the CLI uses, {@link SqlRenderer#forCatalog}: rows found by the key {@code aid}
 * (the primary key, as the table's REPLICA IDENTITY FULL has no key of its own), every column set
 * ({@code changedColumnsOnly=false}, the CLI's default) or only the changed ones ({@code true}).
 *
 * <p>The {@link StatementCounters} report statements/s and characters/s. With {@code -prof gc},
 * {@code gc.alloc.rate.norm} divided by the statements of a pass (printed at setup) is bytes per
 * statement, the statement's own String included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class SqlRenderBenchmark {

    /** Directory made by {@code bench/make-pgbench-logical-wal.sh}; relative to the repository root unless absolute. */
    @Param({"bench/cache/pgbench-logical-wal-s5"})
    public String walDir;

    /** The table whose updates are rendered, "schema.name". */
    @Param({"public.pgbench_accounts"})
    public String table;

    /** SqlRenderer's changedColumnsOnly: UPDATE sets only the columns whose value changed. */
    @Param({"false", "true"})
    public boolean changedColumnsOnly;

    private RowChange.Update[] changes;
    private SqlRenderer renderer;
    private long redoChars;
    private long undoChars;

    /** Per-thread counters JMH reports as rates: {@code statements} and {@code chars} (their length) per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class StatementCounters {
        public long statements;
        public long chars;

        @Setup(Level.Iteration)
        public void reset() {
            statements = 0;
            chars = 0;
        }
    }

    @Setup(Level.Trial)
    public void load() throws IOException {
        UpdatedTuples tuples = UpdatedTuples.load(walDir, table);
        TableInfo t = tuples.table();
        renderer = SqlRenderer.forCatalog(tuples.catalog(), changedColumnsOnly);
        List<String> key = renderer.keyColumns(t.schema(), t.name());
        RowBuilder plan = new RowBuilder(tuples.catalog(), t);
        changes = new RowChange.Update[tuples.updateCount()];
        for (int k = 0; k < changes.length; k++) {
            Row before = plan.row(plan.deform(tuples, 2 * k));
            Row after = plan.row(plan.deform(tuples, 2 * k + 1));
            Source source = new Source(tuples.lsn(k), tuples.lsn(k), tuples.xid(k), Instant.EPOCH, t.schema(),
                t.name(), tuples.oldCtid(k), tuples.newCtid(k));
            changes[k] = new RowChange.Update(source, before, after);
        }
        for (RowChange.Update c : changes) {
            redoChars += renderer.redo(c).length();
            undoChars += renderer.undo(c).length();
        }
        System.out.printf("%nWAL %s: %d updates of %s, key %s, one statement per update per pass;"
                + " REDO %.1f chars/statement, UNDO %.1f%n  e.g. UNDO %s%n",
            tuples.dir(), changes.length, t.qualifiedName(), key, (double) redoChars / changes.length,
            (double) undoChars / changes.length, renderer.undo(changes[0]));
    }

    /** The REDO statement of every change. */
    @Benchmark
    public long redo(StatementCounters counters) {
        long sum = 0;
        for (RowChange.Update c : changes) {
            String sql = renderer.redo(c);
            sum = sum * 31 + sql.length() + sql.charAt(sql.length() - 1);
        }
        counters.statements += changes.length;
        counters.chars += redoChars;
        return sum;
    }

    /** The UNDO statement of every change. */
    @Benchmark
    public long undo(StatementCounters counters) {
        long sum = 0;
        for (RowChange.Update c : changes) {
            String sql = renderer.undo(c);
            sum = sum * 31 + sql.length() + sql.charAt(sql.length() - 1);
        }
        counters.statements += changes.length;
        counters.chars += undoChars;
        return sum;
    }
}
