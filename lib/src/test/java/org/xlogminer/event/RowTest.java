package org.xlogminer.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.xlogminer.render.SqlRenderer;
import org.xlogminer.types.FormatWarnings;
import org.xlogminer.types.ValueFormatter;
import org.xlogminer.types.ValueFormatters;

/** Rows made from stored bytes read, compare and render as rows made of their columns. */
class RowTest {

    private static final ValueFormatters TYPES = new ValueFormatters(Map.of(), 16, new FormatWarnings());
    private static final ValueFormatter INT4 = TYPES.forType(23);
    private static final ValueFormatter TEXT = TYPES.forType(25);
    private static final ValueFormatter JSON = TYPES.forType(114);
    private static final ValueFormatter NUMERIC = TYPES.forType(1700);
    private static final Row.Layout LAYOUT = new Row.Layout(List.of("id", "note", "doc", "balance", "big"),
        List.of(INT4, TEXT, JSON, NUMERIC, TEXT));

    /** The payloads, laid out from {@code at} on, in one buffer (as a tuple's are). */
    private static final class Payloads {
        final ByteBuffer data = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        final int[] spans = new int[2 * LAYOUT.size()];

        Payloads(int at) {
            data.position(at);
        }

        Payloads put(int column, byte[] payload) {
            spans[2 * column] = data.position();
            spans[2 * column + 1] = payload.length;
            data.put(payload);
            return this;
        }
    }

