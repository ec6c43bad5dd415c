package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state file: the position and its timeline, and the one-line files written before timelines were. */
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
