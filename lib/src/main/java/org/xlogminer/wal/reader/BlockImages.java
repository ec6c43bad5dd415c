package org.xlogminer.wal.reader;

import static org.xlogminer.wal.reader.XLogPageHeaderLayout.XLOG_BLCKSZ;

import io.airlift.compress.MalformedInputException;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.zstd.ZstdDecompressor;

import org.xlogminer.compress.Pglz;
import org.xlogminer.wal.WalFormatException;

/**
 * Restores full-page images to the 8 kB page they stand for, as {@code RestoreBlockImage()} in
 * {@code xlogreader.c} does: decompress (pglz; raw LZ4 blocks and zstd frames on 15 and later) to
 * {@code BLCKSZ - hole_length} bytes, then put the hole of zeros back at {@code hole_offset}.
 *
 * <p>Not thread-safe: holds a scratch buffer and decompressors. One per reading thread.
 */
public final class BlockImages {

    private final byte[] scratch = new byte[XLOG_BLCKSZ];
    private final Lz4Decompressor lz4 = new Lz4Decompressor();
    private final ZstdDecompressor zstd = new ZstdDecompressor();

    /**
     * Writes the page of block reference {@code i} of {@code record} into {@code page[0, 8192)}.
     *
     * @throws WalFormatException when the image cannot be decompressed to the expected size
     * @throws IllegalArgumentException when the block has no image
     */
    public void restore(XLogRecordView record, int i, byte[] page) {
        if (!record.hasImage(i)) {
            throw new IllegalArgumentException("block " + record.blockId(i) + " has no image");
        }
        byte[] src = record.buffer().array();
        int srcOff = record.buffer().arrayOffset() + record.imageOffset(i);
        int len = record.imageLength(i);
        int holeOff = record.holeOffset(i);
        int holeLen = record.holeLength(i);
        int want = XLOG_BLCKSZ - holeLen;
        ImageCompression method = record.imageCompression(i);
        byte[] body;
        int bodyOff;
        if (method == ImageCompression.NONE) {
            body = src;
            bodyOff = srcOff;
        } else {
            int got;
            try {
                switch (method) {
                    case PGLZ:
                        got = Pglz.decompress(src, srcOff, len, scratch, 0, want, true);
                        break;
                    case LZ4:
                        got = lz4.decompress(src, srcOff, len, scratch, 0, want);
                        break;
                    case ZSTD:
                        got = zstd.decompress(src, srcOff, len, scratch, 0, want);
                        break;
                    default:
                        throw new IllegalStateException(method.name());
                }
            } catch (MalformedInputException | IllegalArgumentException | IndexOutOfBoundsException | UnsupportedOperationException e) {
                // Corrupt input: the decompressors report it in several ways; all mean the same here.
                got = -1;
            }
            if (got != want) {
                throw new WalFormatException("invalid compressed image (" + method.label() + ", " + len
                    + " bytes, expected to restore " + want + ") in block " + record.blockId(i)
                    + " rmid=" + record.rmid(), null, record.lsn());
            }
            body = scratch;
            bodyOff = 0;
        }
        if (holeLen == 0) {
            System.arraycopy(body, bodyOff, page, 0, XLOG_BLCKSZ);
        } else {
            System.arraycopy(body, bodyOff, page, 0, holeOff);
            java.util.Arrays.fill(page, holeOff, holeOff + holeLen, (byte) 0);
            System.arraycopy(body, bodyOff + holeOff, page, holeOff + holeLen, XLOG_BLCKSZ - holeOff - holeLen);
        }
    }
}
