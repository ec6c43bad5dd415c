package org.xlogminer.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ScriptOutputTest {

    @Test
    void utf8IsNeverCutInsideACharacter() {
        byte[] b = "a\u00e9\u20ac\ud83d\ude00b".getBytes(java.nio.charset.StandardCharsets.UTF_8); // 1+2+3+4+1 bytes
        int[] expected = {0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10, 11};
        for (int len = 1; len <= b.length; len++) {
            assertEquals(expected[len], ScriptOutput.completeUtf8(b, 0, len), "prefix of " + len + " bytes");
        }
    }
}
