package org.xlogminer.mine;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.decode.HeapRecordDecoder;
import org.xlogminer.decode.XactRecordDecoder;
import org.xlogminer.event.AsyncChangeHandler;
import org.xlogminer.event.ChangeHandler;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.TransactionInfo;
import org.xlogminer.event.Transaction;
import org.xlogminer.page.PageTracker;
import org.xlogminer.tx.TxAssembler;
import org.xlogminer.types.FormatWarnings;
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.reader.EndOfWal;
import org.xlogminer.wal.reader.ReadAheadWithoutImages;
import org.xlogminer.wal.reader.SegmentSource;
import org.xlogminer.wal.reader.WalReader;
import org.xlogminer.wal.reader.XLogRecordView;
import org.xlogminer.wal.rmgr.RecordTypeNames;

/**
 * Mines committed transactions out of WAL: the library's main entry point.
 *
 * <pre>{@code
 * CatalogSnapshot catalog = CatalogJson.read(Path.of("catalog.json"));
 * try (Miner miner = Miner.builder(DirectorySegmentSource.open(walDir), catalog)
 *         .fromLsn(Lsn.parse("0/1A000000").value())
 *         .build()) {
 *     for (Transaction tx : miner) {
 *         for (RowChange change : tx.changes()) { ... }
 *     }
 *     System.err.println(miner.summary());
 * }
 * }</pre>
 *
 * <p>Reading starts at the REDO point of the last checkpoint at or before the start LSN; records
 * before the start LSN only fill the transaction buffers. Transactions are released at their
 * commit record, in commit order, when the commit lies at or after the start LSN (and before the
 * end LSN); aborted ones only when asked. A transaction whose xid is below the checkpoint's nextXid
 * may have written before the REDO point: it is marked incomplete. Only relations in the catalog
 * (and their TOAST tables) are kept; others are counted in {@link #summary()}.
 *
 * <p>Not thread-safe: one consumer. Closing deletes spill files.
 */
public final class Miner implements Closeable, Iterable<Transaction> {

    private final SegmentSource source;
    private final CatalogSnapshot catalog;
    private final long fromLsn;
    private final long toLsn;
    private final boolean includeAborted;
    private final boolean includeSystemCatalogs;
    private final boolean values;
    private final WalReader reader;
    /** Without values, the reader runs on a thread of its own (see Builder.values); else null. */
    private final ReadAheadWithoutImages ahead;
    private final TxAssembler assembler;
    private final FormatWarnings warnings = new FormatWarnings();
    private final ToastStore toast;
    private final PageTracker pages;
    private final HeapRecordDecoder heap = new HeapRecordDecoder();
    private final XactRecordDecoder xact = new XactRecordDecoder();
    private final ArrayDeque<Transaction> ready = new ArrayDeque<>();
    private final TreeMap<String, Long> unknownRelations = new TreeMap<>();
    private final TreeMap<Long, Long> otherDatabases = new TreeMap<>();
    private long ownDatabaseRecords;
    private final long readStart;
    private RowDecoder decoder;
    private boolean clusterChecked;
    private boolean startKnown;
    private int nextXidAtStart;
    private boolean finished;
    private long recordsRead;
    private volatile long position;
    /** Counted where transactions are decoded: here, or on an AsyncChangeHandler's thread. */
    private final java.util.concurrent.atomic.AtomicLong transactionsReleased = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong rowChanges = new java.util.concurrent.atomic.AtomicLong();
    private RowDecoder besideDecoder;
    private int[] subxids = new int[64];
    private final Collector collector = new Collector();
    private ChangeHandler handler = collector;

