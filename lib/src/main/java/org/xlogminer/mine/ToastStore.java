package org.xlogminer.mine;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * TOAST chunks seen in the WAL read, by (TOAST table OID, chunk_id), to rebuild the values that
 * rows point at. Chunks are heap inserts into the TOAST table ({@code chunk_id oid, chunk_seq int4,
 * chunk_data bytea}), logged before the row in the same transaction; a later UPDATE that leaves
 * the value alone points at the same chunks, so they are kept across transactions, within a
 * budget: past it the oldest values are forgotten (and read as unavailable, never guessed).
 *
 * <p>Not thread-safe.
 */
final class ToastStore {

    private record Key(long toastRelid, long valueId) {
    }

    private final long budget;
    private final LinkedHashMap<Key, TreeMap<Integer, byte[]>> values = new LinkedHashMap<>();
    private long bytes;
    private boolean forgot;
    /**
     * By TOAST table: where its values' chunks are on its tracked pages' images (kept here, with the
     * miner's state, as the decoders that use it are made anew when the catalog's types change).
     */
    private final Map<Long, ToastChunkIndex> pageIndexes = new HashMap<>();

    ToastStore(long budgetBytes) {
        this.budget = budgetBytes;
    }

    void addChunk(long toastRelid, long valueId, int seq, byte[] data) {
        values.computeIfAbsent(new Key(toastRelid, valueId), k -> new TreeMap<>()).put(seq, data);
        bytes += data.length + 64;
        if (bytes > budget) {
            Iterator<Map.Entry<Key, TreeMap<Integer, byte[]>>> it = values.entrySet().iterator();
            forgot = true;
            while (bytes > budget / 2 && it.hasNext()) {
                for (byte[] b : it.next().getValue().values()) {
                    bytes -= b.length + 64;
                }
                it.remove();
            }
        }
    }

    /** The TOAST table's index of chunks on its pages, or null. */
    ToastChunkIndex pageIndex(long toastRelid) {
        return pageIndexes.get(toastRelid);
    }

    void pageIndex(long toastRelid, ToastChunkIndex index) {
        pageIndexes.put(toastRelid, index);
    }

    /** Whether chunks were ever forgotten (past the budget). */
    boolean forgot() {
        return forgot;
    }

    /**
     * The value's stored bytes (what follows the varlena header: for a compressed value, va_tcinfo
     * and the compressed data), or null when its chunks are not all here.
     *
     * @param extSize the stored size the TOAST pointer gives
     */
    byte[] assemble(long toastRelid, long valueId, int extSize) {
        TreeMap<Integer, byte[]> chunks = values.get(new Key(toastRelid, valueId));
        if (chunks == null) {
            return null;
        }
        byte[] out = new byte[extSize];
        int pos = 0;
        int expectSeq = 0;
        for (Map.Entry<Integer, byte[]> e : chunks.entrySet()) {
            if (e.getKey() != expectSeq++) {
                return null; // a gap: some chunk was not in the WAL read
            }
            byte[] c = e.getValue();
            if (pos + c.length > extSize) {
                return null;
            }
            System.arraycopy(c, 0, out, pos, c.length);
            pos += c.length;
        }
        return pos == extSize ? out : null;
    }
}
