package org.xlogminer.filter;

/**
 * A {@code --where} expression that cannot be evaluated: a syntax error, a construct the filter
 * does not support, a column no table mined has, or values that do not compare. The message quotes
 * the part of the expression it is about.
 */
public final class WhereException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public WhereException(String message) {
        super(message);
    }
}