    private Miner(Builder b) throws IOException {
        this.source = b.source;
        this.catalog = b.catalog;
        this.fromLsn = b.fromLsn;
        this.toLsn = b.toLsn;
        this.includeAborted = b.includeAborted;
        this.includeSystemCatalogs = b.includeSystemCatalogs;
        this.values = b.values;
        this.assembler = new TxAssembler(b.memoryBudget, b.spillDir);
        this.toast = new ToastStore(b.toastBudget);
        this.pages = new PageTracker(b.pageBudget, (spc, db, rel) -> {
            if (db != catalog.databaseOid()) {
                return false;
            }
            TableInfo t = catalog.tableByRelfilenode(spc, db, rel);
            return t != null && (includeSystemCatalogs || !isSystemCatalog(t));
        }, b.spillDir, b.source);
        long start = fromLsn != 0 ? fromLsn : Math.max(0, source.firstSegno()) * source.segmentSize();
        if (fromLsn != 0) {
            Checkpoints.Checkpoint c = Checkpoints.lastAtOrBefore(source, fromLsn);
            if (c != null && Long.compareUnsigned(c.redo(), fromLsn) <= 0
                && source.contains(Long.divideUnsigned(c.redo(), source.segmentSize()))) {
                start = c.redo();
                startKnown = true;
                nextXidAtStart = c.nextXid();
            }
        }
        this.readStart = start;
        this.reader = WalReader.builder(source).startLsn(start).endLsn(toLsn).build();
        this.ahead = values ? null : new ReadAheadWithoutImages(reader, countingTriage());
    }

    public static Builder builder(SegmentSource source, CatalogSnapshot catalog) {
        return new Builder(source, catalog);
    }

    /**
     * The next released transaction with its changes collected in a list, or null when the WAL (or
     * the range) is read. For transactions too big for memory use {@link #stream(ChangeHandler)}.
     *
     * @throws org.xlogminer.wal.WalException on corrupt WAL, a gap, or a catalog of another cluster
     */
    public Transaction next() {
        handler = collector;
        while (ready.isEmpty() && step()) {
            // read on until a transaction is collected
        }
        return ready.poll();
    }

    /**
     * Reads the WAL to its end (or the end LSN), handing every change to the handler as it is
     * decoded: memory stays bounded whatever the size of a transaction. Returns the summary.
     *
     * <p>Given an {@link AsyncChangeHandler}, the miner hands it small transactions that need none
     * of its own state (no TOAST, no MULTI_INSERT; see {@link AsyncChangeHandler#later}) to decode on
     * its thread, where they are then handled, in their place among the others: the two threads
     * share the decoding. The summary's counts of transactions and changes are then complete once
     * the handler has {@linkplain AsyncChangeHandler#finish() finished} (ask {@link #summary()} again).
     *
     * @throws org.xlogminer.wal.WalException on corrupt WAL, a gap, or a catalog of another cluster
     */
    public MiningSummary stream(ChangeHandler h) {
        handler = h;
        while (step()) {
            // every transaction goes to the handler
        }
        return summary();
    }

    /** Processes one record; false at the end. */
    private boolean step() {
        if (finished) {
            return false;
        }
        XLogRecordView r;
        byte[] summary = null;
        long lsn;
        long before = recordsRead;
        if (ahead != null) {
            boolean more = ahead.advance();
            recordsRead += ahead.skipped(); // records the reading thread left out count as read
            if (!more) {
                finished = true;
                return false;
            }
            summary = ahead.summary();
            r = summary == null ? ahead.view() : null;
            lsn = ahead.lsn();
        } else {
            r = reader.next();
            if (r == null) {
                finished = true;
                return false;
            }
            lsn = r.lsn();
        }
        if ((++recordsRead >>> 10) != (before >>> 10)) {
            position = lsn;
        }
        if (!clusterChecked) {
            catalog.checkMatches(ahead != null ? ahead.systemIdentifier() : reader.systemIdentifier(),
                source.segmentName(lsn / source.segmentSize()));
            decoder = new RowDecoder(catalog, ahead != null ? ahead.version() : r.version(), toast, warnings, pages,
                values);
            clusterChecked = true;
        }
        if (summary != null) {
            if (keptTable(lsn, RowDecoder.summaryTablespace(summary), RowDecoder.summaryDatabase(summary),
                RowDecoder.summaryRelNumber(summary)) != null) {
                assembler.add(ahead.xid(), lsn, ahead.endLsn(), summary);
            }
            return true;
        }
        if (xact.wrap(r)) {
            transactionEnd(r);
        } else if (heap.wrap(r)) {
            keep(r);
        } else {
            if (values) {
                pages.apply(r, heap, false); // full-page images of other records (FPI, FPI_FOR_HINT, LOCK...)
            }
            if (!startKnown) {
                Checkpoints.Checkpoint c = Checkpoints.of(r);
                if (c != null) {
                    startKnown = true;
                    nextXidAtStart = c.nextXid();
                }
            }
        }
        return true;
    }