    private static byte[] int4(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hex(String h) {
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    private static final Value UNKNOWN = new Value.Unknown("TOAST value 16421 of pg_toast_16384: its chunks are not in the WAL read");

    /** id 7, note "it's", doc {"a": 1}, balance 123.45 (numeric), big unknown; from bytes laid out at {@code at}. */
    private static Row fromBytes(int at, String note) {
        Payloads p = new Payloads(at).put(0, int4(7)).put(1, utf8(note)).put(2, utf8("{\"a\": 1}"))
            .put(3, hex("00817b009411"));
        Value[] values = new Value[LAYOUT.size()];
        values[4] = UNKNOWN;
        return Row.fromBytes(LAYOUT, p.data, new byte[] {Row.BYTES, Row.BYTES, Row.BYTES, Row.BYTES, Row.VALUE},
            p.spans, values);
    }

    private static Row ofColumns(String note) {
        List<Column> cols = new ArrayList<>();
        cols.add(new Column("id", "integer", new Value.Known("7", "7")));
        cols.add(new Column("note", "text", Row.format(TEXT, ByteBuffer.wrap(utf8(note)), 0, utf8(note).length)));
        cols.add(new Column("doc", "json", Row.format(JSON, ByteBuffer.wrap(utf8("{\"a\": 1}")), 0, 8)));
        cols.add(new Column("balance", "numeric", new Value.Known("123.45", "123.45")));
        cols.add(new Column("big", "text", UNKNOWN));
        return new Row(cols);
    }

    @Test
    void readsAsTheRowOfItsColumns() {
        Row bytes = fromBytes(3, "it's");
        Row cols = ofColumns("it's");
        assertEquals("'it''s'", ((Value.Known) cols.columns().get(1).value()).sqlLiteral().substring(0, 7));
        assertEquals(cols.columns(), bytes.columns());
        assertEquals(cols, bytes);
        assertEquals(cols.hashCode(), bytes.hashCode());
        assertEquals(cols.toString(), fromBytes(0, "it's").toString());
        assertEquals(5, bytes.size());
        for (int i = 0; i < bytes.size(); i++) {
            assertEquals(cols.name(i), bytes.name(i));
            assertEquals(cols.type(i), bytes.type(i));
            assertEquals(cols.value(i), fromBytes(0, "it's").value(i));
            assertEquals(cols.isUnknown(i), bytes.isUnknown(i));
            assertFalse(bytes.isNull(i));
        }
        assertEquals(3, bytes.indexOf("balance"));
        assertEquals(-1, bytes.indexOf("nope"));
        assertFalse(bytes.complete());
        assertEquals(cols.column("note"), fromBytes(9, "it's").column("note"));
    }

    @Test
    void appendsTheLiteralAndTextItsValueHolds() {
        Row bytes = fromBytes(5, "x'y");
        for (int i = 0; i < 4; i++) {
            Value.Known k = (Value.Known) ofColumns("x'y").value(i);
            StringBuilder lit = new StringBuilder("<");
            bytes.appendSqlLiteral(i, lit);
            assertEquals("<" + k.sqlLiteral(), lit.toString());
            StringBuilder text = new StringBuilder();
            bytes.appendText(i, text);
            assertEquals(k.text(), text.toString());
        }
        assertThrows(IllegalStateException.class, () -> bytes.appendSqlLiteral(4, new StringBuilder()));
    }

    @Test
    void comparesValuesByTheirText() {
        Row a = fromBytes(0, "same");
        Row b = fromBytes(17, "same");
        Row c = fromBytes(17, "other");
        Row cols = ofColumns("same");
        assertTrue(a.sameValue(1, b, 1), "the same bytes at another offset");
        assertFalse(a.sameValue(1, c, 1));
        assertTrue(a.sameValue(1, cols, 1), "bytes against a made value of the same text");
        assertTrue(cols.sameValue(3, a, 3));
        assertTrue(a.sameValue(4, b, 4), "the same unknown");
        assertFalse(a.sameValue(0, a, 3));
        // numeric 123.45 stored with a long header holds other bytes and the same text
        Payloads p = new Payloads(0).put(3, hex("0200" + "0000" + "7b00" + "9411"));
        Row longHeader = Row.fromBytes(LAYOUT, p.data, new byte[] {Row.NULL, Row.NULL, Row.NULL, Row.BYTES, Row.NULL},
            p.spans, null);
        assertEquals("123.45", ((Value.Known) longHeader.value(3)).text());
        assertTrue(a.sameValue(3, longHeader, 3));
        assertTrue(longHeader.isNull(0));
        assertTrue(longHeader.sameValue(0, longHeader, 1));
        assertTrue(longHeader.complete());
        assertNotEquals(a, c);
    }

    @Test
    void rendersAsTheRowOfItsColumns() {
        Source s = new Source(0x1000, 0x2000, 727, Instant.EPOCH, "public", "t", "(0,5)", "(1,7)");
        for (SqlRenderer r : List.of(new SqlRenderer((x, y) -> List.of("id"), false),
            new SqlRenderer((x, y) -> List.of("id"), true), new SqlRenderer((x, y) -> List.of(), false))) {
            List<RowChange> fromBytes = List.of(new RowChange.Insert(s, fromBytes(0, "it's")),
                new RowChange.Update(s, fromBytes(2, "it's"), fromBytes(4, "was")),
                new RowChange.Update(s, fromBytes(2, "same"), fromBytes(4, "same")),
                new RowChange.Delete(s, fromBytes(1, "it's")));
            List<RowChange> ofColumns = List.of(new RowChange.Insert(s, ofColumns("it's")),
                new RowChange.Update(s, ofColumns("it's"), ofColumns("was")),
                new RowChange.Update(s, ofColumns("same"), ofColumns("same")),
                new RowChange.Delete(s, ofColumns("it's")));
            for (int i = 0; i < fromBytes.size(); i++) {
                assertEquals(r.redo(ofColumns.get(i)), r.redo(fromBytes.get(i)));
                assertEquals(r.undo(ofColumns.get(i)), r.undo(fromBytes.get(i)));
            }
        }
    }

    @Test
    void refusesBytesForAFormatterThatIsNotThreadSafe() {
        ValueFormatter scratchy = new ValueFormatter() {
            @Override
            public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
                out.append(len);
            }

            @Override
            public void appendSqlLiteral(StringBuilder out, ByteBuffer buf, int off, int len) {
                out.append(len);
            }

            @Override
            public void appendSqlLiteralOfText(StringBuilder out, CharSequence text) {
                out.append(text);
            }

            @Override
            public boolean threadSafe() {
                return false;
            }

            @Override
            public String sqlType() {
                return "composite";
            }

            @Override
            public boolean isDecodable() {
                return true;
            }
        };
        Row.Layout layout = new Row.Layout(List.of("c"), List.of(scratchy));
        ByteBuffer data = ByteBuffer.allocate(4);
        assertThrows(IllegalArgumentException.class,
            () -> Row.fromBytes(layout, data, new byte[] {Row.BYTES}, new int[] {0, 4}, null));
        assertEquals(Value.NULL, Row.fromBytes(layout, data, new byte[] {Row.NULL}, new int[2], null).value(0));
        assertThrows(IllegalArgumentException.class,
            () -> Row.fromBytes(layout, data, new byte[] {Row.VALUE}, new int[2], null));
    }
}
