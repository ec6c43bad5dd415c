package org.xlogminer.filter;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;

/** Parsing the text of an expression with JSqlParser, and saying where a syntax error is. */
final class WhereSyntax {

    private static final Pattern COLUMN = Pattern.compile("line (\\d+), column (\\d+)");

    private WhereSyntax() {
    }

    /** @throws WhereException quoting the text from where parsing stopped */
    static Expression parse(String text) {
        try {
            return CCJSqlParserUtil.parseCondExpression(text, false);
        } catch (Exception | Error e) { // the lexer throws TokenMgrError (an Error) on an unclosed quote
            throw new WhereException("syntax error " + where(text, e));
        }
    }

    /** "at the end", or "at \"...\"" quoting the text from where the parser stopped understanding it. */
    private static String where(String text, Throwable e) {
        String message = String.valueOf(e.getMessage());
        Matcher m = COLUMN.matcher(message);
        if (message.contains("<EOF>") && !message.contains("Lexical error")) {
            return quoteFrom(text, text.length());
        }
        if (m.find()) {
            int line = Integer.parseInt(m.group(1));
            int column = Integer.parseInt(m.group(2));
            int at = 0;
            for (int l = 1; l < line && at >= 0; l++) {
                at = text.indexOf('\n', at) + 1;
            }
            at += column - 1;
            if (message.contains("Lexical error")) {
                // the lexer reports where the bad token ends: quote from the quote that opened it
                int q = text.lastIndexOf('\'', Math.min(at, text.length() - 1));
                at = q >= 0 ? q : at;
            }
            return quoteFrom(text, at);
        }
        // "could only parse partial expression": the longest start that parses is what it understood
        for (int i = text.length() - 1; i > 0; i--) {
            try {
                CCJSqlParserUtil.parseCondExpression(text.substring(0, i), false);
                return quoteFrom(text, i);
            } catch (Exception | Error ignored) {
                // shorter
            }
        }
        return quoteFrom(text, 0);
    }

    private static String quoteFrom(String text, int at) {
        String rest = at >= text.length() ? "" : text.substring(Math.max(0, at)).strip();
        return rest.isEmpty() ? "at the end of the expression" : "at \"" + rest + "\"";
    }
}
