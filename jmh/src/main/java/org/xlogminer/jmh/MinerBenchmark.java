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
import org.xlogminer.event.RowChange;
import org.xlogminer.event.Transaction;
import org.xlogminer.mine.Miner;
import org.xlogminer.render.SqlRenderer;
import org.xlogminer.wal.Lsn;

/**
 * Throughput of the whole pipeline over real WAL held in memory: {@link Miner} from the start to
 * the end LSN of {@code bench/make-pgbench-logical-wal.sh}'s run (reading from the checkpoint's REDO
 * point, framing, CRC-32C, assembling transactions, deforming and formatting every row of the
 * catalog's tables), then the UNDO statement of every change with
 * {@link SqlRenderer#forCatalog} (as the CLI renders: replica-identity key, else primary key). One operation is one mining
 * pass. The {@link ChangeCounters} report row changes/s and transactions/s; {@code -prof gc}'s
 * {@code gc.alloc.rate.norm} divided by the changes of a pass (printed at setup) is bytes per change.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class MinerBenchmark {

    /**
     * Directory made by {@code bench/make-pgbench-logical-wal.sh} (logical, old rows logged whole)
     * or {@code WAL_LEVEL=replica bench/make-pgbench-logical-wal.sh} (old rows from the tracked
     * pages); relative to the repository root unless absolute.
     */
    @Param({"bench/cache/pgbench-logical-wal-s5"})
    public String walDir;

    private UpdatedTuples.Wal wal;
    private SqlRenderer renderer;
    private long changesPerPass;
    private long transactionsPerPass;

    /** Per-thread counters JMH reports as rates: {@code changes} (row changes rendered) and {@code transactions} per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class ChangeCounters {
        public long changes;
        public long transactions;

        @Setup(Level.Iteration)
        public void reset() {
            changes = 0;
            transactions = 0;
        }
    }

    @Setup(Level.Trial)
    public void load() throws IOException {
        wal = UpdatedTuples.loadWal(walDir);
        renderer = SqlRenderer.forCatalog(wal.catalog(), false);
        long[] counts = new long[3];
        try (Miner miner = newMiner()) {
            Transaction tx;
            while ((tx = miner.next()) != null) {
                counts[0]++;
                for (RowChange c : tx.changes()) {
                    counts[1]++;
                    counts[2] += renderer.undo(c).length();
                }
            }
        }
        transactionsPerPass = counts[0];
        changesPerPass = counts[1];
        System.out.printf("%nWAL %s %s..%s: %d transactions, %d row changes per pass, UNDO %.1f chars/change%n",
            wal.dir(), Lsn.format(wal.startLsn()), Lsn.format(wal.endLsn()), transactionsPerPass, changesPerPass,
            (double) counts[2] / changesPerPass);
    }

    private Miner newMiner() {
        return Miner.builder(wal.source(), wal.catalog()).fromLsn(wal.startLsn()).toLsn(wal.endLsn()).build();
    }

    /** Mines the range and renders the UNDO statement of every change. */
    @Benchmark
    public long mineAndUndo(ChangeCounters counters) {
        long sum = 0;
        long changes = 0;
        long transactions = 0;
        try (Miner miner = newMiner()) {
            Transaction tx;
            while ((tx = miner.next()) != null) {
                transactions++;
                for (RowChange c : tx.changes()) {
                    changes++;
                    String sql = renderer.undo(c);
                    sum = sum * 31 + sql.length();
                }
            }
        }
        if (changes != changesPerPass || transactions != transactionsPerPass) {
            throw new IllegalStateException("pass mined " + transactions + " transactions, " + changes
                + " changes; setup " + transactionsPerPass + ", " + changesPerPass);
        }
        counters.changes += changes;
        counters.transactions += transactions;
        return sum;
    }
}
