package org.xlogminer.mine;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.event.AsyncChangeHandler;
import org.xlogminer.event.ChangeHandler;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.SchemaChange;
import org.xlogminer.event.Source;
import org.xlogminer.event.TableName;
import org.xlogminer.event.TransactionInfo;
import org.xlogminer.tx.TxAssembler;
import org.xlogminer.types.FormatWarnings;

/**
 * Releases ended transactions: decodes their records into changes and hands those to the current
 * {@link ChangeHandler}, a transaction without changes not at all. Given an
 * {@link AsyncChangeHandler}, a small transaction that needs none of the mining thread's state (no
 * TOAST, no pages; not {@linkplain TxAssembler#mark marked}) is decoded on the handler's thread, in
 * its place among the others, so that the two threads share the decoding. Counts the transactions
 * and changes released.
 *
 * <p>{@link #release} is called on the mining thread; the counts are safe to read from any thread
 * (complete once an AsyncChangeHandler has finished).
 */
final class TransactionRelease {

    /**
     * Transactions of at most this many bytes of records, which need nothing of this thread's state,
     * are decoded on the thread of an AsyncChangeHandler. At most {@link AsyncChangeHandler#IN_FLIGHT}
     * of them wait in its queue: together a 32nd of the heap at the most (5 kB each at the CLI's
     * 640 MB, enough for pgbench's; between 1 and 16 kB whatever the heap).
     */
    private static final long HANDED_OVER_BYTES = Math.max(1 << 10,
        Math.min(16 << 10, Runtime.getRuntime().maxMemory() / 32 / AsyncChangeHandler.IN_FLIGHT));

    private final FormatWarnings warnings;
    private final boolean values;
    /** Whether the followed catalogs' own row changes go to the handler too (else they only move the catalog). */
    private final boolean includeSystemCatalogs;
    private ChangeHandler handler;
    private RowDecoder decoder;
    private RowDecoder besideDecoder;
    /** The catalog state {@link #besideDecoder} decodes under. */
    private CatalogSnapshot besideCatalog;
    /** Counted where transactions are decoded: here, or on an AsyncChangeHandler's thread. */
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong rowChanges = new AtomicLong();

    TransactionRelease(FormatWarnings warnings, boolean values, boolean includeSystemCatalogs) {
        this.warnings = warnings;
        this.values = values;
        this.includeSystemCatalogs = includeSystemCatalogs;
    }

    /** The decoder of this thread, made once the WAL's version is known (before any release). */
    void decodeWith(RowDecoder decoder) {
        this.decoder = decoder;
    }

    /** Where the changes of the transactions released from now on go. */
    void to(ChangeHandler handler) {
        this.handler = handler;
    }

    /**
     * Decodes and hands over the records of a transaction that ended, non-empty; {@code info} says how.
     * {@code movesCatalog}: it changed a followed catalog (it is then {@linkplain TxAssembler#mark
     * marked}, so decoded here), and when committed its catalog changes move the decoder's catalog.
     */
    void release(TxAssembler.Ended ended, TransactionInfo info, boolean movesCatalog) {
        if (decoder.catalog().passing(info.commitLsn())) {
            decoder = decoder.current(); // a later snapshot took over: formatters chosen again
        }
        var records = values && handler instanceof AsyncChangeHandler && !ended.marked()
            ? ended.inMemory(HANDED_OVER_BYTES) : null;
        if (records != null) {
            // decoded on the handler's thread: it needs neither TOAST chunks nor pages, which change here
            RowDecoder beside = besideDecoder();
            ((AsyncChangeHandler) handler).later(h -> deliver(beside, records, info, h, null));
        } else {
            deliver(decoder, ended, info, handler, movesCatalog && info.committed() ? decoder.catalog() : null);
            if (movesCatalog) {
                decoder = decoder.current(); // formatters chosen again when types changed
            }
        }
    }

    /**
     * Decodes a committed transaction that ended before the range only for its changes to the followed
     * catalogs, which move the decoder's catalog; nothing is handed over.
     */
    void follow(TxAssembler.Ended ended, TransactionInfo info) {
        if (decoder.catalog().passing(info.commitLsn())) {
            decoder = decoder.current();
        }
        deliver(decoder, ended, info, null, decoder.catalog());
        decoder = decoder.current();
    }

