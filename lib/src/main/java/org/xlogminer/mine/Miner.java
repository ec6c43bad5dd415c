package org.xlogminer.mine;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.timeline.CatalogTimeline;
import org.xlogminer.event.AsyncChangeHandler;
import org.xlogminer.event.ChangeHandler;
import org.xlogminer.event.Transaction;
import org.xlogminer.page.PageTracker;
import org.xlogminer.tx.TxAssembler;
import org.xlogminer.types.FormatWarnings;
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.WalVersion;
import org.xlogminer.wal.reader.EndOfWal;
import org.xlogminer.wal.reader.ReadAheadWithoutImages;
import org.xlogminer.wal.reader.SegmentSource;
import org.xlogminer.wal.reader.WalReader;
import org.xlogminer.wal.reader.XLogRecordView;

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
 * <p>The rooms: this class reads the records and hands each to its handler, chosen by resource
 * manager and record type from one table ({@code RecordHandlers}: heap row changes, ends of
 * transactions, checkpoints; a handler that only applies full-page images for the rest). Which
 * relations are kept is {@code KeptRelations}' choice; how ended transactions are decoded and reach
 * the {@link ChangeHandler}, {@code TransactionRelease}'s.
 *
 * <p>Not thread-safe: one consumer. Closing deletes spill files.
 */
public final class Miner implements Closeable, Iterable<Transaction> {

    private final SegmentSource source;
    private final CatalogSnapshot catalog;
    private final long toLsn;
    private final boolean values;
    private final WalReader reader;
    /** Without values, the reader runs on a thread of its own (see MinerBuilder.values); else null. */
    private final ReadAheadWithoutImages ahead;
    /** A second source of the WAL given (closed with the miner): without values, images are read again from it. */
    private final SegmentSource rereadSource;
    private final TxAssembler assembler;
    private final FormatWarnings warnings = new FormatWarnings();
    private final ToastStore toast;
    private final PageTracker pages;
    private final KeptRelations relations;
    /**
     * The catalog as of the record being decoded, moved along the WAL by the followed system
     * catalogs' rows, which are decoded even without values (only theirs).
     */
    private final FollowedCatalog followed;
    private final TransactionRelease release;
    private final Collector collector = new Collector();
    /** What the record handlers work on. */
    private final MiningState state;
    private final long readStart;
    private boolean clusterChecked;
    private boolean finished;
    private long recordsRead;
    private volatile long position;

    Miner(MinerBuilder b) throws IOException {
        this.source = b.source;
        this.catalog = b.catalog;
        this.toLsn = b.toLsn;
        this.values = b.values;
        this.assembler = new TxAssembler(b.memoryBudget, b.spillDir);
        this.toast = new ToastStore(b.toastBudget);
        // followed with or without values: rows are named under the catalog as of their LSN either way
        this.followed = FollowedCatalog.from(catalog, !b.includeSystemCatalogs);
        followed.takeOverAt(b.laterCatalogs);
        this.relations = new KeptRelations(followed, b.fromLsn, b.includeSystemCatalogs, true, values);
        // without values the reading thread owns the source: images are read again from a second one
        this.pages = new PageTracker(b.pageBudget, relations::tracked, b.spillDir, values ? b.source : b.rereadSource);
        this.rereadSource = b.rereadSource;
        this.release = new TransactionRelease(warnings, values, b.includeSystemCatalogs);
        this.state = new MiningState(values, b.fromLsn, b.includeAborted, pages, assembler, relations, release);
        long start = b.fromLsn != 0 ? b.fromLsn : Math.max(0, source.firstSegno()) * source.segmentSize();
        if (b.fromLsn != 0) {
            Checkpoints.Checkpoint c = b.startCheckpoint != null ? b.startCheckpoint
                : Checkpoints.lastAtOrBefore(source, b.fromLsn);
            if (c != null && Long.compareUnsigned(c.redo(), b.fromLsn) <= 0
                && source.contains(Long.divideUnsigned(c.redo(), source.segmentSize()))) {
                start = c.redo();
                state.startAt(c);
            }
        }
        this.readStart = start;
        this.reader = WalReader.builder(source).startLsn(start).endLsn(toLsn).build();
        if (values) {
            this.ahead = null;
        } else {
            List<CatalogSnapshot> snapshots = new java.util.ArrayList<>(List.of(catalog));
            snapshots.addAll(b.laterCatalogs);
            this.ahead = new ReadAheadWithoutImages(reader, new CountingTriage(snapshots));
        }
    }

    public static MinerBuilder builder(SegmentSource source, CatalogSnapshot catalog) {
        return new MinerBuilder(source, catalog);
    }

