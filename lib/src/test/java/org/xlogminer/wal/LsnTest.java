package org.xlogminer.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LsnTest {

    @Test
    void formatsAsPostgresDoes() {
        assertEquals("0/00000000", Lsn.format(0));
        assertEquals("0/0062CF90", Lsn.format(0x62CF90L));
        assertEquals("16/B374D848", Lsn.format(0x16_B374D848L));
        assertEquals("FFFFFFFF/FFFFFFFF", Lsn.format(-1L));
    }

    @Test
    void parsesWhatPgLsnAccepts() {
        assertEquals(0x62CF90L, Lsn.parse("0/62CF90").value());
        assertEquals(0x16_B374D848L, Lsn.parse("16/b374d848").value());
        assertEquals(-1L, Lsn.parse("FFFFFFFF/FFFFFFFF").value());
        assertEquals(Lsn.parse("0/1"), Lsn.parse(Lsn.format(1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "0/", "/1", "1/2/3", "g/1", "123456789/0", "0/123456789", "-1/0", "0x1/0"})
    void rejectsAnythingElse(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Lsn.parse(text));
        assertTrue(e.getMessage().contains("not an LSN"));
    }

    @Test
    void comparesUnsigned() {
        assertTrue(Lsn.parse("0/1").isBefore(Lsn.parse("FFFFFFFF/0")));
    }
}
