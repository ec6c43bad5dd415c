package org.xlogminer.wal.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.xlogminer.wal.WalFormatException;
import org.xlogminer.wal.reader.TimelineHistory;

/**
 * History files as {@code writeTimeLineHistory()} writes them (the parent's lines copied, then a
 * line for the parent: {@code "%s%u\t%X/%X\t%s\n"} after a blank line when the parent had a file),
 * and the damage a strict reader must name.
 */
class TimelineHistoryParserTest {

    private static TimelineHistory parse(String text, int tli) {
        return TimelineHistoryParser.parse(text.getBytes(StandardCharsets.UTF_8), tli, "0000000" + tli + ".history");
    }

    @Test
    void theHistoryOfATimelineListsItsAncestorsThenItself() {
        TimelineHistory h = parse("1\t0/3000148\tno recovery target specified\n\n"
            + "2\t0/50000A0\tbefore 2026-12-07 04:00:00+00\n", 3);
        assertEquals(3, h.size());
        assertEquals(3, h.timeline());
        assertEquals(1, h.timelineAt(0));
        assertEquals(1, h.timelineAt(0x3000147L));
        assertEquals(2, h.timelineAt(0x3000148L), "a timeline begins at its parent's switch point");
        assertEquals(3, h.timelineAt(0x50000A0L));
        assertEquals(0x3000148L, h.switchAfter(0x100L));
        assertEquals(TimelineHistory.NO_END, h.switchAfter(0x6000000L));
        assertEquals("00000003.history", h.source());
    }

    @Test
    void theSegmentHoldingASwitchPointIsReadFromTheNewTimelinesCopy() {
        TimelineHistory h = parse("1\t0/3000148\tx\n", 2);
        int seg = 1 << 24;
        assertArrayEquals(new int[] {1}, h.timelinesOfSegment(2, seg));
        assertArrayEquals(new int[] {2, 1}, h.timelinesOfSegment(3, seg));
        assertArrayEquals(new int[] {2}, h.timelinesOfSegment(4, seg));
        TimelineHistory boundary = parse("1\t0/4000000\tx\n", 2);
        assertArrayEquals(new int[] {1}, boundary.timelinesOfSegment(3, seg), "a switch at a segment boundary");
        assertArrayEquals(new int[] {2}, boundary.timelinesOfSegment(4, seg));
    }

    @Test
    void historyFilesAreFoundByNameCompressedOrNot() {
        assertEquals(2, HistoryFile.parse(java.nio.file.Path.of("/a/00000002.history"), Compression.NONE).timeline());
        assertEquals(0x1A, HistoryFile.parse(java.nio.file.Path.of("0000001A.history.gz"), Compression.GZIP).timeline());
        assertEquals(null, HistoryFile.parse(java.nio.file.Path.of("00000002.history.tmp"), Compression.NONE));
        assertEquals(null, HistoryFile.parse(java.nio.file.Path.of("000000020000000000000003"), Compression.NONE));
        assertEquals("0000000A.history", HistoryFile.nameOf(10));
    }

    @Test
    void commentsBlankLinesAndCrLfAreAccepted() {
        TimelineHistory h = parse("# made by hand\r\n\r\n  1\t0/3000148\tno recovery target specified\r\n", 2);
        assertEquals(2, h.size());
        assertEquals(0x3000148L, h.end(0));
    }

    @Test
    void damageIsNamedWithTheFileAndTheLine() {
        assertProblem("x\t0/1\n", 2, "line 1", "numeric timeline ID");
        assertProblem("1\n", 2, "line 1", "switch point");
        assertProblem("1\t0-1\tr\n", 2, "line 1", "X/X");
        assertProblem("1\t0/123456789\tr\n", 2, "line 1", "hexadecimal");
        assertProblem("1\t0/100\n1\t0/200\n", 3, "line 2", "increasing");
        assertProblem("1\t0/200\n2\t0/100\n", 3, "line 2", "before the one");
        assertProblem("2\t0/100\n", 2, "line 1", "less than the child");
        assertProblem("0\t0/100\n", 2, "line 1", "out of range");
        assertProblem("99999999999\t0/100\n", 200, "line 1", "out of range");
        assertProblem("1\t0/100x\n", 2, "line 1", "tab after");
        assertProblem("# nothing\n", 2, "00000002.history", "no timeline listed");
        WalFormatException e = assertThrows(WalFormatException.class,
            () -> TimelineHistoryParser.parse(new byte[] {(byte) 0xC3, 0x28}, 2, "00000002.history"));
        assertTrue(e.getMessage().contains("not text"), e.getMessage());
        assertProblem("1\t0/100\t\0\n", 2, "line 1", "NUL");
    }

    private static void assertProblem(String text, int tli, String where, String what) {
        WalFormatException e = assertThrows(WalFormatException.class, () -> parse(text, tli), text);
        assertTrue(e.getMessage().contains("0000000" + tli + ".history") || e.getMessage().contains(tli + ".history"), e.getMessage());
        assertTrue(e.getMessage().contains(where) && e.getMessage().contains(what), e.getMessage());
    }
}
