package org.xlogminer.filter;

import java.util.regex.Pattern;

/** SQL LIKE patterns as regular expressions: {@code %} any text, {@code _} one character. */
final class LikePattern {

    /** No escape character ({@code ESCAPE ''}). */
    static final char NO_ESCAPE = '\uFFFF';

    private LikePattern() {
    }

    /**
     * @param escape the escape character (a backslash unless ESCAPE says otherwise), or {@link #NO_ESCAPE}
     * @throws IllegalArgumentException when the pattern ends with the escape character
     */
    static Pattern compile(String like, char escape, boolean caseInsensitive) {
        StringBuilder re = new StringBuilder(like.length() + 8);
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < like.length(); i++) {
            char c = like.charAt(i);
            if (c == escape) {
                if (++i == like.length()) {
                    throw new IllegalArgumentException("LIKE pattern must not end with escape character");
                }
                literal.append(like.charAt(i));
            } else if (c == '%' || c == '_') {
                flush(re, literal);
                re.append(c == '%' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        flush(re, literal);
        int flags = Pattern.DOTALL | (caseInsensitive ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
        return Pattern.compile(re.toString(), flags);
    }

    private static void flush(StringBuilder re, StringBuilder literal) {
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
            literal.setLength(0);
        }
    }
}
