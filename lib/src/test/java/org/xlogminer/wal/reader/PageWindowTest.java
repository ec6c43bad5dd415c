package org.xlogminer.wal.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.xlogminer.TestData;
import org.xlogminer.wal.WalVersion;

/**
 * Pages of the real 1 MB segment 000000010000000000000006 in testdata/ (0/00600000 to
 * 0/00700000; the server wrote its first 0x2E000 bytes, the rest is zeros).
 */
class PageWindowTest {

    private static PageWindow window() throws IOException {
        return new PageWindow(DirectorySegmentSource.open(TestData.accountsUpdateWal()));
    }

    @Test
    void firstPageOfTheSegmentHasTheLongHeaderAndNamesTheCluster() throws IOException {
        PageWindow w = window();
        assertNull(w.version());
        int p = w.load(0x600000L);
        assertEquals(0, p);
        assertEquals(XLogPageHeaderLayout.LONG_SIZE, w.headerSize(p));
        assertEquals(WalVersion.PG15, w.version());
        assertEquals(7710499880889627443L, w.systemIdentifier());
    }

    @Test
    void aContinuationPageSaysHowMuchOfTheRecordIsLeft() throws IOException {
        PageWindow w = window();
        int p = w.load(0x628000L); // continues the record at 0/00627FE0, 111 bytes, 32 on the page before
        assertEquals(0, p, "a window is read from the page asked for on");
        assertEquals(XLogPageHeaderLayout.SHORT_SIZE, w.headerSize(p));
        assertTrue((w.info(p) & XLogPageHeaderLayout.XLP_FIRST_IS_CONTRECORD) != 0);
        assertEquals(111 - 32, w.remainingLength(p));
        assertEquals(0x2000, w.load(0x62A000L), "a later page of the window is where it was read");
    }

    @Test
    void walEndsAtAPageOfZerosAndAfterTheLastSegment() throws IOException {
        PageWindow w = window();
        assertEquals(-1, w.load(0x630000L));
        assertEquals(EndOfWal.Reason.ZERO_PAGE, w.ended().reason());
        assertEquals(0x630000L, w.ended().lsn());
        assertEquals(-1, w.load(0x700000L));
        assertEquals(EndOfWal.Reason.NO_MORE_SEGMENTS, w.ended().reason());
        assertEquals("000000010000000000000007", w.ended().segment());
    }

    @Test
    void aValidPageFollowsInsideTheWrittenPartOnly() throws IOException {
        PageWindow w = window();
        w.load(0x600000L);
        assertTrue(w.validPageFollows(0x627FE0L));
        assertFalse(w.validPageFollows(0x62FFF0L), "zeros after it");
        assertFalse(w.validPageFollows(0x6FFFF0L), "no next segment");
    }
}
