package org.xlogminer.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogJsonTest {

    @TempDir
    Path tmp;

    @Test
    void roundTripsExactlyThroughAFile() throws Exception {
        CatalogSnapshot s = CatalogSamples.snapshot();
        Path file = tmp.resolve("catalog.json");
        CatalogJson.write(s, file);
        assertEquals(s, CatalogJson.read(file));
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void roundTripsExactlyThroughStreams() throws Exception {
        CatalogSnapshot s = CatalogSamples.snapshot();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CatalogJson.write(s, bytes);
        assertEquals(s, CatalogJson.read(new ByteArrayInputStream(bytes.toByteArray())));
        StringWriter text = new StringWriter();
        CatalogJson.write(s, text);
        assertEquals(s, CatalogJson.read(new StringReader(text.toString())));
        assertEquals(bytes.toString(StandardCharsets.UTF_8) + "\n", text.toString());
    }

    @Test
    void writesTheDocumentedForm() throws Exception {
        StringWriter w = new StringWriter();
        CatalogJson.write(CatalogSamples.snapshot(), w);
        String json = w.toString();
        assertTrue(json.startsWith("{\n  \"format\" : \"xlogminer-catalog\",\n  \"formatVersion\" : 1,"), json);
        assertTrue(json.contains("\"systemIdentifier\" : \"17375808098319191535\""), "unsigned, as a string");
        assertTrue(json.contains("\"captureLsn\" : \"FFFFFFFF/00000010\""), json);
        assertTrue(json.contains("\"capturedAt\" : \"2025-01-31T12:34:56.123456Z\""), json);
        assertTrue(json.contains("\"relkind\" : \"r\""), json);
        assertTrue(json.contains("\n        {\"attnum\":1,\"name\":\"id\",\"typeOid\":23,\"typmod\":-1,\"len\":4,"
            + "\"byval\":true,\"align\":\"i\",\"storage\":\"p\",\"notNull\":true,\"dropped\":false,\"hasMissing\":false,"
            + "\"missingValue\":null,\"generated\":\"\",\"identity\":\"a\"},\n"), "one column per line, NONE as \"\": " + json);
        assertTrue(json.contains("\"primaryKey\" : [1],"), json);
        assertTrue(json.contains("\"identityKey\" : [],"), json);
        assertTrue(json.indexOf("\"sad\"") < json.indexOf("\"ok\"") && json.indexOf("\"ok\"") < json.indexOf("\"happy\""),
            "enum labels by OID");
    }

    @Test
    void refusesOtherFormatsAndVersions() throws Exception {
        String json = json();
        CatalogFormatException other = assertThrows(CatalogFormatException.class,
            () -> read(json.replace("\"xlogminer-catalog\"", "\"something-else\"")));
        assertTrue(other.getMessage().contains("not an xlogminer catalog file: \"format\" is \"something-else\""),
            other.getMessage());
        CatalogFormatException newer = assertThrows(CatalogFormatException.class,
            () -> read(json.replace("\"formatVersion\" : 1", "\"formatVersion\" : 2")));
        assertEquals("catalog format version 2 is not supported: this xlogminer reads version 1"
            + " (the file was written by a newer xlogminer)", newer.getMessage());
        CatalogFormatException none = assertThrows(CatalogFormatException.class, () -> read("{\"tables\": []}"));
        assertTrue(none.getMessage().contains("\"format\" is missing"), none.getMessage());
        CatalogFormatException notJson = assertThrows(CatalogFormatException.class, () -> read("{\"format\": "));
        assertTrue(notJson.getMessage().startsWith("not a JSON catalog file"), notJson.getMessage());
    }

    @Test
    void namesTheFileAndThePathOfABadField() throws Exception {
        Path file = tmp.resolve("bad.json");
        Files.writeString(file, json().replaceFirst("\"attnum\":3", "\"attnum\":\"3\""));
        CatalogFormatException e = assertThrows(CatalogFormatException.class, () -> CatalogJson.read(file));
        assertEquals(file + ": expected a 32-bit integer at tables[0].columns[2].attnum", e.getMessage());

        Files.writeString(file, json().replaceFirst("\"relkind\" : \"r\"", "\"relkind\" : \"rr\""));
        e = assertThrows(CatalogFormatException.class, () -> CatalogJson.read(file));
        assertTrue(e.getMessage().endsWith("expected one character, not 'rr' at tables[0].relkind"), e.getMessage());

        Files.writeString(file, json().replaceFirst("\"captureLsn\" : \"FFFFFFFF/00000010\"", "\"captureLsn\" : 12"));
        e = assertThrows(CatalogFormatException.class, () -> CatalogJson.read(file));
        assertTrue(e.getMessage().endsWith("expected a string at captureLsn"), e.getMessage());

        Files.writeString(file, json().replaceFirst("\"relfilenode\" : 16401,", ""));
        e = assertThrows(CatalogFormatException.class, () -> CatalogJson.read(file));
        assertTrue(e.getMessage().endsWith("missing field at tables[0].relfilenode"), e.getMessage());
    }

    @Test
    void ignoresUnknownFields() throws Exception {
        String json = json().replace("\"formatVersion\" : 1,", "\"formatVersion\" : 1, \"comment\" : \"hi\",");
        assertTrue(json.contains("\"comment\""), "the file read has a field the reader does not know");
        assertEquals(CatalogSamples.snapshot(), read(json));
    }

    @Test
    void readsASnapshotWrittenBeforeRowEstimatesAsNotKnowingThem() throws Exception {
        String json = json();
        assertTrue(json.contains("\"rowEstimate\" : 12000.0"), json);
        CatalogSnapshot old = read(json.replaceAll(",\\s*\"rowEstimate\" : 12000.0", ""));
        assertEquals(-1, old.table("public.accounts").rowEstimate());
        assertEquals(12_000, read(json).table("public.accounts").rowEstimate());
        assertFalse(json.contains("\"rowEstimate\" : -1"), "not written when not known");
    }

    private static String json() throws Exception {
        StringWriter w = new StringWriter();
        CatalogJson.write(CatalogSamples.snapshot(), w);
        return w.toString();
    }

    private static CatalogSnapshot read(String json) throws Exception {
        return CatalogJson.read(new StringReader(json));
    }
}
