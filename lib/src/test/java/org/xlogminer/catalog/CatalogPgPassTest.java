package org.xlogminer.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@link PgPassFile}: libpq's password file syntax. */
class CatalogPgPassTest {

    private final PgPassFile file = PgPassFile.parse(List.of(
        "# comment:line:*:*:nope",
        "",
        "db.example:5432:shop:miner:first",
        "db.example:5432:shop:miner:second (never: the first match wins)",
        "db.example:*:*:reader:p\\:w\\\\x:y",
        "\\*:5433:*:*:literal star",
        "*:5433:*:*:any host on 5433",
        "short:line",
        "host\\:6:5432:db:u:colon in host",
        "*:*:*:*:fallback"));

    @Test
    void firstMatchingLineWins() {
        assertEquals("first", file.find("db.example", 5432, "shop", "miner"));
    }

    @Test
    void starMatchesAnythingAndEscapesAreUndone() {
        assertEquals("p:w\\x:y", file.find("db.example", 6543, "other", "reader"), "the password runs to the end");
        assertEquals("any host on 5433", file.find("elsewhere", 5433, "db", "u"));
        assertEquals("literal star", file.find("*", 5433, "db", "u"), "an escaped star is a star");
        assertEquals("colon in host", file.find("host:6", 5432, "db", "u"));
        assertEquals("fallback", file.find("db.example", 5432, "shop", "someone"));
    }

    @Test
    void noMatchIsNull() {
        assertNull(PgPassFile.parse(List.of("a:1:b:c:d", "# *:*:*:*:x", "*:*:*:*")).find("x", 1, "b", "c"));
    }

    @Test
    void locatesTheFileAsPgjdbcDoes() {
        String saved = System.getProperty(PgPassFile.PROPERTY);
        try {
            System.clearProperty(PgPassFile.PROPERTY);
            assertEquals(Path.of("/home/u/.pgpass"), PgPassFile.locate(Map.of(), "/home/u"));
            assertEquals(Path.of("/etc/pw"), PgPassFile.locate(Map.of("PGPASSFILE", "/etc/pw"), "/home/u"));
            System.setProperty(PgPassFile.PROPERTY, "/opt/pw");
            assertEquals(Path.of("/opt/pw"), PgPassFile.locate(Map.of("PGPASSFILE", "/etc/pw"), "/home/u"));
        } finally {
            if (saved == null) {
                System.clearProperty(PgPassFile.PROPERTY);
            } else {
                System.setProperty(PgPassFile.PROPERTY, saved);
            }
        }
    }
}
