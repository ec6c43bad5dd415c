package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state file: the position and its timeline, and the one-line files written before timelines
 * were; written over in place while it does not shrink, replaced whole when it would.
 */
class FollowStateTest {

    @TempDir
    Path tmp;

    @Test
    void holdsThePositionAndItsTimeline() throws Exception {
        FollowState s = new FollowState(tmp.resolve("f.state"));
        assertEquals(new FollowState.Saved(0, 0), s.read(), "no file yet");
        s.write(0x1A2B3C40L, 2);
        assertEquals("0/1A2B3C40\ntimeline 2\n", Files.readString(tmp.resolve("f.state")));
        assertEquals(new FollowState.Saved(0x1A2B3C40L, 2), s.read());
    }

    @Test
    void writesInPlaceUnlessTheFileWouldShrink() throws Exception {
        Path f = tmp.resolve("p.state");
        try (FollowState s = new FollowState(f)) {
            s.write(0x1A2B3C40L, 2);
            Object first = Files.readAttributes(f, BasicFileAttributes.class).fileKey();
            s.write(0x1A2B3C48L, 2);
            s.write(0x11A2B3C48L, 12);
            assertEquals("1/1A2B3C48\ntimeline 12\n", Files.readString(f));
            assertEquals(first, Files.readAttributes(f, BasicFileAttributes.class).fileKey(),
                "the same file, written over in place");
            assertFalse(Files.exists(tmp.resolve("p.state.tmp")));
            s.write(0x11A2B3C50L, 3);
            assertEquals("1/1A2B3C50\ntimeline 3\n", Files.readString(f), "shorter: replaced whole, nothing of the old left");
            s.write(0x11A2B3C58L, 3);
            assertEquals("1/1A2B3C58\ntimeline 3\n", Files.readString(f));
            assertEquals(new FollowState.Saved(0x11A2B3C58L, 3), s.read());
        }
    }

    @Test
    void aFileOfOneLineIsOfAnUnknownTimeline() throws Exception {
        Files.writeString(tmp.resolve("old.state"), "0/1A2B3C40\n");
        assertEquals(new FollowState.Saved(0x1A2B3C40L, 0), new FollowState(tmp.resolve("old.state")).read());
    }

    @Test
    void aSecondLineThatIsNoTimelineIsAnError() throws Exception {
        Files.writeString(tmp.resolve("bad.state"), "0/1A2B3C40\ntimeline x\n");
        IOException e = assertThrows(IOException.class, () -> new FollowState(tmp.resolve("bad.state")).read());
        assertTrue(e.getMessage().endsWith("the second line is not 'timeline N': 'timeline x'"), e.getMessage());
    }
}
