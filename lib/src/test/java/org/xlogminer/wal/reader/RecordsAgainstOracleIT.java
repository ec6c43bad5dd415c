package org.xlogminer.wal.reader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xlogminer.oracle.OracleRecord;
import org.xlogminer.oracle.PgWaldump;
import org.xlogminer.oracle.PgWalinspect;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.testkit.WalRange;
import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.rmgr.RecordTypeNames;

/**
 * Reads the WAL of {@link ReaderWorkload} from a real server of each major, with 1 MB segments, and
 * checks every record against what the server's own tools say: pg_waldump (15) and pg_walinspect
 * (15-18) one for one, restored page images byte for byte (16-18); on every major, the heap
 * records the workload must produce, an unbroken prev-link chain and records that cross page and
 * segment boundaries.
 */
class RecordsAgainstOracleIT {

    /** Exercise every image format the server of that major can write. */
    private static String compressionFor(int major) {
        switch (major) {
            case 13: return "off";
            case 14: return "pglz";
            case 15: return "lz4";
            case 16: return "pglz";
            case 17: return "off";
            default: return "pglz";
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 14, 15, 16, 17, 18})
    void readsEveryRecordOfTheWorkload(int major) throws Exception {
        try (PgServer server = PgServer.builder(major).walSegSizeMb(1).walCompression(compressionFor(major)).start()) {
            WalRange range = server.captureRange(() -> ReaderWorkload.run(server));
            long acct = ReaderWorkload.relfilenode(server, "acct");
            List<ReadRecord> ours = readAll(server, range);

            assertFalse(ours.isEmpty());
            assertEquals(major, ours.get(0).major, "version from the page magic");
            checkChainAndBoundaries(ours, range);
            checkHeapRecordCounts(ours, acct);

            if (major >= 15) {
                try (Connection c = server.connect()) {
                    compare(ours, PgWalinspect.records(c, major, range.start(), range.end()), major >= 16);
                }
            }
            if (major == 15) {
                compare(ours, PgWaldump.records(server.walDir(), range.start(), range.end()), false);
            }
        }
    }

    private static void assertFalse(boolean b) {
        assertTrue(!b);
    }

    /** What we keep of each record read (the view itself is reused). */
    static final class ReadRecord {
        int major;
        long lsn, end, prev, xid;
        String rmgr, type;
        int totalLength, mainLength, fpiLength, info, rmid;
        int multiInsertTuples;
        List<OracleRecord.OracleBlock> blocks = new ArrayList<>();
    }

    static List<ReadRecord> readAll(PgServer server, WalRange range) throws Exception {
        List<ReadRecord> out = new ArrayList<>();
        BlockImages images = new BlockImages();
        try (WalReader reader = WalReader.builder(DirectorySegmentSource.open(server.walDir()))
            .startLsn(range.start()).endLsn(range.end()).build()) {
            XLogRecordView r;
            while ((r = reader.next()) != null) {
                ReadRecord rr = new ReadRecord();
                rr.major = r.version().major();
                rr.lsn = r.lsn();
                rr.end = r.endLsn();
                rr.prev = r.prev();
                rr.xid = r.xidUnsigned();
                rr.rmid = r.rmid();
                rr.info = r.info();
                rr.rmgr = RecordTypeNames.rmgrName(r.rmid());
                rr.type = RecordTypeNames.recordType(rr.major, r.rmid(), r.info());
                rr.totalLength = r.totalLength();
                rr.mainLength = r.mainDataLength();
                rr.fpiLength = r.fpiLength();
                if (rr.rmgr.equals("Heap2") && rr.type.startsWith("MULTI_INSERT")) {
                    rr.multiInsertTuples = r.buffer().getShort(r.mainDataOffset() + 2) & 0xFFFF;
                }
                for (int i = 0; i < r.blockCount(); i++) {
                    byte[] page = null;
                    if (r.hasImage(i)) {
                        page = new byte[8192];
                        images.restore(r, i, page);
                    }
                    rr.blocks.add(new OracleRecord.OracleBlock(r.blockId(i), Integer.toUnsignedLong(r.tablespace(i)),
                        Integer.toUnsignedLong(r.database(i)), Integer.toUnsignedLong(r.relNumber(i)),
                        new String[] {"main", "fsm", "vm", "init"}[r.forkNumber(i)], r.blockNumber(i), r.hasImage(i),
                        r.hasImage(i) ? r.imageLength(i) : null, r.hasImage(i) ? r.holeOffset(i) : null,
                        r.hasImage(i) ? r.holeLength(i) : null, r.hasImage(i) ? r.imageCompression(i).label() : null,
                        r.hasImage(i) ? r.applyImage(i) : null, r.dataLength(i), page));
                }
                out.add(rr);
            }
            assertEquals(EndOfWal.Reason.END_LSN_REACHED, reader.endOfWal().reason(), reader.endOfWal().toString());
        }
        return out;
    }

