package org.xlogminer.filter;

/** The body of an {@code E'...'} literal, its backslash escapes read as PostgreSQL's scanner reads them. */
final class EscapeString {

    private EscapeString() {
    }

    static String decode(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\'' && i + 1 < raw.length() && raw.charAt(i + 1) == '\'') {
                out.append('\'');
                i++;
                continue;
            }
            if (c != '\\' || i + 1 == raw.length()) {
                out.append(c);
                continue;
            }
            char n = raw.charAt(++i);
            switch (n) {
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'x' -> {
                    int end = digits(raw, i + 1, 2, 16);
                    if (end == i + 1) {
                        out.append('x');
                    } else {
                        out.append((char) Integer.parseInt(raw.substring(i + 1, end), 16));
                        i = end - 1;
                    }
                }
                case 'u', 'U' -> {
                    int len = n == 'u' ? 4 : 8;
                    int end = digits(raw, i + 1, len, 16);
                    if (end != i + 1 + len) {
                        throw new WhereException("invalid Unicode escape in E'" + raw + "': \\" + n + " takes " + len
                            + " hexadecimal digits");
                    }
                    out.appendCodePoint(Integer.parseInt(raw.substring(i + 1, end), 16));
                    i = end - 1;
                }
                default -> {
                    if (n >= '0' && n <= '7') {
                        int end = digits(raw, i, 3, 8);
                        out.append((char) Integer.parseInt(raw.substring(i, end), 8));
                        i = end - 1;
                    } else {
                        out.append(n);
                    }
                }
            }
        }
        return out.toString();
    }

    /** Where the run of at most {@code max} digits of the radix starting at {@code from} ends. */
    private static int digits(String s, int from, int max, int radix) {
        int i = from;
        while (i < s.length() && i - from < max && Character.digit(s.charAt(i), radix) >= 0) {
            i++;
        }
        return i;
    }
}
