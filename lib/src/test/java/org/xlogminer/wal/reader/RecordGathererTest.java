package org.xlogminer.wal.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.TestData;
import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.WalVersion;

/**
 * Gathering the record at 0/00627FE0 of testdata's real segment: 111 bytes, 32 at the end of
 * page 0/00626000 and 79 after the short header of page 0/00628000.
 */
class RecordGathererTest {

    private static final long RECORD = 0x627FE0L;
    private static final String SEGMENT = "000000010000000000000006";

    @TempDir
    Path tmp;

    private static RecordGatherer.Outcome gather(PageWindow w, RecordGatherer g) throws IOException {
        int p = w.load(0x626000L);
        return g.gather(RECORD, 0x626000L, p + 0x1FE0, 32, 111);
    }

    @Test
    void theTwoPartsMakeTheRecordItsCrcWasComputedOver() throws IOException {
        PageWindow w = new PageWindow(DirectorySegmentSource.open(TestData.accountsUpdateWal()));
        RecordGatherer g = new RecordGatherer(w);
        assertEquals(RecordGatherer.Outcome.GATHERED, gather(w, g));
        assertEquals(0x628000L + XLogPageHeaderLayout.SHORT_SIZE + 79, g.endPtr());
        byte[] b = g.buffer().array();
        assertEquals(111, g.buffer().getInt(XLogRecordLayout.TOT_LEN));
        CRC32C crc = new CRC32C();
        crc.update(b, XLogRecordLayout.SIZE, 111 - XLogRecordLayout.SIZE);
        crc.update(b, 0, XLogRecordLayout.CRC);
        assertEquals(g.buffer().getInt(XLogRecordLayout.CRC), (int) crc.getValue());
        assertNull(new XLogRecordView().wrap(g.buffer(), 0, RECORD, g.endPtr(), WalVersion.PG15));
    }

    @Test
    void aPageThatDoesNotContinueTheRecordIsDamage() throws IOException {
        byte[] seg = Files.readAllBytes(TestData.accountsUpdateWal().resolve(SEGMENT));
        seg[0x28000 + XLogPageHeaderLayout.INFO] &= ~XLogPageHeaderLayout.XLP_FIRST_IS_CONTRECORD;
        Files.write(tmp.resolve(SEGMENT), seg);
        PageWindow w = new PageWindow(DirectorySegmentSource.open(tmp));
        WalFormatException e = assertThrows(WalFormatException.class, () -> gather(w, new RecordGatherer(w)));
        assertTrue(e.getMessage().startsWith("no continuation flag on page 0/00628000 for the record at 0/00627FE0"),
            e.getMessage());
    }

    @Test
    void anOverwrittenContinuationSendsReadingToTheNewWal() throws IOException {
        byte[] seg = Files.readAllBytes(TestData.accountsUpdateWal().resolve(SEGMENT));
        seg[0x28000 + XLogPageHeaderLayout.INFO] = XLogPageHeaderLayout.XLP_FIRST_IS_OVERWRITE_CONTRECORD;
        Files.write(tmp.resolve(SEGMENT), seg);
        PageWindow w = new PageWindow(DirectorySegmentSource.open(tmp));
        RecordGatherer g = new RecordGatherer(w);
        assertEquals(RecordGatherer.Outcome.OVERWRITTEN, gather(w, g));
        assertEquals(0x628000L, g.overwrittenAt());
    }
}