    private static void checkChainAndBoundaries(List<ReadRecord> ours, WalRange range) {
        int segment = 1 << 20;
        boolean crossesPage = false, crossesSegment = false;
        for (int i = 0; i < ours.size(); i++) {
            ReadRecord r = ours.get(i);
            if (i > 0) {
                assertEquals(ours.get(i - 1).lsn, r.prev, "prev-link of " + Lsn.format(r.lsn));
            }
            assertTrue(Long.compareUnsigned(r.lsn, range.start()) >= 0 && Long.compareUnsigned(r.lsn, range.end()) < 0);
            crossesPage |= r.lsn / 8192 != (r.end - 1) / 8192;
            crossesSegment |= r.lsn / segment != (r.end - 1) / segment;
        }
        assertTrue(crossesPage, "some record crosses a page boundary");
        assertTrue(crossesSegment, "some record crosses a segment boundary");
    }

    private static void checkHeapRecordCounts(List<ReadRecord> ours, long acct) {
        Map<String, Integer> counts = new TreeMap<>();
        int multiTuples = 0, vacuumRecords = 0;
        for (ReadRecord r : ours) {
            if (r.blocks.isEmpty() || r.blocks.get(0).relNumber() != acct || !r.blocks.get(0).fork().equals("main")) {
                continue;
            }
            String type = r.type.replace("+INIT", "");
            if (r.rmgr.equals("Heap")) {
                counts.merge(type, 1, Integer::sum);
            } else if (r.rmgr.equals("Heap2")) {
                if (type.equals("MULTI_INSERT")) {
                    multiTuples += r.multiInsertTuples;
                } else {
                    vacuumRecords++;
                }
            }
        }
        assertEquals(ReaderWorkload.INSERTED_ONE_BY_ONE + ReaderWorkload.SAVEPOINT_INSERTS + ReaderWorkload.ABORTED_INSERTS,
            counts.getOrDefault("INSERT", 0), "heap INSERT records on acct: " + counts);
        assertEquals(ReaderWorkload.COPIED, multiTuples, "tuples in MULTI_INSERT records on acct");
        assertEquals(ReaderWorkload.HOT_UPDATES, counts.getOrDefault("HOT_UPDATE", 0), "HOT_UPDATE on acct: " + counts);
        assertEquals(ReaderWorkload.NON_HOT_UPDATES, counts.getOrDefault("UPDATE", 0), "UPDATE on acct: " + counts);
        assertEquals(ReaderWorkload.DELETES, counts.getOrDefault("DELETE", 0), "DELETE on acct: " + counts);
        assertTrue(vacuumRecords > 0, "VACUUM left Heap2 records on acct");
    }

    private static void compare(List<ReadRecord> ours, List<OracleRecord> theirs, boolean withBlocks) {
        assertEquals(theirs.size(), ours.size(), "number of records");
        int images = 0;
        for (int i = 0; i < ours.size(); i++) {
            ReadRecord a = ours.get(i);
            OracleRecord b = theirs.get(i);
            String at = "record at " + Lsn.format(a.lsn);
            assertEquals(Lsn.format(b.lsn()), Lsn.format(a.lsn), "lsn of record " + i);
            assertEquals(Lsn.format(b.prev()), Lsn.format(a.prev), "prev of " + at);
            assertEquals(b.rmgr(), a.rmgr, "rmgr of " + at);
            assertEquals(b.type(), a.type, "type of " + at);
            assertEquals(b.xid(), a.xid, "xid of " + at);
            assertEquals(b.totalLength(), a.totalLength, "total length of " + at);
            assertEquals(b.fpiLength(), a.fpiLength, "fpi length of " + at);
            if (b.mainDataLength() != null) {
                assertEquals(b.mainDataLength().intValue(), a.mainLength, "main data length of " + at);
            }
            if (b.blocks() == null) {
                continue;
            }
            assertEquals(b.blocks().size(), a.blocks.size(), "block count of " + at);
            for (int k = 0; k < a.blocks.size(); k++) {
                OracleRecord.OracleBlock x = a.blocks.get(k);
                OracleRecord.OracleBlock y = b.blocks().get(k);
                String blk = at + " block #" + y.id();
                assertEquals(y.id(), x.id(), blk);
                assertEquals(y.tablespace() + "/" + y.database() + "/" + y.relNumber() + " " + y.fork() + " " + y.block(),
                    x.tablespace() + "/" + x.database() + "/" + x.relNumber() + " " + x.fork() + " " + x.block(), blk);
                assertEquals(y.hasImage(), x.hasImage(), "image flag of " + blk);
                if (y.hasImage()) {
                    assertEquals(y.imageLength(), x.imageLength(), "image length of " + blk);
                    assertEquals(y.compression(), x.compression(), "compression of " + blk);
                    assertEquals(y.apply(), x.apply(), "apply flag of " + blk);
                    if (y.holeOffset() != null) {
                        assertEquals(y.holeOffset(), x.holeOffset(), "hole offset of " + blk);
                        assertEquals(y.holeLength(), x.holeLength(), "hole length of " + blk);
                    }
                    if (y.page() != null) {
                        assertNotNull(x.page());
                        assertArrayEquals(y.page(), x.page(), "restored page of " + blk);
                        images++;
                    }
                }
                if (y.dataLength() != null) {
                    assertEquals(y.dataLength(), x.dataLength(), "data length of " + blk);
                }
            }
        }
        if (withBlocks && images == 0) {
            fail("no full-page image was compared");
        }
    }
}
