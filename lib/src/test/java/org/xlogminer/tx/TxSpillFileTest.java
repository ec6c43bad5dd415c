package org.xlogminer.tx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.TestData;
import org.xlogminer.tx.TxAssembler.StoredRecord;
import org.xlogminer.wal.reader.DirectorySegmentSource;
import org.xlogminer.wal.reader.WalReader;
import org.xlogminer.wal.reader.XLogRecordView;

/**
 * The transaction spill file gives back what was appended, in order and of the same kind: copies
 * of real records of the testdata WAL with and without page tuples, and summaries. The file does
 * not look inside the bytes it keeps, so a summary here is any bytes.
 */
class TxSpillFileTest {

    @TempDir
    Path dir;

    /** A summary's bytes: opaque to the spill file. */
    private static final byte[] SUMMARY = HexFormat.of().parseHex("0100000000000005000000a0400000");

    private static List<StoredRecord> realCopies(int n) throws IOException {
        List<StoredRecord> out = new ArrayList<>();
        try (WalReader r = WalReader.builder(DirectorySegmentSource.open(TestData.accountsUpdateWal())).build()) {
            XLogRecordView v;
            while (out.size() < n && (v = r.next()) != null) {
                out.add(new StoredRecord.Copy(v.lsn(), v.endLsn(), v.copyWithoutImages()));
            }
        }
        return out;
    }

    @Test
    void everyKindComesBackInOrder() throws IOException {
        List<StoredRecord> copies = realCopies(40);
        byte[] a = copies.get(1).bytes();
        byte[] b = copies.get(2).bytes();
        List<StoredRecord> written = new ArrayList<>(copies.subList(3, 20));
        written.add(new StoredRecord.Copy(copies.get(20).lsn(), copies.get(20).endLsn(), copies.get(20).bytes(), a, b,
            new byte[][] {b, null, new byte[0]}));
        written.add(new StoredRecord.Summary(copies.get(21).lsn(), copies.get(21).endLsn(), SUMMARY, null, a));
        written.add(new StoredRecord.Summary(copies.get(22).lsn(), copies.get(22).endLsn(), SUMMARY, b, null));
        written.add(new StoredRecord.Copy(copies.get(23).lsn(), copies.get(23).endLsn(), copies.get(23).bytes(), null,
            null, new byte[0][]));

        TxSpillFile f = TxSpillFile.create(dir.resolve("sub"), -5); // xid 4294967291: past 2^31
        assertTrue(f.path().getFileName().toString().startsWith("xlogminer-tx-4294967291-"), f.path().toString());
        int half = written.size() / 2;
        f.append(written.subList(0, half)); // two spills, appended one after the other
        f.append(written.subList(half, written.size()));

        Iterator<StoredRecord> back = f.read();
        for (StoredRecord w : written) {
            assertTrue(back.hasNext());
            assertSame(w, back.next());
        }
        assertFalse(back.hasNext());
        f.delete();
        assertFalse(Files.exists(f.path()));
    }

    @Test
    void aTruncatedFileSaysSo() throws IOException {
        TxSpillFile f = TxSpillFile.create(dir, 7);
        f.append(realCopies(3));
        byte[] all = Files.readAllBytes(f.path());
        Files.write(f.path(), java.util.Arrays.copyOf(all, all.length - 5));
        Iterator<StoredRecord> back = f.read();
        back.next();
        back.next();
        IllegalStateException e = assertThrows(IllegalStateException.class, back::next);
        assertTrue(e.getMessage().contains("shorter than written"), e.getMessage());
    }

    private static void assertSame(StoredRecord w, StoredRecord r) {
        assertInstanceOf(w.getClass(), r);
        assertEquals(w.lsn(), r.lsn());
        assertEquals(w.endLsn(), r.endLsn());
        assertArrayEquals(w.bytes(), r.bytes());
        assertArrayEquals(w.pageOldTuple(), r.pageOldTuple());
        assertArrayEquals(w.pageNewTuple(), r.pageNewTuple());
        if (w instanceof StoredRecord.Copy c) {
            byte[][] m = ((StoredRecord.Copy) r).pageMultiTuples();
            if (c.pageMultiTuples() == null) {
                assertNull(m);
            } else {
                assertEquals(c.pageMultiTuples().length, m.length);
                for (int i = 0; i < m.length; i++) {
                    assertArrayEquals(c.pageMultiTuples()[i], m[i]);
                }
            }
        }
    }
}
