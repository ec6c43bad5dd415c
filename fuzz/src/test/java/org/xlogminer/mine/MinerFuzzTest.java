package org.xlogminer.mine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.xlogminer.event.RowChange;
import org.xlogminer.event.Transaction;
import org.xlogminer.fuzz.FuzzCatalog;
import org.xlogminer.fuzz.FuzzFiles;
import org.xlogminer.render.SqlRenderer;
import org.xlogminer.wal.WalException;
import org.xlogminer.wal.reader.MemorySegmentSource;

/**
 * The whole mining path over damaged WAL: the real segment of {@code testdata/pg15-accident-replica}
 * up to the end of its accident (the checkpoint, two deposits, a transfer, an INSERT, the UPDATE
 * without WHERE and the DELETE, at wal_level=replica, so old rows come from full-page images and
 * tracked pages), with the three pages that hold the accident (from 0/632000) replaced by the input;
 * a shorter input cuts the segment there. {@link Miner} mines from the range's start with the real
 * catalog, and every change is rendered as REDO and UNDO SQL. Reading must end, or stop with a
 * {@link WalException}; nothing else may come out. Seed: the three real pages.
 */
class MinerFuzzTest {

    private static final int SEGMENT_SIZE = 1024 * 1024;
    /** Where the input goes in the segment, and how much of it there is room for. */
    static final int AT = 0x32000;
    static final int ROOM = 3 * 8192;
    private static final long FROM = 0x632FB0L;
    private static final byte[] BASE = base();

    private static final Path SPILL = FuzzFiles.temporaryDirectory("xlogminer-fuzz-spill");

    private final SqlRenderer renderer = SqlRenderer.forCatalog(FuzzCatalog.get().snapshot(), false);

    /** The real segment's first 0/638000 bytes (kept beside the catalog: the run's WAL). */
    static byte[] base() {
        try (InputStream in = FuzzCatalog.class.getResourceAsStream("accident-replica-head.wal")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "5m")
    void mine(byte[] input) {
        if (input.length > ROOM) {
            return;
        }
        byte[] segment = Arrays.copyOf(BASE, AT + input.length);
        System.arraycopy(input, 0, segment, AT, input.length);
        MemorySegmentSource source = MemorySegmentSource.of("fuzzed segment", SEGMENT_SIZE, 1, 6, segment);
        try (Miner miner = Miner.builder(source, FuzzCatalog.get().snapshot()).fromLsn(FROM).includeAborted(true)
                .spillDir(SPILL).build()) {
            Transaction t;
            while ((t = miner.next()) != null) {
                for (RowChange c : t.changes()) {
                    renderer.redo(c);
                    renderer.undo(c);
                }
            }
        } catch (WalException e) {
            // documented: damaged WAL, named by segment and LSN
        }
    }
}
