package org.xlogminer.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.xlogminer.catalog.CatalogJson;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.decode.HeapRecordDecoder;
import org.xlogminer.decode.TupleRef;
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.reader.EndOfWal;
import org.xlogminer.wal.reader.MemorySegmentSource;
import org.xlogminer.wal.reader.WalReader;
import org.xlogminer.wal.reader.XLogRecordView;

/**
 * The old and new tuples of every Heap UPDATE and HOT_UPDATE of one table, read once from real WAL
 * made by {@code bench/make-pgbench-logical-wal.sh} (wal_level=logical, REPLICA IDENTITY FULL, so
 * both tuples are logged whole) and copied out of the reader's buffers, so that the benchmarks
 * measure tuple decoding and rendering alone, not WAL reading.
 *
 * <p>Tuple {@code 2k} is the old row of update {@code k}, tuple {@code 2k + 1} its new row. All
 * tuple bytes lie in one little-endian {@link #buffer()}; per tuple, {@link #offset(int)} is where
 * its bytes from the tuple header's byte 23 on (null bitmap, padding, data) start, as
 * {@link TupleRef#offset()} is. Immutable after {@link #load}; the buffer is shared, read with
 * absolute gets only.
 */
final class UpdatedTuples {

    private final Path dir;
    private final CatalogSnapshot catalog;
    private final TableInfo table;
    private final MemorySegmentSource source;
    private final long startLsn;
    private final long endLsn;
    private final ByteBuffer buffer;
    private final int tupleCount;
    private final int[] offset;
    private final int[] length;
    private final int[] infomask2;
    private final int[] infomask;
    private final int[] hoff;
    private final long[] lsn;
    private final long[] xid;
    private final String[] oldCtid;
    private final String[] newCtid;
    private final int hotUpdates;

    private UpdatedTuples(Path dir, CatalogSnapshot catalog, TableInfo table, MemorySegmentSource source, long startLsn,
                          long endLsn, Collector c) {
        this.dir = dir;
        this.catalog = catalog;
        this.table = table;
        this.source = source;
        this.startLsn = startLsn;
        this.endLsn = endLsn;
        this.buffer = ByteBuffer.wrap(Arrays.copyOf(c.bytes, c.used)).order(ByteOrder.LITTLE_ENDIAN);
        this.tupleCount = c.tuples;
        this.offset = Arrays.copyOf(c.offset, c.tuples);
        this.length = Arrays.copyOf(c.length, c.tuples);
        this.infomask2 = Arrays.copyOf(c.infomask2, c.tuples);
        this.infomask = Arrays.copyOf(c.infomask, c.tuples);
        this.hoff = Arrays.copyOf(c.hoff, c.tuples);
        int updates = c.tuples / 2;
        this.lsn = Arrays.copyOf(c.lsn, updates);
        this.xid = Arrays.copyOf(c.xid, updates);
        this.oldCtid = Arrays.copyOf(c.oldCtid, updates);
        this.newCtid = Arrays.copyOf(c.newCtid, updates);
        this.hotUpdates = c.hot;
    }

    /** The WAL, catalog and range of a directory made by make-pgbench-logical-wal.sh, at either wal_level. */
    record Wal(Path dir, CatalogSnapshot catalog, MemorySegmentSource source, long startLsn, long endLsn) {
    }

    /** Loads a directory's range, catalog and segments (into memory), without looking at the records. */
    static Wal loadWal(String walDir) throws IOException {
        Path dir = RangeFile.walDir(walDir, "bench/make-pgbench-logical-wal.sh");
        Path catalogFile = dir.resolve("catalog.json");
        if (!Files.isRegularFile(dir.resolve("range.txt")) || !Files.isRegularFile(catalogFile)) {
            throw new IllegalStateException("no range.txt and catalog.json in " + dir
                + ": run bench/make-pgbench-logical-wal.sh first, or pass -p walDir=DIR");
        }
        long[] range = RangeFile.range(dir, "start_lsn");
        long start = range[0];
        long end = range[1];
        return new Wal(dir, CatalogJson.read(catalogFile), MemorySegmentSource.load(dir), start, end);
    }