    /**
     * The decoder of the AsyncChangeHandler's thread (no TOAST store, no pages), made here, under the
     * catalog as it is now (made again when the catalog moved).
     */
    private RowDecoder besideDecoder() {
        CatalogSnapshot now = decoder.catalog().current();
        if (besideDecoder == null || besideCatalog != now) {
            besideDecoder = new RowDecoder(FollowedCatalog.fixed(now), decoder.version(), null, warnings, null, true);
            besideCatalog = now;
        }
        return besideDecoder;
    }

    private void deliver(RowDecoder with, Iterable<TxAssembler.StoredRecord> records, TransactionInfo info,
                         ChangeHandler to, FollowedCatalog follow) {
        if (follow != null) {
            follow.beginTransaction();
        }
        Delivery d = new Delivery(to, info, follow, includeSystemCatalogs);
        with.decode(records, info.xid(), info.commitLsn(), info.commitTime(), d);
        List<SchemaChange> events = follow != null && to != null ? follow.schemaChanges(info) : List.of();
        events = truncatesWithoutRecord(events, d, info, follow);
        if (d.count == 0 && !events.isEmpty()) {
            to.begin(info);
        }
        for (SchemaChange e : events) {
            if (to instanceof AsyncChangeHandler async) {
                async.later(h -> h.schemaChange(info, e)); // in its place among the changes queued
            } else {
                to.schemaChange(info, e);
            }
        }
        if (d.count > 0 || !events.isEmpty()) {
            to.end(info);
            transactions.incrementAndGet();
            rowChanges.addAndGet(d.count);
        }
    }

    /**
     * A TRUNCATE the WAL logs no heap TRUNCATE record of (wal_level=replica: only the new storage and
     * the pg_class update), told by the schema changes: handed over as a Truncate change of its own,
     * at the commit LSN, so that it shows at every wal_level. A TRUNCATE is shown once, as that
     * change: the schema changes returned leave out the truncations (the record's or the new one's).
     * A partition's change names its root as the catalog after the commit does (the record's TRUNCATE
     * names it as of the record).
     */
    private static List<SchemaChange> truncatesWithoutRecord(List<SchemaChange> events, Delivery d,
                                                             TransactionInfo info, FollowedCatalog follow) {
        boolean any = false;
        for (SchemaChange e : events) {
            TableName name = new TableName(e.schema(), e.table());
            if (e.kind() == SchemaChange.Kind.TABLE_TRUNCATED) {
                any = true;
                if (!d.truncated.contains(name)) {
                    CatalogSnapshot now = follow.current();
                    TableInfo t = now.table(e.schema() + "." + e.table());
                    d.accept(new RowChange.Truncate(Source.of(info.commitLsn(), info.commitLsn(), info.xid(),
                        info.commitTime(), e.schema(), e.table(), t == null ? null : now.partitionRoot(t), 0, 0),
                        List.of(name), false, false));
                }
            }
        }
        if (!any) {
            return events;
        }
        List<SchemaChange> others = new java.util.ArrayList<>();
        for (SchemaChange e : events) {
            if (e.kind() != SchemaChange.Kind.TABLE_TRUNCATED) {
                others.add(e);
            }
        }
        return others;
    }

    /** Transactions released with at least one change. */
    long transactions() {
        return transactions.get();
    }

    /** Changes released. */
    long rowChanges() {
        return rowChanges.get();
    }

    /**
     * Begins a transaction at its first change, so that empty ones are never seen. Given a catalog to
     * follow, hands it the changes of the followed catalogs first (and the handler only those asked
     * for); given no handler, nothing goes on.
     */
    private static final class Delivery implements Consumer<RowChange> {
        private final ChangeHandler handler;
        private final TransactionInfo info;
        private final FollowedCatalog follow;
        private final boolean passCatalog;
        /** With a catalog to follow: the tables TRUNCATE records named. */
        final Set<TableName> truncated = new HashSet<>();
        long count;

        Delivery(ChangeHandler handler, TransactionInfo info, FollowedCatalog follow, boolean passCatalog) {
            this.handler = handler;
            this.info = info;
            this.follow = follow;
            this.passCatalog = passCatalog;
        }

        @Override
        public void accept(RowChange c) {
            if (follow != null && follow.accept(c, info.commitLsn()) && !passCatalog || handler == null) {
                return;
            }
            if (follow != null && c instanceof RowChange.Truncate t) {
                truncated.addAll(t.tables());
            }
            if (count++ == 0) {
                handler.begin(info);
            }
            handler.change(info, c);
        }
    }
}
