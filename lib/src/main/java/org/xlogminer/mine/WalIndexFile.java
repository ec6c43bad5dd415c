package org.xlogminer.mine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

import org.xlogminer.wal.Lsn;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The index of a WAL archive as a file of JSON lines: a header, then one line per segment
 * ({@link SegmentIndexEntry}), in segment order. Small (about 300 bytes a segment: 160 MB for a
 * year of a segment a minute, 2.6 MB for a segment an hour) and readable with any JSON tool.
 *
 * <table>
 * <caption>format, version 1</caption>
 * <tr><th>line</th><th>fields</th></tr>
 * <tr><td>1</td><td>{@code {"xlogminer_wal_index":1,"segment_size":N}}</td></tr>
 * <tr><td>each segment</td><td>{@code segment} (16 hex digits: the segment's name without its timeline), {@code file}, {@code size},
 * {@code mtime_ms}, {@code crc32c} (the stamp, see {@link SegmentIndexEntry}), {@code first_lsn},
 * {@code last_lsn} ("X/X"), {@code commits}, {@code first_commit}, {@code last_commit},
 * {@code min_commit}, {@code max_commit} (microseconds since 2000-01-01, as PostgreSQL keeps them;
 * absent when commits is 0), {@code checkpoints}: [{@code {"lsn","redo","time","next_xid"}}] (time:
 * seconds since 1970)</td></tr>
 * </table>
 * An unknown version is refused; unknown fields are skipped (a later version may add some).
 *
 * <p>Stateless; thread-safe.
 */
public final class WalIndexFile {

    public static final int VERSION = 1;
    private static final JsonFactory JSON = new JsonFactory();

    /**
     * What a file holds.
     *
     * @param segmentSize the segment size of the WAL indexed
     * @param entries     by segment number
     */
    public record Contents(int segmentSize, TreeMap<Long, SegmentIndexEntry> entries) {
    }

    private WalIndexFile() {
    }

    /** Writes the entries (in segment order) to the file, through a temporary file renamed over it. */
    public static void write(Path file, int segmentSize, Collection<SegmentIndexEntry> entries) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                try (JsonGenerator g = JSON.createGenerator(out).setRootValueSeparator(null)) {
                    g.writeStartObject();
                    g.writeNumberField("xlogminer_wal_index", VERSION);
                    g.writeNumberField("segment_size", segmentSize);
                    g.writeEndObject();
                    g.writeRaw('\n');
                    for (SegmentIndexEntry e : entries) {
                        writeEntry(g, e, segmentSize);
                        g.writeRaw('\n');
                    }
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeEntry(JsonGenerator g, SegmentIndexEntry e, int segmentSize) throws IOException {
        g.writeStartObject();
        g.writeStringField("segment", String.format("%08X%08X", e.segno() / (0x100000000L / segmentSize),
            e.segno() % (0x100000000L / segmentSize)));
        g.writeStringField("file", e.file());
        g.writeNumberField("size", e.size());
        g.writeNumberField("mtime_ms", e.mtimeMillis());
        g.writeNumberField("crc32c", e.crc());
        g.writeStringField("first_lsn", Lsn.format(e.firstLsn()));
        g.writeStringField("last_lsn", Lsn.format(e.lastLsn()));
        g.writeNumberField("commits", e.commits());
        if (e.commits() > 0) {
            g.writeNumberField("first_commit", e.firstCommit());
            g.writeNumberField("last_commit", e.lastCommit());
            g.writeNumberField("min_commit", e.minCommit());
            g.writeNumberField("max_commit", e.maxCommit());
        }
        g.writeArrayFieldStart("checkpoints");
        for (SegmentIndexEntry.IndexedCheckpoint c : e.checkpoints()) {
            g.writeStartObject();
            g.writeStringField("lsn", Lsn.format(c.lsn()));
            g.writeStringField("redo", Lsn.format(c.redo()));
            g.writeNumberField("time", c.time());
            g.writeNumberField("next_xid", c.nextXid());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /**
     * Reads an index file.
     *
     * @throws IOException naming the file and line when it is not an index of this version
     */
    public static Contents read(Path file) throws IOException {
        TreeMap<Long, SegmentIndexEntry> entries = new TreeMap<>();
        int segmentSize = 0;
        int line = 0;
        try (InputStream in = Files.newInputStream(file); JsonParser p = JSON.createParser(in)) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
                line++;
                if (line == 1) {
                    int version = -1;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String f = p.currentName();
                        p.nextToken();
                        if (f.equals("xlogminer_wal_index")) {
                            version = p.getIntValue();
                        } else if (f.equals("segment_size")) {
                            segmentSize = p.getIntValue();
                        } else {
                            p.skipChildren();
                        }
                    }
                    if (version != VERSION || segmentSize <= 0) {
                        throw new IOException(file + ": not a WAL index of version " + VERSION + " (line 1)");
                    }
                } else {
                    SegmentIndexEntry e = entry(p, segmentSize);
                    entries.put(e.segno(), e);
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            throw new IOException(file + ": line " + (line + 1) + " is not an index entry: " + e.getMessage(), e);
        }
        if (line == 0) {
            throw new IOException(file + ": empty, not a WAL index");
        }
        return new Contents(segmentSize, entries);
    }

    private static SegmentIndexEntry entry(JsonParser p, int segmentSize) throws IOException {
        long segno = -1;
        String file = null;
        long size = 0, mtime = 0, crc = 0, firstLsn = 0, lastLsn = 0, commits = 0;
        long first = 0, last = 0, min = 0, max = 0;
        List<SegmentIndexEntry.IndexedCheckpoint> cps = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            p.nextToken();
            switch (f) {
                case "segment" -> {
                    String s = p.getText();
                    segno = Long.parseLong(s.substring(0, 8), 16) * (0x100000000L / segmentSize)
                        + Long.parseLong(s.substring(8, 16), 16);
                }
                case "file" -> file = p.getText();
                case "size" -> size = p.getLongValue();
                case "mtime_ms" -> mtime = p.getLongValue();
                case "crc32c" -> crc = p.getLongValue();
                case "first_lsn" -> firstLsn = lsn(p.getText());
                case "last_lsn" -> lastLsn = lsn(p.getText());
                case "commits" -> commits = p.getLongValue();
                case "first_commit" -> first = p.getLongValue();
                case "last_commit" -> last = p.getLongValue();
                case "min_commit" -> min = p.getLongValue();
                case "max_commit" -> max = p.getLongValue();
                case "checkpoints" -> {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        long lsn = 0, redo = 0, time = 0, nextXid = -1;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String c = p.currentName();
                            p.nextToken();
                            switch (c) {
                                case "lsn" -> lsn = lsn(p.getText());
                                case "redo" -> redo = lsn(p.getText());
                                case "time" -> time = p.getLongValue();
                                case "next_xid" -> nextXid = p.getLongValue();
                                default -> p.skipChildren();
                            }
                        }
                        cps.add(new SegmentIndexEntry.IndexedCheckpoint(lsn, redo, time, nextXid));
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (segno < 0 || file == null) {
            throw new IllegalArgumentException("segment or file missing");
        }
        return new SegmentIndexEntry(segno, file, size, mtime, crc, firstLsn, lastLsn, first, last, min, max, commits,
            List.copyOf(cps));
    }

    private static long lsn(String text) {
        Lsn l = Lsn.parse(text);
        return l.value();
    }
}
