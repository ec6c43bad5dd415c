package org.xlogminer.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
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
import org.xlogminer.decode.HeapRecordDecoder;
import org.xlogminer.decode.TupleRef;
import org.xlogminer.decode.XactRecordDecoder;
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.WalVersion;
import org.xlogminer.wal.reader.EndOfWal;
import org.xlogminer.wal.reader.MemorySegmentSource;
import org.xlogminer.wal.reader.WalReader;
import org.xlogminer.wal.reader.XLogRecordView;
import org.xlogminer.wal.rmgr.RecordTypeNames;

/**
 * Throughput of record decoding per resource manager over real WAL: {@link HeapRecordDecoder} on
 * every Heap and Heap2 record, {@link XactRecordDecoder} on every Transaction record. At setup the
 * WAL is framed once and those records copied out ({@link XLogRecordView#copyBytes()}), so that
 * one operation is one pass over the copies without framing or CRC (which
 * {@link RecordReaderBenchmark} measures): per record, {@link XLogRecordView#wrapCopy} (the
 * fragment headers and block references again, as the miner's {@code RowDecoder} does for the
 * records it kept) and the decoder.
 *
 * <ul>
 *   <li>{@link #heap}: {@code HeapRecordDecoder.wrap}, then its op, flags, block indexes and block
 *       numbers, offset numbers, both tuple refs, prefix and suffix lengths; every tuple of a
 *       MULTI_INSERT ({@code nextTuple}) and every relation of a TRUNCATE;</li>
 *   <li>{@link #xact}: {@code XactRecordDecoder.wrap}, then its kind, xid, database, subtransactions
 *       and {@code xactTime()} (an {@code Instant}, as the miner asks for it);</li>
 *   <li>{@link #heapViewOnly}, {@link #xactViewOnly}: the same passes with {@code wrapCopy} alone, so
 *       that the decoders' own cost is the difference.</li>
 * </ul>
 *
 * <p>Heap and Heap2 records that change no rows (LOCK, PRUNE, …) are kept too: the
 * decoder is asked about them and says no, as in the miner. The {@link DecodeCounters} report
 * records/s. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is bytes per pass; divide by the
 * records of a pass (printed at setup) for bytes per record. {@code wrapCopy} wraps each record's
 * array in a new {@code ByteBuffer}, so the view-only passes show what the harness allocates.
 * {@code -p walDir=DIR} and {@code -p range=all|run} as for {@link RecordReaderBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class RecordDecodeBenchmark {

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

    private WalVersion version;
    private Records heapRecords;
    private Records xactRecords;

    private final XLogRecordView view = new XLogRecordView();
    private final HeapRecordDecoder heapDecoder = new HeapRecordDecoder();
    private final XactRecordDecoder xactDecoder = new XactRecordDecoder();

    /** Per-thread counters JMH reports as rates: {@code records} decoded per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class DecodeCounters {
        public long records;

        @Setup(Level.Iteration)
        public void reset() {
            records = 0;
        }
    }

    /** Copies of whole records with their LSNs, in WAL order. */
    private static final class Records {
        private byte[][] bytes = new byte[1024][];
        private long[] lsn = new long[1024];
        private long[] endLsn = new long[1024];
        private int count;
        private long totalBytes;

        void add(XLogRecordView r) {
            if (count == bytes.length) {
                bytes = Arrays.copyOf(bytes, count * 2);
                lsn = Arrays.copyOf(lsn, count * 2);
                endLsn = Arrays.copyOf(endLsn, count * 2);
            }
            bytes[count] = r.copyBytes();
            lsn[count] = r.lsn();
            endLsn[count] = r.endLsn();
            totalBytes += bytes[count].length;
            count++;
        }
    }

    @Setup(Level.Trial)
    public void load() throws IOException {
        Path dir = RangeFile.walDir(walDir, "bench/make-pgbench-wal.sh");
        long startLsn = 0;
        long endLsn = 0;
        if (java.nio.file.Files.isRegularFile(dir.resolve("range.txt"))) {
            long[] r = RangeFile.range(dir, RangeFile.startKey(range));
            startLsn = r[0];
            endLsn = r[1];
        } else if (!range.equals("all")) {
            throw new IllegalStateException("-p range=" + range + " needs " + dir.resolve("range.txt"));
        }
        MemorySegmentSource source = MemorySegmentSource.load(dir);
        heapRecords = new Records();
        xactRecords = new Records();
        long records = 0;
        long rowChanges = 0;
        long multiInsertTuples = 0;
        long subxacts = 0;
        long[] ops = new long[HeapRecordDecoder.Op.values().length];
        long[] kinds = new long[XactRecordDecoder.Kind.values().length];
        long firstLsn = -1;
        EndOfWal end;
        try (WalReader reader = WalReader.builder(source).startLsn(startLsn).endLsn(endLsn).build()) {
            XLogRecordView r;
            while ((r = reader.next()) != null) {
                if (firstLsn < 0) {
                    firstLsn = r.lsn();
                }
                records++;
                int rmid = r.rmid();
                if (rmid == RecordTypeNames.RM_HEAP_ID || rmid == RecordTypeNames.RM_HEAP2_ID) {
                    heapRecords.add(r);
                    if (heapDecoder.wrap(r)) {
                        rowChanges++;
                        ops[heapDecoder.op().ordinal()]++;
                        while (heapDecoder.nextTuple()) {
                            multiInsertTuples++;
                        }
                    }
                } else if (xactDecoder.wrap(r)) {
                    xactRecords.add(r);
                    kinds[xactDecoder.kind().ordinal()]++;
                    subxacts += xactDecoder.subxactCount();
                }
            }
            end = reader.endOfWal();
            version = reader.version();
        }
        if (endLsn != 0 && end.reason() != EndOfWal.Reason.END_LSN_REACHED) {
            throw new IllegalStateException("WAL in " + dir + " ends before " + Lsn.format(endLsn) + ": " + end);
        }
        long from = startLsn != 0 ? startLsn : firstLsn;
        long to = endLsn != 0 ? endLsn : end.lsn();
        StringBuilder opText = new StringBuilder();
        for (HeapRecordDecoder.Op op : HeapRecordDecoder.Op.values()) {
            if (ops[op.ordinal()] > 0) {
                opText.append(' ').append(op).append('=').append(ops[op.ordinal()]);
            }
        }
        StringBuilder kindText = new StringBuilder();
        for (XactRecordDecoder.Kind kind : XactRecordDecoder.Kind.values()) {
            if (kinds[kind.ordinal()] > 0) {
                kindText.append(' ').append(kind).append('=').append(kinds[kind.ordinal()]);
            }
        }
        System.out.printf("%nWAL %s (%s): %s..%s, %d records; heap pass: %d Heap/Heap2 records (%d bytes, %.1f"
                + " bytes/record), %d that change rows:%s, %d multi-insert tuples; xact pass: %d Transaction records"
                + " (%d bytes):%s, %d subxacts%n",
            dir, range, Lsn.format(from), Lsn.format(to), records, heapRecords.count, heapRecords.totalBytes,
            (double) heapRecords.totalBytes / heapRecords.count, rowChanges, opText, multiInsertTuples,
            xactRecords.count, xactRecords.totalBytes, kindText, subxacts);
        if (heapRecords.count == 0 || xactRecords.count == 0) {
            throw new IllegalStateException("no Heap or no Transaction records in " + dir + " (" + range + ")");
        }
    }

    /** Wraps every Heap/Heap2 record and reads what {@link HeapRecordDecoder} exposes. */
    @Benchmark
    public long heap(DecodeCounters counters) {
        Records rs = heapRecords;
        XLogRecordView r = view;
        HeapRecordDecoder h = heapDecoder;
        long sum = 0;
        for (int i = 0, n = rs.count; i < n; i++) {
            r.wrapCopy(rs.bytes[i], rs.lsn[i], rs.endLsn[i], version);
            if (!h.wrap(r)) {
                sum++;
                continue;
            }
            HeapRecordDecoder.Op op = h.op();
            sum = sum * 31 + op.ordinal() + h.flags();
            if (op == HeapRecordDecoder.Op.TRUNCATE) {
                sum += h.truncateDatabase();
                for (int t = 0, c = h.count(); t < c; t++) {
                    sum = sum * 31 + h.truncatedRelid(t);
                }
                continue;
            }
            int nb = h.newBlockIndex();
            int ob = h.oldBlockIndex();
            sum = sum * 31 + r.blockNumber(nb) + r.blockNumber(ob) + h.newOffnum() + h.oldOffnum();
            sum = sum * 31 + h.prefixLength() + h.suffixLength() + (h.oldTupleIsKeyOnly() ? 1 : 0);
            sum = fold(sum, h.newTuple());
            sum = fold(sum, h.oldTuple());
            if (op == HeapRecordDecoder.Op.MULTI_INSERT) {
                while (h.nextTuple()) {
                    sum = fold(sum * 31 + h.newOffnum(), h.newTuple());
                }
            }
        }
        return finish(rs, sum, counters);
    }

    /** Wraps every Transaction record and reads its kind, xid, time and subtransactions. */
    @Benchmark
    public long xact(DecodeCounters counters) {
        Records rs = xactRecords;
        XLogRecordView r = view;
        XactRecordDecoder x = xactDecoder;
        long sum = 0;
        for (int i = 0, n = rs.count; i < n; i++) {
            r.wrapCopy(rs.bytes[i], rs.lsn[i], rs.endLsn[i], version);
            if (!x.wrap(r)) {
                throw new IllegalStateException("not a Transaction record at " + Lsn.format(rs.lsn[i]));
            }
            Instant time = x.xactTime();
            sum = sum * 31 + x.kind().ordinal() + x.xid() + x.databaseOid();
            sum = sum * 31 + time.getEpochSecond() + time.getNano();
            for (int s = 0, c = x.subxactCount(); s < c; s++) {
                sum = sum * 31 + x.subxact(s);
            }
        }
        return finish(rs, sum, counters);
    }

    /** The {@link #heap} pass with {@code wrapCopy} alone: the harness's share. */
    @Benchmark
    public long heapViewOnly(DecodeCounters counters) {
        return viewOnly(heapRecords, counters);
    }

    /** The {@link #xact} pass with {@code wrapCopy} alone: the harness's share. */
    @Benchmark
    public long xactViewOnly(DecodeCounters counters) {
        return viewOnly(xactRecords, counters);
    }

    private long viewOnly(Records rs, DecodeCounters counters) {
        XLogRecordView r = view;
        long sum = 0;
        for (int i = 0, n = rs.count; i < n; i++) {
            r.wrapCopy(rs.bytes[i], rs.lsn[i], rs.endLsn[i], version);
            sum = sum * 31 + r.rmid() + r.info() + r.blockCount() + r.mainDataLength();
        }
        return finish(rs, sum, counters);
    }

    private static long fold(long sum, TupleRef t) {
        if (!t.present()) {
            return sum * 31;
        }
        return sum * 31 + t.offset() + t.length() + t.infomask2() + t.infomask() + t.hoff();
    }

    private static long finish(Records rs, long sum, DecodeCounters counters) {
        counters.records += rs.count;
        return sum;
    }
}