    /**
     * The next released transaction with its changes collected in a list, or null when the WAL (or
     * the range) is read. For transactions too big for memory use {@link #stream(ChangeHandler)}.
     *
     * @throws org.xlogminer.wal.WalException on corrupt WAL, a gap, or a catalog of another cluster
     */
    public Transaction next() {
        release.to(collector);
        while (collector.isEmpty() && step()) {
            // read on until a transaction is collected
        }
        return collector.poll();
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
        release.to(h);
        while (step()) {
            // every transaction goes to the handler
        }
        return summary();
    }

    /**
     * Processes one record: hands it to its {@linkplain RecordHandlers handler}, or, without values,
     * keeps the summary the reading thread made of it. False at the end.
     */
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
            checkCluster(lsn, ahead != null ? ahead.version() : r.version());
        }
        if (summary != null) {
            HeapHandlers.summarised(state, lsn, ahead.xid(), ahead.endLsn(), summary);
        } else {
            RecordHandlers.handle(state, r);
        }
        return true;
    }

    /** At the first record: the WAL must be of the catalog's cluster; its version chooses the decoding. */
    private void checkCluster(long lsn, WalVersion version) {
        catalog.checkMatches(ahead != null ? ahead.systemIdentifier() : reader.systemIdentifier(),
            source.segmentName(lsn / source.segmentSize()));
        release.decodeWith(new RowDecoder(followed, version, toast, warnings, pages, values));
        clusterChecked = true;
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

    /**
     * For a source that grows (a replication stream, {@link SegmentSource#receivedEnd()}): after
     * {@link #stream(ChangeHandler)} or {@link #next()} came to the end of what had arrived, reads
     * on from there at the next call. False when reading ended for another reason (the end LSN, or
     * WAL that ends: see {@link #endOfWal()}), which stays.
     */
    public boolean resume() {
        if (ahead != null || !reader.resume()) {
            return false;
        }
        finished = false;
        return true;
    }

    /** Why reading ended, once it has; null before. */
    public EndOfWal endOfWal() {
        return ahead != null ? ahead.endOfWal() : reader.endOfWal();
    }

    /**
     * The REDO point of the last checkpoint read (or started at), 0 when none is known: a later
     * run over WAL from there, with a {@linkplain MinerBuilder#fromLsn start LSN} past the last commit
     * handled, releases the same transactions after it, whole. What a follower keeps on the server.
     * Read it on the mining thread, e.g. in {@link ChangeHandler#end}.
     */
    public long restartLsn() {
        Checkpoints.Checkpoint c = state.checkpoint();
        return c == null ? 0 : c.redo();
    }

    /**
     * The last checkpoint read (or started at), null when none is known. One whose REDO point is
     * its own LSN was written with nothing between: a shutdown checkpoint (or an idle one).
     */
    public Checkpoints.Checkpoint lastCheckpoint() {
        return state.checkpoint();
    }

    /**
     * The catalog as of every LSN read so far (the start catalog, each later one that took over, and
     * the schema changes committed after each).
     * Its {@linkplain CatalogTimeline#newest() newest} state is the database as the WAL read leaves it.
     */
    public CatalogTimeline catalogTimeline() {
        return followed.timeline();
    }

    /**
     * Whether no transaction has a record kept (of the catalog's database, or of its system
     * catalogs when followed): then every transaction that ends after the last record read lies
     * whole after it. Cheap; read it on the mining thread.
     */
    public boolean nothingOpen() {
        return assembler.openCount() == 0;
    }

    /**
     * Where the next record starts: every record before it has been read and handled. Ask it
     * between records (after {@link #stream(ChangeHandler)} returned); 0 when the WAL is read on a
     * thread of its own ({@link MinerBuilder#values values(false)}).
     */
    public long readTo() {
        return ahead != null ? 0 : reader.nextRecordLsn();
    }

    /** What the mining saw so far: counts, relations not in the catalog, how the WAL ended. */
    public MiningSummary summary() {
        return new MiningSummary(recordsRead, release.transactions(), release.rowChanges(), readStart,
            Lsn.format(readStart), relations.unknownRelations(), relations.otherDatabases(),
            relations.ownDatabaseRecords(), assembler.openXids().size(),
            ahead != null ? ahead.endOfWal() : reader.endOfWal(), warnings.messages(), assembler.spills(),
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
            if (rereadSource != null) {
                rereadSource.close();
            }
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
                                String readStartText, Map<String, Long> unknownRelations,
                                Map<Long, Long> otherDatabases, long ownDatabaseRecords,
                                int openTransactions, EndOfWal endOfWal, List<String> warnings, int spills,
                                long spilledBytes, int trackedPages, long pageSpills, long imageReads) {
    }
}
