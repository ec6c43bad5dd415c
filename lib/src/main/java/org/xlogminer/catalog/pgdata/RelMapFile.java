package org.xlogminer.catalog.pgdata;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;

import org.xlogminer.catalog.pgdata.PgDataException.Kind;

/**
 * A relation mapper file, {@code global/pg_filenode.map} (shared catalogs) or
 * {@code base/<db>/pg_filenode.map} (that database's mapped catalogs: pg_class, pg_attribute,
 * pg_type, pg_proc and their indexes), {@code RelMapFile} of
 * {@code src/backend/utils/cache/relmapper.c}: the relfilenode of each catalog whose
 * {@code pg_class.relfilenode} is 0. 13 to 15 pad the file to 512 bytes (62 mappings); 16 and
 * later hold 64 mappings and no padding (524 bytes):
 *
 * <table>
 * <caption>RelMapFile (little-endian)</caption>
 * <tr><th>offset</th><th>size</th><th>field</th></tr>
 * <tr><td>0</td><td>4</td><td>magic 0x592717</td></tr>
 * <tr><td>4</td><td>4</td><td>num_mappings (at most 62, or 64 from 16 on)</td></tr>
 * <tr><td>8</td><td>8 each</td><td>mappings: mapoid, mapfilenumber</td></tr>
 * <tr><td>504 (13 to 15), 520 (16 on)</td><td>4</td><td>crc: CRC-32C of the bytes before it</td></tr>
 * </table>
 */
public final class RelMapFile {

    /** RELMAPPER_FILEMAGIC. */
    public static final int MAGIC = 0x592717;
    public static final int MAGIC_OFFSET = 0;
    public static final int NUM_MAPPINGS = 4;
    /** mappings[]: each is mapoid (4 bytes) then mapfilenumber (4 bytes). */
    public static final int MAPPINGS = 8;
    public static final int MAPPING_SIZE = 8;
    /** MAX_MAPPINGS up to 15; 64 from 16 on. */
    public static final int MAX_MAPPINGS_13 = 62;
    public static final int MAX_MAPPINGS_16 = 64;

    private RelMapFile() {
    }

    /**
     * The mappings of a map file of a cluster of {@code major}: relation OID to relfilenode.
     *
     * @throws PgDataException CORRUPT when the file is short, its magic or count wrong, or its CRC
     *                         does not match
     */
    public static Map<Long, Long> parse(byte[] bytes, int major, String file) {
        int maxMappings = major >= 16 ? MAX_MAPPINGS_16 : MAX_MAPPINGS_13;
        int crcOffset = MAPPINGS + MAPPING_SIZE * maxMappings;
        if (bytes.length < crcOffset + 4) {
            throw new PgDataException(Kind.CORRUPT, file, "truncated: " + bytes.length + " bytes, a relation map of "
                + "PostgreSQL " + major + " has " + (major >= 16 ? crcOffset + 4 : 512));
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(MAGIC_OFFSET) != MAGIC) {
            throw new PgDataException(Kind.CORRUPT, file,
                String.format("not a relation map (magic %08X)", b.getInt(MAGIC_OFFSET)));
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, crcOffset);
        if ((int) crc.getValue() != b.getInt(crcOffset)) {
            throw new PgDataException(Kind.CORRUPT, file, String.format("CRC mismatch (stored %08X, computed %08X)",
                b.getInt(crcOffset), (int) crc.getValue()));
        }
        int n = b.getInt(NUM_MAPPINGS);
        if (n < 0 || n > maxMappings) {
            throw new PgDataException(Kind.CORRUPT, file, "num_mappings " + n + " outside 0.." + maxMappings);
        }
        Map<Long, Long> map = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            map.put(b.getInt(MAPPINGS + MAPPING_SIZE * i) & 0xFFFFFFFFL,
                b.getInt(MAPPINGS + MAPPING_SIZE * i + 4) & 0xFFFFFFFFL);
        }
        return map;
    }
}
