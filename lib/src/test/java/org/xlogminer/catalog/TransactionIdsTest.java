package org.xlogminer.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Circular comparison of 32-bit xids, as TransactionIdPrecedes: across the wraparound too. */
class TransactionIdsTest {

    @Test
    void normalIdsCompareCircularly() {
        assertTrue(TransactionIds.precedes(100, 101));
        assertFalse(TransactionIds.precedes(101, 100));
        assertFalse(TransactionIds.precedes(100, 100));
        assertTrue(TransactionIds.precedes(0xFFFF_FFF0L, 5), "5 comes after the wraparound");
        assertFalse(TransactionIds.precedes(5, 0xFFFF_FFF0L));
        assertTrue(TransactionIds.precedes(3, 3 + 0x7FFF_FFFFL), "up to 2^31 - 1 ahead follows");
        assertFalse(TransactionIds.precedes(3, 3 + 0x8000_0001L), "more than 2^31 ahead is behind");
        assertEquals(5, TransactionIds.newer(0xFFFF_FFF0L, 5));
    }

    @Test
    void specialIdsPrecedeNormalOnes() {
        assertTrue(TransactionIds.precedes(TransactionIds.FROZEN, 0xFFFF_FFF0L));
        assertTrue(TransactionIds.precedes(1, TransactionIds.FROZEN));
        assertFalse(TransactionIds.precedes(0x9000_0000L, TransactionIds.FROZEN));
        assertFalse(TransactionIds.isNormal(TransactionIds.FROZEN));
        assertTrue(TransactionIds.isNormal(3));
        assertEquals(4_000_000_000L, TransactionIds.of((int) 4_000_000_000L));
    }
}
