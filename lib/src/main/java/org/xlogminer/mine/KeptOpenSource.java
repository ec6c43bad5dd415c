package org.xlogminer.mine;

import java.io.IOException;
import java.nio.file.Path;

import org.xlogminer.wal.reader.SegmentSource;
import org.xlogminer.wal.reader.TimelineHistory;

/**
 * A source whose {@link #close()} does nothing: for a pass (a {@link Miner}, which closes its source)
 * after which the same WAL is read again; the caller closes the source it wraps. Every other call
 * goes to that source.
 */
final class KeptOpenSource implements SegmentSource {

    private final SegmentSource source;

    KeptOpenSource(SegmentSource source) {
        this.source = source;
    }

    @Override
    public int segmentSize() {
        return source.segmentSize();
    }

    @Override
    public int timeline() {
        return source.timeline();
    }

    @Override
    public long firstSegno() {
        return source.firstSegno();
    }

    @Override
    public long lastSegno() {
        return source.lastSegno();
    }

    @Override
    public boolean contains(long segno) {
        return source.contains(segno);
    }

    @Override
    public String segmentName(long segno) {
        return source.segmentName(segno);
    }

    @Override
    public int read(long segno, long offset, byte[] dst, int dstOffset, int length) throws IOException {
        return source.read(segno, offset, dst, dstOffset, length);
    }

    @Override
    public long fileSize(long segno) throws IOException {
        return source.fileSize(segno);
    }

    @Override
    public String describe() {
        return source.describe();
    }

    @Override
    public TimelineHistory history() {
        return source.history();
    }

    @Override
    public int fileTimeline(long segno) {
        return source.fileTimeline(segno);
    }

    @Override
    public long receivedEnd() {
        return source.receivedEnd();
    }

    @Override
    public void keep(long fromLsn, long toLsn) {
        source.keep(fromLsn, toLsn);
    }

    @Override
    public int readHead(long segno, byte[] dst, int length) throws IOException {
        return source.readHead(segno, dst, length);
    }

    @Override
    public Path file(long segno) {
        return source.file(segno);
    }

    @Override
    public void close() {
        // the caller closes the source
    }
}
