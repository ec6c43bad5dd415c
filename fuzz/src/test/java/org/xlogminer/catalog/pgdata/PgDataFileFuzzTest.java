package org.xlogminer.catalog.pgdata;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.xlogminer.page.PageLayout;
import org.xlogminer.tuple.HeapTupleHeaderLayout;

/**
 * The files of a data directory or base backup that {@code catalog --pgdata} reads: pg_control
 * ({@link ControlFile#parse}), the relation mapper's {@code pg_filenode.map} ({@link RelMapFile#parse}),
 * {@code backup_label} ({@link BackupLabel#parse}) and the heap pages of the catalog's relation files
 * ({@link HeapPageReader#forEachTuple}). Each must give its result or throw the documented
 * {@link PgDataException}. For pg_control and the map, whose CRC-32C a mutation nearly always breaks,
 * the target parses the input as it is and then once more with its CRC made right, so the fields
 * behind the CRC are fuzzed too. The first byte of a pg_control or map input is the server's major
 * (13 to 18). Seeds: the real files of {@code testdata/pgdata-files} and those a real server wrote
 * ({@code org.xlogminer.fuzz.PgDataSeeds}).
 */
class PgDataFileFuzzTest {

    private static int major(byte b) {
        return 13 + (b & 0xFF) % 6;
    }

    @FuzzTest(maxDuration = "5m")
    void controlFile(byte[] input) {
        if (input.length < 1) {
            return;
        }
        int major = major(input[0]);
        byte[] file = Arrays.copyOfRange(input, 1, input.length);
        controlFile(file, major);
        int crcOffset = ControlFile.crcOffset(major);
        if (file.length >= crcOffset + 4) {
            controlFile(withCrc(file, crcOffset), major);
        }
    }

    private static void controlFile(byte[] file, int major) {
        try {
            ControlFile.parse(file, major, "global/pg_control").toString();
        } catch (PgDataException e) {
            // documented
        }
    }

    @FuzzTest(maxDuration = "5m")
    void relMapFile(byte[] input) {
        if (input.length < 1) {
            return;
        }
        int major = major(input[0]);
        byte[] file = Arrays.copyOfRange(input, 1, input.length);
        relMapFile(file, major);
        int crcOffset = RelMapFile.MAPPINGS
            + RelMapFile.MAPPING_SIZE * (major >= 16 ? RelMapFile.MAX_MAPPINGS_16 : RelMapFile.MAX_MAPPINGS_13);
        if (file.length >= crcOffset + 4) {
            relMapFile(withCrc(file, crcOffset), major);
        }
    }

    private static void relMapFile(byte[] file, int major) {
        try {
            RelMapFile.parse(file, major, "global/pg_filenode.map").forEach((oid, filenode) -> { });
        } catch (PgDataException e) {
            // documented
        }
    }

    /** A copy of {@code file} with the CRC-32C of its first {@code crcOffset} bytes stored after them. */
    private static byte[] withCrc(byte[] file, int crcOffset) {
        byte[] copy = file.clone();
        CRC32C crc = new CRC32C();
        crc.update(copy, 0, crcOffset);
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(crcOffset, (int) crc.getValue());
        return copy;
    }

    @FuzzTest(maxDuration = "5m")
    void backupLabel(byte[] input) {
        try {
            // as PgDataCapture reads it
            BackupLabel.parse(new String(input, StandardCharsets.UTF_8), "backup_label").toString();
        } catch (PgDataException e) {
            // documented
        }
    }

    /**
     * A heap page (the input, cut or padded with zeros to 8 kB): each tuple handed on must lie in the
     * page with room for its header, and have its header read as {@code CatalogTable} reads it.
     */
    @FuzzTest(maxDuration = "5m")
    void heapPage(byte[] input) {
        byte[] page = Arrays.copyOf(input, PageLayout.BLCKSZ);
        ByteBuffer buf = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
        try {
            HeapPageReader.forEachTuple(buf, 0, "base/5/1259 block 0", (b, off, len, offnum) -> {
                if (off < PageLayout.SIZE_OF_PAGE_HEADER_DATA || len < HeapTupleHeaderLayout.SIZE
                    || off + len > PageLayout.BLCKSZ) {
                    throw new IllegalStateException("tuple " + offnum + " at " + off + ", " + len
                        + " bytes, handed on outside the page");
                }
                b.getShort(off + HeapTupleHeaderLayout.T_INFOMASK);
                b.getShort(off + HeapTupleHeaderLayout.T_INFOMASK2);
                b.getInt(off + HeapTupleHeaderLayout.T_XMIN);
                b.getInt(off + HeapTupleHeaderLayout.T_XMAX);
                b.get(off + HeapTupleHeaderLayout.T_HOFF);
            });
        } catch (PgDataException e) {
            // documented
        }
    }
}
