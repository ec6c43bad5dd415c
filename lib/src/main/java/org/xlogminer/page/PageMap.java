package org.xlogminer.page;

import org.xlogminer.util.OpenAddressing;

/**
 * Tracked pages by relation and block (main fork only), found by the pages' own key fields, so
 * that a look-up allocates no key object (there are a few per record). Not thread-safe.
 */
final class PageMap extends OpenAddressing<TrackedPage> {

    PageMap() {
        super(1 << 12);
    }

    static int hash(int tablespace, int database, int relNumber, long block) {
        long h = block * 0x9E3779B97F4A7C15L + relNumber * 0xC2B2AE3D27D4EB4FL + (database * 31L + tablespace);
        h ^= h >>> 32;
        h *= 0xFF51AFD7ED558CCDL;
        return (int) (h ^ h >>> 29);
    }

    @Override
    protected int hash(TrackedPage p) {
        return hash(p.tablespace, p.database, p.relNumber, p.block);
    }

    /** The page of that relation and block, or null when it is not tracked. */
    TrackedPage get(int tablespace, int database, int relNumber, long block) {
        for (int i = firstSlot(hash(tablespace, database, relNumber, block)); ; i = nextSlot(i)) {
            TrackedPage p = at(i);
            if (p == null || p.block == block && p.relNumber == relNumber && p.database == database
                && p.tablespace == tablespace) {
                return p;
            }
        }
    }
}