    private void keep(XLogRecordView r) {
        if (heap.op() == HeapRecordDecoder.Op.TRUNCATE) {
            if (heap.truncateDatabase() == catalog.databaseOid()) {
                assembler.add(r.xid(), r);
            }
            return;
        }
        int b = heap.newBlockIndex();
        TableInfo table = keptTable(r.lsn(), r.tablespace(b), r.database(b), r.relNumber(b));
        if (table == null) {
            return;
        }
        // Without values, heap changes come summarised from the reading thread (countingTriage), in step()
        keepWithPageTuples(r, table);
    }

    /**
     * The table of a heap change that is kept: in the catalog's database, a table the catalog
     * knows, not a system catalog unless asked for. Changes of other databases and of unknown
     * relations are counted (within the range asked for) and not kept: null.
     */
    private TableInfo keptTable(long lsn, int spcId, int dbId, int relId) {
        long db = Integer.toUnsignedLong(dbId);
        boolean counted = Long.compareUnsigned(lsn, fromLsn) >= 0; // counts speak of the range asked for
        if (db != catalog.databaseOid()) {
            if (db != 0 && counted) {
                otherDatabases.merge(db, 1L, Long::sum);
            }
            return null;
        }
        if (counted) {
            ownDatabaseRecords++;
        }
        long spc = Integer.toUnsignedLong(spcId);
        long rel = Integer.toUnsignedLong(relId);
        TableInfo t = catalog.tableByRelfilenode(spc, db, rel);
        if (t == null) {
            if (counted) {
                unknownRelations.merge(spc + "/" + db + "/" + rel, 1L, Long::sum);
            }
            return null;
        }
        if (!includeSystemCatalogs && isSystemCatalog(t)) {
            return null;
        }
        return t;
    }

    /**
     * What the reading thread hands over when no values are decoded: a summary of each heap change
     * (RowDecoder.summary) in its record's place, transaction and checkpoint records whole, nothing
     * of the rest, which step() would pass by (no page is tracked). Runs on that thread, with a heap
     * decoder of its own.
     */
    private static ReadAheadWithoutImages.Triage countingTriage() {
        HeapRecordDecoder h = new HeapRecordDecoder();
        return r -> {
            int rmid = r.rmid();
            if (rmid == RecordTypeNames.RM_XACT_ID || rmid == RecordTypeNames.RM_XLOG_ID) {
                return null;
            }
            if ((rmid != RecordTypeNames.RM_HEAP_ID && rmid != RecordTypeNames.RM_HEAP2_ID) || !h.wrap(r)) {
                return ReadAheadWithoutImages.SKIP;
            }
            return RowDecoder.summary(r, h); // null for a TRUNCATE: the record itself
        };
    }