    /**
     * Reads the WAL in {@code walDir} over {@code start_lsn..end_lsn} of its {@code range.txt}, with
     * the catalog snapshot in its {@code catalog.json}, and keeps the update tuples of the table.
     *
     * @param walDir         relative to the repository root unless absolute
     * @param qualifiedTable "schema.name", as {@link TableInfo#qualifiedName()}
     * @throws IllegalStateException when the directory, its files or the table are missing, or an
     *                               update of the table lacks a whole old or new tuple
     */
    static UpdatedTuples load(String walDir, String qualifiedTable) throws IOException {
        Wal wal = loadWal(walDir);
        Path dir = wal.dir();
        long start = wal.startLsn();
        long end = wal.endLsn();
        Path catalogFile = dir.resolve("catalog.json");
        CatalogSnapshot catalog = wal.catalog();
        TableInfo table = catalog.table(qualifiedTable);
        if (table == null) {
            throw new IllegalStateException("table " + qualifiedTable + " is not in " + catalogFile);
        }
        MemorySegmentSource source = wal.source();
        Collector c = new Collector();
        HeapRecordDecoder heap = new HeapRecordDecoder();
        try (WalReader reader = WalReader.builder(source).startLsn(start).endLsn(end).build()) {
            XLogRecordView r;
            while ((r = reader.next()) != null) {
                if (!heap.wrap(r)) {
                    continue;
                }
                HeapRecordDecoder.Op op = heap.op();
                if (op != HeapRecordDecoder.Op.UPDATE && op != HeapRecordDecoder.Op.HOT_UPDATE) {
                    continue;
                }
                int b = heap.newBlockIndex();
                TableInfo t = catalog.tableByRelfilenode(Integer.toUnsignedLong(r.tablespace(b)),
                    Integer.toUnsignedLong(r.database(b)), Integer.toUnsignedLong(r.relNumber(b)));
                if (t == null || t.oid() != table.oid()) {
                    continue;
                }
                if (!heap.oldTuple().present() || heap.oldTupleIsKeyOnly() || !heap.newTuple().present()
                    || heap.prefixLength() + heap.suffixLength() > 0) {
                    throw new IllegalStateException("update at " + Lsn.format(r.lsn()) + " of " + qualifiedTable
                        + " does not log both rows whole: is the WAL from wal_level=logical with REPLICA IDENTITY FULL?");
                }
                c.add(heap.oldTuple());
                c.add(heap.newTuple());
                c.update(r.lsn(), r.xidUnsigned(), ctid(r.blockNumber(heap.oldBlockIndex()), heap.oldOffnum()),
                    ctid(r.blockNumber(b), heap.newOffnum()), op == HeapRecordDecoder.Op.HOT_UPDATE);
            }
            EndOfWal eow = reader.endOfWal();
            if (eow.reason() != EndOfWal.Reason.END_LSN_REACHED) {
                throw new IllegalStateException("WAL in " + dir + " ends before " + Lsn.format(end) + ": " + eow);
            }
        }
        if (c.tuples == 0) {
            throw new IllegalStateException("no update of " + qualifiedTable + " in " + dir);
        }
        return new UpdatedTuples(dir, catalog, table, source, start, end, c);
    }

    private static String ctid(long block, int offnum) {
        return "(" + block + "," + offnum + ")";
    }

    Path dir() {
        return dir;
    }

    CatalogSnapshot catalog() {
        return catalog;
    }

    TableInfo table() {
        return table;
    }

    /** The whole WAL directory, in memory. */
    MemorySegmentSource source() {
        return source;
    }

    long startLsn() {
        return startLsn;
    }

    long endLsn() {
        return endLsn;
    }

    ByteBuffer buffer() {
        return buffer;
    }

    /** Old and new tuples: twice {@link #updateCount()}. */
    int tupleCount() {
        return tupleCount;
    }

    int updateCount() {
        return tupleCount / 2;
    }

    int hotUpdateCount() {
        return hotUpdates;
    }

    /** Sum of the tuples' lengths (from byte 23 of their headers on). */
    long tupleBytes() {
        long sum = 0;
        for (int n : length) {
            sum += n;
        }
        return sum;
    }

    int offset(int tuple) {
        return offset[tuple];
    }

    int length(int tuple) {
        return length[tuple];
    }

    int infomask2(int tuple) {
        return infomask2[tuple];
    }

    int infomask(int tuple) {
        return infomask[tuple];
    }

    int hoff(int tuple) {
        return hoff[tuple];
    }

    /** LSN of update {@code k}'s record. */
    long lsn(int update) {
        return lsn[update];
    }

    long xid(int update) {
        return xid[update];
    }

    String oldCtid(int update) {
        return oldCtid[update];
    }

    String newCtid(int update) {
        return newCtid[update];
    }

    /** What {@link #load} gathers, in growable arrays. */
    private static final class Collector {
        byte[] bytes = new byte[1 << 20];
        int used;
        int tuples;
        int hot;
        int[] offset = new int[1024];
        int[] length = new int[1024];
        int[] infomask2 = new int[1024];
        int[] infomask = new int[1024];
        int[] hoff = new int[1024];
        long[] lsn = new long[512];
        long[] xid = new long[512];
        String[] oldCtid = new String[512];
        String[] newCtid = new String[512];

        void add(TupleRef t) {
            if (tuples == offset.length) {
                int n = tuples * 2;
                offset = Arrays.copyOf(offset, n);
                length = Arrays.copyOf(length, n);
                infomask2 = Arrays.copyOf(infomask2, n);
                infomask = Arrays.copyOf(infomask, n);
                hoff = Arrays.copyOf(hoff, n);
            }
            int len = t.length();
            if (used + len > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, used + len));
            }
            t.buffer().get(t.offset(), bytes, used, len);
            offset[tuples] = used;
            length[tuples] = len;
            infomask2[tuples] = t.infomask2();
            infomask[tuples] = t.infomask();
            hoff[tuples] = t.hoff();
            used += len;
            tuples++;
        }

        void update(long recordLsn, long recordXid, String oldTid, String newTid, boolean isHot) {
            int k = tuples / 2 - 1;
            if (k == lsn.length) {
                int n = k * 2;
                lsn = Arrays.copyOf(lsn, n);
                xid = Arrays.copyOf(xid, n);
                oldCtid = Arrays.copyOf(oldCtid, n);
                newCtid = Arrays.copyOf(newCtid, n);
            }
            lsn[k] = recordLsn;
            xid[k] = recordXid;
            oldCtid[k] = oldTid;
            newCtid[k] = newTid;
            if (isHot) {
                hot++;
            }
        }
    }
}
