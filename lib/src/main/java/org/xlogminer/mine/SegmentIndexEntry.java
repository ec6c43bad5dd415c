package org.xlogminer.mine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * What the index ({@link WalIndexFile}) knows of one segment: the records that start in it, the
 * commit and abort times among them, its checkpoints, and a stamp of the file it was read from.
 *
 * <p>The stamp is the file's name, size, modification time and a CRC-32C of its first and last
 * 8 KiB as stored (compressed or not): a few reads, whatever the archive's size. A segment replaced
 * by another file (another cluster's, another timeline's, recompressed, re-archived) differs in one
 * of them; what it does not see is a file changed in its middle with its size and modification
 * time kept, which only a full checksum would (reading the archive, which the index is there to
 * avoid).
 *
 * @param segno       the segment number
 * @param file        the file name read for it
 * @param size        the file's size
 * @param mtimeMillis the file's modification time
 * @param crc         CRC-32C of its first and last 8 KiB
 * @param firstLsn    the first record that starts in the segment (0: none)
 * @param lastLsn     the last one
 * @param firstCommit the time of the first commit or abort record, microseconds since 2000-01-01
 *                    ({@code commits == 0}: meaningless, as the three after it)
 * @param lastCommit  the time of the last
 * @param minCommit   the earliest commit or abort time in it
 * @param maxCommit   the latest
 * @param commits     how many commit and abort records start in it
 * @param checkpoints its checkpoint records
 */
public record SegmentIndexEntry(long segno, String file, long size, long mtimeMillis, long crc, long firstLsn,
                                long lastLsn, long firstCommit, long lastCommit, long minCommit, long maxCommit,
                                long commits, List<IndexedCheckpoint> checkpoints) {

    /** The bytes at each end of the file that the stamp's CRC covers. */
    static final int STAMP_BYTES = 8192;

    /**
     * A checkpoint record.
     *
     * @param lsn  where the record is
     * @param redo its REDO point
     * @param time its time, seconds since 1970
     * @param nextXid the next xid it saw (32 bits, unsigned), -1 when not known
     */
    public record IndexedCheckpoint(long lsn, long redo, long time, long nextXid) {

        /** As the miner starts at it; null when the next xid is not known. */
        Checkpoints.Checkpoint checkpoint() {
            return nextXid < 0 ? null : new Checkpoints.Checkpoint(lsn, redo, (int) nextXid);
        }
    }

    /** The stamp of a file as it is now. */
    record Stamp(String file, long size, long mtimeMillis, long crc) {

        static Stamp of(Path path) throws IOException {
            long size = Files.size(path);
            long mtime = Files.getLastModifiedTime(path).toMillis();
            CRC32C crc = new CRC32C();
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                ByteBuffer b = ByteBuffer.allocate((int) Math.min(STAMP_BYTES, size));
                readAt(ch, b, 0);
                crc.update(b.flip());
                if (size > STAMP_BYTES) {
                    b.clear();
                    readAt(ch, b, Math.max(STAMP_BYTES, size - STAMP_BYTES));
                    crc.update(b.flip());
                }
            }
            return new Stamp(path.getFileName().toString(), size, mtime, crc.getValue());
        }

        private static void readAt(FileChannel ch, ByteBuffer b, long pos) throws IOException {
            while (b.hasRemaining()) {
                int n = ch.read(b, pos);
                if (n < 0) {
                    break;
                }
                pos += n;
            }
        }
    }

    Stamp stamp() {
        return new Stamp(file, size, mtimeMillis, crc);
    }
}