    /**
     * Keeps the record with what the tracked pages say that the record does not: the old row of an
     * UPDATE or DELETE (read before the record changes the page, else from its image), the new row of
     * an INSERT or UPDATE logged as an image or as a difference, MULTI_INSERT tuples an image replaced.
     * Where whole tuples hold all the change needs, a summary goes in the record's place with them
     * (RowDecoder.decoded): no copy of the record, and no second parse where it is decoded.
     */
    private void keepWithPageTuples(XLogRecordView r, TableInfo table) {
        HeapRecordDecoder.Op op = heap.op();
        boolean update = op == HeapRecordDecoder.Op.UPDATE || op == HeapRecordDecoder.Op.HOT_UPDATE;
        boolean wantOld = (update || op == HeapRecordDecoder.Op.DELETE)
            && RowDecoder.oldRowFromPage(heap);
        byte[] oldT = wantOld ? pages.tuple(r, heap.oldBlockIndex(), heap.oldOffnum()) : null;
        pages.apply(r, heap, true);
        if (wantOld && oldT == null) {
            oldT = pages.tuple(r, heap.oldBlockIndex(), heap.oldOffnum());
        }
        boolean wantNew = (update || op == HeapRecordDecoder.Op.INSERT)
            && RowDecoder.newRowFromPage(heap);
        byte[] newT = wantNew ? pages.tuple(r, heap.newBlockIndex(), heap.newOffnum()) : null;
        byte[][] multi = null;
        if (op == HeapRecordDecoder.Op.MULTI_INSERT && !heap.multiInsertHasTuples()) {
            multi = new byte[heap.count()][];
            for (int i = 0; i < multi.length; i++) {
                multi[i] = pages.tuple(r, heap.newBlockIndex(), heap.multiInsertOffnum(i));
            }
        }
        TxAssembler.StoredRecord decoded = RowDecoder.decoded(r, heap, table, oldT, newT);
        if (decoded != null) {
            assembler.add(r.xid(), decoded);
        } else {
            assembler.add(r.xid(), r, oldT, newT, multi);
        }
        if (RowDecoder.needsMinerState(table, heap, oldT, newT, multi)) {
            assembler.mark(r.xid());
        }
    }

    /** pg_catalog and information_schema tables: DDL's own row changes, noise when mining data. */
    private static boolean isSystemCatalog(TableInfo t) {
        return t.relkind() != 't' && (t.schema().equals("pg_catalog") || t.schema().equals("information_schema"));
    }

    private void transactionEnd(XLogRecordView r) {
        XactRecordDecoder.Kind kind = xact.kind();
        if (kind == XactRecordDecoder.Kind.PREPARE || kind == XactRecordDecoder.Kind.ASSIGNMENT
            || kind == XactRecordDecoder.Kind.OTHER) {
            return;
        }
        int xid = xact.xid();
        int n = xact.subxactCount();
        if (subxids.length < n) {
            subxids = new int[Math.max(n, subxids.length * 2)];
        }
        for (int i = 0; i < n; i++) {
            subxids[i] = xact.subxact(i);
        }
        boolean committed = kind == XactRecordDecoder.Kind.COMMIT || kind == XactRecordDecoder.Kind.COMMIT_PREPARED;
        boolean wanted = Long.compareUnsigned(r.lsn(), fromLsn) >= 0 && (committed || includeAborted);
        if (!wanted) {
            assembler.discard(xid, subxids, n);
            return;
        }
        try (TxAssembler.Ended ended = assembler.end(xid, subxids, n)) {
            if (ended.isEmpty()) {
                return;
            }
            boolean incomplete = !startKnown || Integer.compareUnsigned(xid, nextXidAtStart) < 0;
            TransactionInfo info = new TransactionInfo(Integer.toUnsignedLong(xid), r.lsn(), xact.xactTime(), committed,
                incomplete);
            List<TxAssembler.StoredRecord> records = values && handler instanceof AsyncChangeHandler && !ended.marked()
                ? ended.inMemory(HANDED_OVER_BYTES) : null;
            if (records != null) {
                // decoded on the handler's thread: it needs neither TOAST chunks nor pages, which change here
                RowDecoder beside = besideDecoder();
                ((AsyncChangeHandler) handler).later(h -> deliver(beside, records, info, h));
            } else {
                deliver(decoder, ended, info, handler);
            }
        }
    }

    /**
     * Transactions of at most this many bytes of records, which need nothing of this thread's state,
     * are decoded on the thread of an AsyncChangeHandler. At most {@link AsyncChangeHandler#IN_FLIGHT}
     * of them wait in its queue: together a 32nd of the heap at the most (5 kB each at the CLI's
     * 640 MB, enough for pgbench's; between 1 and 16 kB whatever the heap).
     */
    private static final long HANDED_OVER_BYTES = Math.max(1 << 10,
        Math.min(16 << 10, Runtime.getRuntime().maxMemory() / 32 / AsyncChangeHandler.IN_FLIGHT));

