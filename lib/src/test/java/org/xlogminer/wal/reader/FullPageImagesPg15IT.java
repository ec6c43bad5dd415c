package org.xlogminer.wal.reader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xlogminer.oracle.OracleRecord;
import org.xlogminer.oracle.PgWaldump;
import org.xlogminer.testkit.PgServer;
import org.xlogminer.testkit.WalRange;

/**
 * Full-page images on PostgreSQL 15 with wal_compression off, pglz, lz4 and zstd: each restored
 * image must equal the page as the server holds it right after the change that logged it
 * (pageinspect's get_raw_page, read before anything else touches the page), apart from pd_lsn,
 * which the server sets after the image is taken; pg_waldump must agree on the image's header.
 */
class FullPageImagesPg15IT {

    @Test
    void restoresImagesOfEveryCompressionMethod() throws Exception {
        try (PgServer server = PgServer.builder(15).walSegSizeMb(1).start();
             Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION pageinspect");
            s.execute("CREATE TABLE img (id int PRIMARY KEY, v text) WITH (fillfactor = 60)");
            s.execute("INSERT INTO img SELECT g, md5(g::text) FROM generate_series(1, 2000) g");
            long start = server.currentWalInsertLsn();
            List<String> methods = List.of("off", "pglz", "lz4", "zstd");
            long[] updateLsn = new long[methods.size()];
            long[] block = new long[methods.size()];
            byte[][] livePage = new byte[methods.size()][];
            for (int m = 0; m < methods.size(); m++) {
                // in this session, at once: a reload reaches the backend only some time after
                // pg_reload_conf() returns, and the UPDATE below sometimes ran before it
                s.execute("SET wal_compression = '" + methods.get(m) + "'");
                s.execute("CHECKPOINT");
                int id = 1 + m * 400;
                try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
                    rs.next();
                    updateLsn[m] = org.xlogminer.wal.Lsn.parse(rs.getString(1)).value();
                }
                try (ResultSet rs = s.executeQuery(
                    "UPDATE img SET v = v || '+' WHERE id = " + id + " RETURNING (ctid::text::point)[0]::bigint")) {
                    rs.next();
                    block[m] = rs.getLong(1);
                }
                try (ResultSet rs = s.executeQuery("SELECT get_raw_page('img', " + block[m] + ")")) {
                    rs.next();
                    livePage[m] = rs.getBytes(1);
                }
            }
            long end = server.currentWalInsertLsn();
            long img = ReaderWorkload.relfilenode(server, "img");

            WalRange range = new WalRange(start, end);
            List<RecordsAgainstOracleIT.ReadRecord> ours = RecordsAgainstOracleIT.readAll(server, range);
            for (int m = 0; m < methods.size(); m++) {
                String method = methods.get(m).equals("off") ? "none" : methods.get(m);
                OracleRecord.OracleBlock found = null;
                for (RecordsAgainstOracleIT.ReadRecord r : ours) {
                    if (Long.compareUnsigned(r.lsn, updateLsn[m]) < 0 || !r.rmgr.equals("Heap")) {
                        continue;
                    }
                    for (OracleRecord.OracleBlock b : r.blocks) {
                        if (b.relNumber() == img && b.block() == block[m] && b.hasImage()) {
                            found = b;
                        }
                    }
                    if (found != null) {
                        break;
                    }
                }
                assertTrue(found != null, "an image of img block " + block[m] + " after wal_compression=" + method);
                assertEquals(method, found.compression(), "compression of the image");
                byte[] expected = Arrays.copyOf(livePage[m], 8192);
                byte[] actual = Arrays.copyOf(found.page(), 8192);
                Arrays.fill(expected, 0, 8, (byte) 0); // pd_lsn is set after the image is taken
                Arrays.fill(actual, 0, 8, (byte) 0);
                assertArrayEquals(expected, actual, "restored page vs get_raw_page, wal_compression=" + method);
            }

            List<OracleRecord> dump = PgWaldump.records(server.walDir(), start, end);
            assertEquals(dump.size(), ours.size(), "records per pg_waldump");
            for (int i = 0; i < ours.size(); i++) {
                RecordsAgainstOracleIT.ReadRecord a = ours.get(i);
                OracleRecord b = dump.get(i);
                assertEquals(b.lsn(), a.lsn);
                assertEquals(b.blocks().size(), a.blocks.size());
                for (int k = 0; k < a.blocks.size(); k++) {
                    OracleRecord.OracleBlock x = a.blocks.get(k), y = b.blocks().get(k);
                    assertEquals(y.hasImage(), x.hasImage());
                    if (y.hasImage()) {
                        assertEquals(y.compression(), x.compression());
                        assertEquals(y.imageLength(), x.imageLength());
                        assertEquals(y.holeOffset(), x.holeOffset());
                        assertEquals(y.holeLength(), x.holeLength());
                    }
                }
            }
        }
    }
}
