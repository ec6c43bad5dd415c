package org.xlogminer.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.reader.BlockImages;
import org.xlogminer.wal.reader.EndOfWal;
import org.xlogminer.wal.reader.MemorySegmentSource;
import org.xlogminer.wal.reader.WalReader;
import org.xlogminer.wal.reader.XLogRecordView;

/**
 * Throughput of {@link WalReader} over real WAL held in memory ({@link MemorySegmentSource}), so
 * that the figures are CPU, not disk. One operation is one full pass over the WAL range: framing,
 * page-header checks, record reassembly, block-reference decoding, and, per benchmark, CRC-32C and
 * full-page image restore. The {@link PassCounters} report records/s and WAL bytes/s directly.
 *
 * <p>The WAL comes from {@code bench/make-pgbench-wal.sh}: {@code -p walDir=DIR} names its
 * directory (relative paths are taken from the repository root); its {@code range.txt} gives the
 * LSN range ({@code -p range=all|run}), else the whole directory is read to the end of valid WAL
 * ({@code range=all} only). Run with {@code -prof gc}
 * for bytes allocated per pass ({@code gc.alloc.rate.norm}); divide by records per pass (printed
 * at setup) for bytes per record.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class RecordReaderBenchmark {

    private static final int BLCKSZ = 8192;

    /** Directory of WAL segments; relative to the repository root unless absolute. */
    @Param({"bench/cache/pgbench-wal-s10"})
    public String walDir;

    /**
     * Which part of the range in {@code range.txt}: {@code all} from {@code start_lsn}, or
     * {@code run} from {@code run_start_lsn} (only the pgbench run, after its CHECKPOINT), both to
     * {@code end_lsn}.
     */
    @Param({"all", "run"})
    public String range;

    private MemorySegmentSource source;
    private long startLsn;
    private long endLsn;
    private long recordsPerPass;
    private long bytesPerPass;

    private final BlockImages images = new BlockImages();
    private final byte[] page = new byte[BLCKSZ];

    /**
     * Per-thread counters JMH reports as rates: {@code records} and {@code bytes} (of WAL, the
     * LSN span of the range) per second.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class PassCounters {
        public long records;
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            records = 0;
            bytes = 0;
        }
    }

    @Setup(Level.Trial)
    public void load() throws IOException {
        Path dir = RangeFile.walDir(walDir, "bench/make-pgbench-wal.sh");
        source = MemorySegmentSource.load(dir);
        if (java.nio.file.Files.isRegularFile(dir.resolve("range.txt"))) {
            long[] r = RangeFile.range(dir, RangeFile.startKey(range));
            startLsn = r[0];
            endLsn = r[1];
        } else if (!range.equals("all")) {
            throw new IllegalStateException("-p range=" + range + " needs " + dir.resolve("range.txt"));
        }
        long records = 0;
        long images = 0;
        WalReader reader = newReader(true);
        XLogRecordView r;
        long firstLsn = -1;
        while ((r = reader.next()) != null) {
            if (firstLsn < 0) {
                firstLsn = r.lsn();
            }
            records++;
            for (int i = 0; i < r.blockCount(); i++) {
                if (r.hasImage(i)) {
                    images++;
                }
            }
        }
        EndOfWal end = reader.endOfWal();
        if (endLsn != 0 && end.reason() != EndOfWal.Reason.END_LSN_REACHED) {
            throw new IllegalStateException("WAL in " + dir + " ends before " + Lsn.format(endLsn) + ": " + end);
        }
        long from = startLsn != 0 ? startLsn : firstLsn;
        long to = endLsn != 0 ? endLsn : end.lsn();
        recordsPerPass = records;
        bytesPerPass = to - from;
        System.out.printf("%nWAL %s (%s): %s..%s, %d bytes, %d records (%.1f bytes/record), %d full-page images,"
                + " %d bytes in memory%n",
            dir, range, Lsn.format(from), Lsn.format(to), bytesPerPass, recordsPerPass,
            (double) bytesPerPass / recordsPerPass, images, source.totalBytes());
    }

    private WalReader newReader(boolean verifyCrc) {
        return WalReader.builder(source).startLsn(startLsn).endLsn(endLsn).verifyCrc(verifyCrc).build();
    }

    /** One pass with CRC-32C checks, consuming each record's length and block references. */
    @Benchmark
    public long frameAndCrc(PassCounters counters) {
        return framePass(newReader(true), counters);
    }

    /** The same pass without CRC-32C checks. */
    @Benchmark
    public long frameNoCrc(PassCounters counters) {
        return framePass(newReader(false), counters);
    }

    /** The CRC-checked pass, also restoring every full-page image into one reused page. */
    @Benchmark
    public long restoreImages(PassCounters counters) {
        WalReader reader = newReader(true);
        long sum = 0;
        long n = 0;
        XLogRecordView r;
        while ((r = reader.next()) != null) {
            n++;
            sum += r.totalLength();
            for (int i = 0, c = r.blockCount(); i < c; i++) {
                sum = sum * 31 + r.relNumber(i) + r.blockNumber(i);
                if (r.hasImage(i)) {
                    images.restore(r, i, page);
                    // pd_lsn's low word and a byte from the page's end (special space or tuples).
                    sum += page[4] + page[BLCKSZ - 1];
                }
            }
        }
        return finish(n, sum, counters);
    }

    private long framePass(WalReader reader, PassCounters counters) {
        long sum = 0;
        long n = 0;
        XLogRecordView r;
        while ((r = reader.next()) != null) {
            n++;
            sum += r.totalLength();
            for (int i = 0, c = r.blockCount(); i < c; i++) {
                sum = sum * 31 + r.relNumber(i) + r.blockNumber(i);
            }
        }
        return finish(n, sum, counters);
    }

    private long finish(long records, long sum, PassCounters counters) {
        if (records != recordsPerPass) {
            throw new IllegalStateException("pass read " + records + " records, setup read " + recordsPerPass);
        }
        counters.records += records;
        counters.bytes += bytesPerPass;
        return sum;
    }
}