    /** The decoder of the AsyncChangeHandler's thread (no TOAST store, no pages), made here. */
    private RowDecoder besideDecoder() {
        if (besideDecoder == null) {
            besideDecoder = new RowDecoder(catalog, decoder.version(), null, warnings, null, true);
        }
        return besideDecoder;
    }

    private void deliver(RowDecoder with, Iterable<TxAssembler.StoredRecord> records, TransactionInfo info,
                         ChangeHandler to) {
        Delivery d = new Delivery(to, info);
        with.decode(records, info.xid(), info.commitLsn(), info.commitTime(), d);
        if (d.count > 0) {
            to.end(info);
            transactionsReleased.incrementAndGet();
            rowChanges.addAndGet(d.count);
        }
    }

    /** Begins a transaction at its first change, so that empty ones are never seen. */
    private static final class Delivery implements Consumer<RowChange> {
        private final ChangeHandler handler;
        private final TransactionInfo info;
        long count;

        Delivery(ChangeHandler handler, TransactionInfo info) {
            this.handler = handler;
            this.info = info;
        }

        @Override
        public void accept(RowChange c) {
            if (count++ == 0) {
                handler.begin(info);
            }
            handler.change(info, c);
        }
    }

    /** Collects each transaction's changes into a {@link Transaction}, for {@link #next()}. */
    private final class Collector implements ChangeHandler {
        private List<RowChange> changes;

        @Override
        public void begin(TransactionInfo tx) {
            changes = new ArrayList<>();
        }

        @Override
        public void change(TransactionInfo tx, RowChange change) {
            changes.add(change);
        }

        @Override
        public void end(TransactionInfo tx) {
            ready.add(new Transaction(tx.xid(), tx.commitLsn(), tx.commitTime(), tx.committed(), tx.incomplete(), changes));
            changes = null;
        }
    }

    /**
     * About where reading is, for progress displays: safe to read from another thread. Between
     * {@link #startPosition()} and {@link #endPosition()}.
     */
    public long position() {
        long p = position;
        return p == 0 ? readStart : p;
    }

    /** Where reading started (a checkpoint's REDO point or the start LSN). */
    public long startPosition() {
        return readStart;
    }

    /** Where reading will stop at the latest: the end LSN, else the end of the last segment present. */
    public long endPosition() {
        return toLsn != 0 ? toLsn : (source.lastSegno() + 1) * source.segmentSize();
    }

    /** What the mining saw so far: counts, relations not in the catalog, how the WAL ended. */
    public MiningSummary summary() {
        return new MiningSummary(recordsRead, transactionsReleased.get(), rowChanges.get(), readStart, Lsn.format(readStart),
            new TreeMap<>(unknownRelations), new TreeMap<>(otherDatabases), ownDatabaseRecords,
            assembler.openXids().size(), ahead != null ? ahead.endOfWal() : reader.endOfWal(), warnings.messages(),
            assembler.spills(),
            assembler.spilledBytes(), pages.trackedPages(), pages.spilledPages(), pages.imageReads());
    }

    @Override
    public Iterator<Transaction> iterator() {
        return new Iterator<>() {
            private Transaction next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    next = Miner.this.next();
                }
                return next != null;
            }

