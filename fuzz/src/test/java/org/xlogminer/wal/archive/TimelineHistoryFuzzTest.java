package org.xlogminer.wal.archive;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.reader.TimelineHistory;

/**
 * A timeline history file ({@code 00000002.history}) from an archive or pg_wal:
 * {@link TimelineHistoryParser#parse} must give a history or throw its documented
 * {@link WalFormatException}; a history it gives must then answer what reading along it asks
 * (the timeline of an LSN, the next switch, the timelines of the segments around each switch).
 * The input's first byte is the file's own timeline (1 to 256), the rest its bytes. Seeds: the
 * history file a real promotion wrote ({@code org.xlogminer.fuzz.PgDataSeeds}).
 */
class TimelineHistoryFuzzTest {

    private static final int SEGMENT = 16 << 20;

    @FuzzTest(maxDuration = "5m")
    void parse(byte[] input) {
        if (input.length < 1) {
            return;
        }
        int timeline = (input[0] & 0xFF) + 1;
        byte[] content = java.util.Arrays.copyOfRange(input, 1, input.length);
        TimelineHistory h;
        try {
            h = TimelineHistoryParser.parse(content, timeline, "00000002.history");
        } catch (WalFormatException e) {
            return; // documented
        }
        for (int i = 0; i < h.size(); i++) {
            long begin = h.begin(i);
            h.timelineAt(begin);
            h.switchAfter(begin);
            h.contains(h.tli(i));
            h.endOf(h.tli(i));
            h.beginOf(h.tli(i));
            long segno = Long.divideUnsigned(begin, SEGMENT);
            h.timelinesOfSegment(segno, SEGMENT);
            if (segno > 0) {
                h.timelinesOfSegment(segno - 1, SEGMENT);
            }
        }
        h.switchesBetween(0, -1L >>> 1);
        h.toString();
    }
}
