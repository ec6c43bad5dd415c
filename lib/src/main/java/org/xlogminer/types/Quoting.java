package org.xlogminer.types;

/**
 * The quoting of element text inside container values, applied in place to text just appended to a
 * StringBuilder (from index {@code start} to its end):
 * <ul>
 *   <li>array elements ({@code array_out()}, arrayfuncs.c): quoted when empty, equal to {@code NULL}
 *       in any case, or holding {@code " \ { }}, the delimiter or white space; inside quotes
 *       {@code "} and {@code \} get a backslash;</li>
 *   <li>composite fields ({@code record_out()}, rowtypes.c): quoted when empty or holding
 *       {@code " \ ( ) ,} or white space; inside quotes {@code "} and {@code \} are doubled;</li>
 *   <li>range bounds ({@code range_bound_escape()}, rangetypes.c): as composite fields, plus
 *       {@code [ ]}.</li>
 * </ul>
 * and, for lexemes and key/value strings that are always quoted, {@link #escapeFrom}: a prefix before
 * each of two characters (tsvector and tsquery double {@code '} and {@code \}; hstore puts a backslash
 * before {@code "} and {@code \}).
 * White space is {@code isspace()} in the C locale: space, \t, \n, \v, \f, \r.
 */
final class Quoting {

    private Quoting() {
    }

    static void quoteArrayElement(StringBuilder sb, int start, char delim) {
        int end = sb.length();
        boolean need = end == start || isNullWord(sb, start, end);
        int escapes = 0;
        for (int i = start; i < end; i++) {
            char c = sb.charAt(i);
            if (c == '"' || c == '\\') {
                need = true;
                escapes++;
            } else if (c == '{' || c == '}' || c == delim || isSpace(c)) {
                need = true;
            }
        }
        if (need) {
            wrap(sb, start, end, escapes, true);
        }
    }

    static void quoteRecordField(StringBuilder sb, int start) {
        quoteDoubling(sb, start, false);
    }

    static void quoteRangeBound(StringBuilder sb, int start) {
        quoteDoubling(sb, start, true);
    }

    private static void quoteDoubling(StringBuilder sb, int start, boolean brackets) {
        int end = sb.length();
        boolean need = end == start;
        int escapes = 0;
        for (int i = start; i < end; i++) {
            char c = sb.charAt(i);
            if (c == '"' || c == '\\') {
                need = true;
                escapes++;
            } else if (c == '(' || c == ')' || c == ',' || isSpace(c) || brackets && (c == '[' || c == ']')) {
                need = true;
            }
        }
        if (need) {
            wrap(sb, start, end, escapes, false);
        }
    }

    /** Surrounds [start, end) with double quotes, escaping " and \ by a backslash or by doubling. */
    private static void wrap(StringBuilder sb, int start, int end, int escapes, boolean backslash) {
        int newEnd = end + escapes + 2;
        sb.setLength(newEnd);
        int w = newEnd - 1;
        sb.setCharAt(w--, '"');
        for (int r = end - 1; r >= start; r--) {
            char c = sb.charAt(r);
            sb.setCharAt(w--, c);
            if (c == '"' || c == '\\') {
                sb.setCharAt(w--, backslash ? '\\' : c);
            }
        }
        sb.setCharAt(w, '"');
    }

    /**
     * Puts a prefix before every {@code a} and {@code b} in [start, end of sb): the character itself
     * when {@code prefix} is 0 (doubling), else {@code prefix}.
     */
    static void escapeFrom(StringBuilder sb, int start, char a, char b, char prefix) {
        int end = sb.length();
        int escapes = 0;
        for (int i = start; i < end; i++) {
            char c = sb.charAt(i);
            if (c == a || c == b) {
                escapes++;
            }
        }
        if (escapes == 0) {
            return;
        }
        sb.setLength(end + escapes);
        int w = end + escapes - 1;
        for (int r = end - 1; r >= start; r--) {
            char c = sb.charAt(r);
            sb.setCharAt(w--, c);
            if (c == a || c == b) {
                sb.setCharAt(w--, prefix == 0 ? c : prefix);
            }
        }
    }

    private static boolean isNullWord(StringBuilder sb, int start, int end) {
        return end - start == 4
                && (sb.charAt(start) | 0x20) == 'n' && (sb.charAt(start + 1) | 0x20) == 'u'
                && (sb.charAt(start + 2) | 0x20) == 'l' && (sb.charAt(start + 3) | 0x20) == 'l';
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == '\f';
    }
}