            @Override
            public Transaction next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Transaction t = next;
                next = null;
                return t;
            }
        };
    }

    /** The transactions as a sequential stream (close the miner, not the stream). */
    public Stream<Transaction> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(),
            Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** Listener form for transactions that fit in memory: each collected transaction, then the summary. */
    public MiningSummary forEachTransaction(Consumer<Transaction> listener) {
        Transaction t;
        while ((t = next()) != null) {
            listener.accept(t);
        }
        return summary();
    }

    @Override
    public void close() {
        if (ahead != null) {
            ahead.close(); // before the reader's source is closed under it
        }
        assembler.close();
        pages.close();
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Counts and findings of a mining run.
     *
     * @param unknownRelations "spc/db/relfilenode" of relations of the catalog's database that are not
     *                         in the catalog, with how many records touched them (skipped)
     * @param otherDatabases   OIDs of other databases whose row records were skipped, with counts
     * @param ownDatabaseRecords row records of the catalog's database read
     * @param openTransactions transactions with kept records that had not ended when reading stopped
     * @param trackedPages     heap pages whose tuples are tracked (old rows at wal_level=replica)
     * @param pageSpills       times a page's changed tuples went to the spill file
     * @param imageReads       reads of full-page images again from the WAL, for old rows
     */
    public record MiningSummary(long recordsRead, long transactions, long rowChanges, long readStart,
                                String readStartText, java.util.Map<String, Long> unknownRelations,
                                java.util.Map<Long, Long> otherDatabases, long ownDatabaseRecords,
                                int openTransactions, EndOfWal endOfWal, List<String> warnings, int spills,
                                long spilledBytes, int trackedPages, long pageSpills, long imageReads) {
    }

    /** Options of a mining run. */
    public static final class Builder {
        private final SegmentSource source;
        private final CatalogSnapshot catalog;
        private long fromLsn;
        private long toLsn;
        private boolean includeAborted;
        private boolean includeSystemCatalogs;
        private boolean values = true;
        /**
         * Defaults, as shares of the heap so that a small heap works: an eighth for open transactions'
         * records (at most 256 MB), an eighth for tracked pages (at most 512 MB), a sixteenth for TOAST
         * chunks (at most 256 MB); the rest is the working set.
         */
        private long memoryBudget = Math.min(TxAssembler.DEFAULT_MEMORY_BUDGET, Runtime.getRuntime().maxMemory() / 8);
        private long toastBudget = Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 16);
        private long pageBudget = Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 8);
        private Path spillDir = Path.of(System.getProperty("java.io.tmpdir"));

        private Builder(SegmentSource source, CatalogSnapshot catalog) {
            this.source = source;
            this.catalog = catalog;
        }

        /** Release transactions that commit at or after this LSN (0: from the start of the WAL). */
        public Builder fromLsn(long lsn) {
            this.fromLsn = lsn;
            return this;
        }

        /** Read only records that start before this LSN (0: to the end of valid WAL). */
        public Builder toLsn(long lsn) {
            this.toLsn = lsn;
            return this;
        }

        /** Release aborted transactions too, marked not committed. */
        public Builder includeAborted(boolean include) {
            this.includeAborted = include;
            return this;
        }

        /** Mine the system catalogs' own rows too (pg_catalog, information_schema): what DDL did. */
        public Builder includeSystemCatalogs(boolean include) {
            this.includeSystemCatalogs = include;
            return this;
        }

        /**
         * Whether to decode the rows' values (default true). Without, every change still comes with
         * its table, operation, ctids, LSNs and transaction, but its rows have no columns: for
         * counting changes (as {@code xlogminer stats} does) it is several times faster, as no page
         * is tracked and no tuple decoded. The WAL is then also read (pages, CRCs, framing) on a
         * second thread, with {@link ReadAheadWithoutImages}: the source is that thread's until
         * {@link #close()}.
         */
        public Builder values(boolean decode) {
            this.values = decode;
            return this;
        }

        /** Bytes of open transactions' records kept in memory before spilling to disk. */
        public Builder memoryBudget(long bytes) {
            this.memoryBudget = bytes;
            return this;
        }

        /** Bytes of TOAST chunks kept for values that later rows point at. */
        public Builder toastBudget(long bytes) {
            this.toastBudget = bytes;
            return this;
        }

        /** Bytes of tracked page tuples (old rows at wal_level=replica) in memory before the least recently used spill. */
        public Builder pageBudget(long bytes) {
            this.pageBudget = bytes;
            return this;
        }

        public Builder spillDir(Path dir) {
            this.spillDir = dir;
            return this;
        }

        public Miner build() {
            try {
                return new Miner(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
