package org.xlogminer.mine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.tx.TxAssembler;
import org.xlogminer.wal.reader.ReadAheadWithoutImages;
import org.xlogminer.wal.reader.SegmentSource;

/**
 * Options of a mining run: where the WAL is and what catalog it is read with, the range, what is
 * released, and the memory budgets; {@link #build()} makes the {@link Miner}. Got from
 * {@link Miner#builder}.
 */
public final class MinerBuilder {
    final SegmentSource source;
    final CatalogSnapshot catalog;
    long fromLsn;
    long toLsn;
    Checkpoints.Checkpoint startCheckpoint;
    boolean includeAborted;
    boolean includeSystemCatalogs;
    boolean values = true;
    SegmentSource rereadSource;
    List<CatalogSnapshot> laterCatalogs = List.of();
    /**
     * Defaults, as shares of the heap so that a small heap works: an eighth for open transactions'
     * records (at most 256 MB), an eighth for tracked pages (at most 512 MB), a sixteenth for TOAST
     * chunks (at most 256 MB); the rest is the working set.
     */
    long memoryBudget = Math.min(TxAssembler.DEFAULT_MEMORY_BUDGET, Runtime.getRuntime().maxMemory() / 8);
    long toastBudget = Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 16);
    long pageBudget = Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 8);
    Path spillDir = Path.of(System.getProperty("java.io.tmpdir"));

    MinerBuilder(SegmentSource source, CatalogSnapshot catalog) {
        this.source = source;
        this.catalog = catalog;
    }

    /** Release transactions that commit at or after this LSN (0: from the start of the WAL). */
    public MinerBuilder fromLsn(long lsn) {
        this.fromLsn = lsn;
        return this;
    }

    /**
     * The last checkpoint whose record starts before the start LSN, when the caller knows it
     * (from an index): it is then not looked for in the WAL. Null: looked for.
     */
    public MinerBuilder startCheckpoint(Checkpoints.Checkpoint c) {
        this.startCheckpoint = c;
        return this;
    }

    /** Read only records that start before this LSN (0: to the end of valid WAL). */
    public MinerBuilder toLsn(long lsn) {
        this.toLsn = lsn;
        return this;
    }

    /**
     * Snapshots captured after the one mining starts from (others are passed by): when the
     * mining reaches a snapshot's capture LSN, it takes over from there (the WAL read does not
     * always tell all that changed before, e.g. when segments are missing).
     */
    public MinerBuilder laterCatalogs(List<CatalogSnapshot> snapshots) {
        this.laterCatalogs = List.copyOf(snapshots);
        return this;
    }

    /** Release aborted transactions too, marked not committed. */
    public MinerBuilder includeAborted(boolean include) {
        this.includeAborted = include;
        return this;
    }

    /** Mine the system catalogs' own rows too (pg_catalog, information_schema): what DDL did. */
    public MinerBuilder includeSystemCatalogs(boolean include) {
        this.includeSystemCatalogs = include;
        return this;
    }

    /**
     * Whether to decode the rows' values (default true). Without, every change still comes with
     * its table, operation, ctids, LSNs and transaction, but its rows have no columns: for
     * counting changes (as {@code xlogminer stats} does) it is several times faster, as no page
     * is tracked and no tuple decoded. The WAL is then also read (pages, CRCs, framing) on a
     * second thread, with {@link ReadAheadWithoutImages}: the source is that thread's until
     * {@link Miner#close()}.
     */
    public MinerBuilder values(boolean decode) {
        this.values = decode;
        return this;
    }

    /** Bytes of open transactions' records kept in memory before spilling to disk. */
    /**
     * Without values: a second source of the same WAL, which the miner then owns (and closes). The
     * WAL is read on a thread of its own, which owns the first source; the mining thread reads the
     * followed system catalogs' page images again from this one for their old rows. Without it, an
     * old row is known only from the images of the last few catalog pages kept in memory.
     */
    public MinerBuilder rereadSource(SegmentSource second) {
        this.rereadSource = second;
        return this;
    }

    public MinerBuilder memoryBudget(long bytes) {
        this.memoryBudget = bytes;
        return this;
    }

    /** Bytes of TOAST chunks kept for values that later rows point at. */
    public MinerBuilder toastBudget(long bytes) {
        this.toastBudget = bytes;
        return this;
    }

    /** Bytes of tracked page tuples (old rows at wal_level=replica) in memory before the least recently used spill. */
    public MinerBuilder pageBudget(long bytes) {
        this.pageBudget = bytes;
        return this;
    }

    public MinerBuilder spillDir(Path dir) {
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
