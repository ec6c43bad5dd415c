package org.xlogminer.wal.archive;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.xlogminer.wal.Lsn;
import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.reader.TimelineHistory;

/**
 * Parses the text of a timeline history file, as {@code writeTimeLineHistory()} writes it and
 * {@code readTimeLineHistory()} reads it ({@code src/backend/access/transam/timeline.c}): one line
 * per ancestor, oldest first,
 *
 * <pre>
 * parentTLI &lt;TAB&gt; switchpoint &lt;TAB&gt; reason
 * 1	0/3000148	no recovery target specified
 * </pre>
 *
 * where the switchpoint is the LSN (as {@code %X/%X}) at which the parent timeline ended and the
 * next one began; blank lines and lines starting with {@code #} are comments. Stricter than the
 * server: timeline IDs must increase and stay below the file's own timeline (the server checks that
 * too), switch points must not decrease, every line needs its switch point, and the text must be
 * UTF-8 without NUL bytes (a reason may be anything else). Any problem is a
 * {@link WalFormatException} naming the file and the line.
 *
 * <p>Stateless; thread-safe.
 */
public final class TimelineHistoryParser {

    /** The most a history file may hold: a line per timeline switch, a few hundred at most in practice. */
    public static final int MAX_BYTES = 1 << 20;

    private TimelineHistoryParser() {
    }

    /**
     * The history of {@code timeline} from the bytes of its history file.
     *
     * @param where the file, for messages
     * @throws WalFormatException when the text is not a valid history of {@code timeline}
     */
    public static TimelineHistory parse(byte[] content, int timeline, String where) {
        if (content.length > MAX_BYTES) {
            throw error(where, 0, "file has " + content.length + " bytes, more than a history file holds ("
                + MAX_BYTES + ")");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw error(where, 0, "not text (not UTF-8): not a timeline history file");
        }
        if (timeline == 0) {
            throw error(where, 0, "timeline 0 is not a timeline");
        }
        int[] parents = new int[8];
        long[] switches = new long[8];
        int n = 0;
        int lineNo = 0;
        int pos = 0;
        while (pos < text.length()) {
            int eol = text.indexOf('\n', pos);
            if (eol < 0) {
                eol = text.length();
            }
            String line = text.substring(pos, eol);
            pos = eol + 1;
            lineNo++;
            if (line.indexOf('\0') >= 0) {
                throw error(where, lineNo, "NUL byte in the text: not a timeline history file");
            }
            String t = line.strip();
            if (t.isEmpty() || t.charAt(0) == '#') {
                continue;
            }
            if (n == parents.length) {
                parents = Arrays.copyOf(parents, n * 2);
                switches = Arrays.copyOf(switches, n * 2);
            }
            Cursor c = new Cursor(t, where, lineNo);
            parents[n] = c.timelineId();
            if (!c.skipWhitespace()) {
                throw error(where, lineNo, "expected a write-ahead log switch point location after the timeline ID");
            }
            switches[n] = c.lsn();
            if (!c.atEnd() && !c.skipWhitespace()) {
                throw error(where, lineNo, "expected a tab after the switch point location");
            }
            if (n > 0 && Integer.compareUnsigned(parents[n], parents[n - 1]) <= 0) {
                throw error(where, lineNo, "timeline IDs must be in increasing sequence (" + Integer.toUnsignedString(parents[n])
                    + " after " + Integer.toUnsignedString(parents[n - 1]) + ")");
            }
            if (n > 0 && Long.compareUnsigned(switches[n], switches[n - 1]) < 0) {
                throw error(where, lineNo, "switch point " + Lsn.format(switches[n]) + " is before the one of the line before, "
                    + Lsn.format(switches[n - 1]));
            }
            if (Integer.compareUnsigned(parents[n], timeline) >= 0) {
                throw error(where, lineNo, "timeline IDs must be less than the child timeline's ID "
                    + Integer.toUnsignedString(timeline) + " (found " + Integer.toUnsignedString(parents[n]) + ")");
            }
            n++;
        }
        if (n == 0 && timeline != 1) {
            throw error(where, 0, "no timeline listed: the history of timeline " + Integer.toUnsignedString(timeline)
                + " names at least the timeline it branched off");
        }
        return TimelineHistory.of(timeline, Arrays.copyOf(parents, n), Arrays.copyOf(switches, n), where);
    }

    private static WalFormatException error(String where, int line, String problem) {
        return new WalFormatException("invalid timeline history file " + where + (line > 0 ? ", line " + line : "")
            + ": " + problem, null, 0);
    }

    /** Reads the fields of one line, left to right. */
    private static final class Cursor {
        private final String s;
        private final String where;
        private final int line;
        private int i;

        Cursor(String s, String where, int line) {
            this.s = s;
            this.where = where;
            this.line = line;
        }

        boolean atEnd() {
            return i >= s.length();
        }

        /** Skips spaces and tabs; whether there were any. */
        boolean skipWhitespace() {
            int from = i;
            while (i < s.length() && (s.charAt(i) == '\t' || s.charAt(i) == ' ')) {
                i++;
            }
            return i > from;
        }

        /** A timeline ID: decimal, 1 to 4294967295. */
        int timelineId() {
            int from = i;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            if (i == from) {
                throw error(where, line, "syntax error: expected a numeric timeline ID");
            }
            if (i - from > 10) {
                throw error(where, line, "timeline ID " + s.substring(from, i) + " is out of range");
            }
            long v = Long.parseLong(s.substring(from, i));
            if (v == 0 || v > 0xFFFF_FFFFL) {
                throw error(where, line, "timeline ID " + v + " is out of range (1 to 4294967295)");
            }
            return (int) v;
        }

        /** An LSN as %X/%X. */
        long lsn() {
            long hi = hex();
            if (i >= s.length() || s.charAt(i) != '/') {
                throw error(where, line, "syntax error: expected a write-ahead log switch point location as X/X");
            }
            i++;
            long lo = hex();
            return hi << 32 | lo;
        }

        private long hex() {
            int from = i;
            while (i < s.length() && Character.digit(s.charAt(i), 16) >= 0 && s.charAt(i) < 128) {
                i++;
            }
            if (i == from || i - from > 8) {
                throw error(where, line, "syntax error: expected a write-ahead log switch point location as X/X"
                    + " (1 to 8 hexadecimal digits each side)");
            }
            return Long.parseLong(s.substring(from, i), 16);
        }
    }
}
