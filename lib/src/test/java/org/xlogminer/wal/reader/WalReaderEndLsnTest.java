package org.xlogminer.wal.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.xlogminer.TestData;
import org.xlogminer.wal.Lsn;

/**
 * Where reading stops with an end LSN, on the shipped WAL of testdata/pg15-accounts-update: its one
 * segment ends with pg_switch_wal(), so the next record would start at 0/700000, in a segment that
 * is not there.
 */
class WalReaderEndLsnTest {

    private static final long NEXT_SEGMENT = Lsn.parse("0/700000").value();

    @Test
    void anEndLsnWhereTheNextRecordWouldStartIsReachedEvenWhenNoWalFollows() throws Exception {
        try (WalReader reader = WalReader.builder(DirectorySegmentSource.open(TestData.accountsUpdateWal()))
            .endLsn(NEXT_SEGMENT).build()) {
            int records = 0;
            while (reader.next() != null) {
                records++;
            }
            assertEquals(EndOfWal.Reason.END_LSN_REACHED, reader.endOfWal().reason(), reader.endOfWal().toString());
            assertEquals(NEXT_SEGMENT, reader.endOfWal().lsn());
            assertEquals(records, countToTheEndOfValidWal(), "every record is read");
        }
    }

    @Test
    void anEndLsnPastTheWalWrittenIsNotReached() throws Exception {
        try (WalReader reader = WalReader.builder(DirectorySegmentSource.open(TestData.accountsUpdateWal()))
            .endLsn(NEXT_SEGMENT + 1).build()) {
            while (reader.next() != null) {
                // read them all
            }
            assertEquals(EndOfWal.Reason.NO_MORE_SEGMENTS, reader.endOfWal().reason(), reader.endOfWal().toString());
        }
    }

    private static int countToTheEndOfValidWal() throws Exception {
        try (WalReader reader = WalReader.builder(DirectorySegmentSource.open(TestData.accountsUpdateWal())).build()) {
            int n = 0;
            while (reader.next() != null) {
                n++;
            }
            return n;
        }
    }
}
