package org.xlogminer.types;

import java.nio.ByteBuffer;

import org.xlogminer.tuple.HeapTupleHeaderLayout;
import org.xlogminer.tuple.TupleFormatException;
import org.xlogminer.tuple.Varlena;

/**
 * {@code jsonpath} values ({@code JsonPath} of {@code utils/jsonpath.h}, written by
 * {@code flattenJsonPathParseItem()} in jsonpath.c): a uint32 header (version 1, 0x80000000 when lax),
 * then a tree of items, the root first. Every item starts with its type byte; at the next 4-byte
 * boundary (of the datum as a 4-byte-header varlena) an int32 offset of the next item in the path (0
 * when none), then its content; offsets are relative to the start of the item that holds them:
 *
 * <table>
 *   <caption>jsonpath items</caption>
 *   <tr><th>items</th><th>content</th></tr>
 *   <tr><td>string, key, $variable</td><td>int32 length, the bytes, a NUL</td></tr>
 *   <tr><td>numeric</td><td>a numeric varlena (4-byte header)</td></tr>
 *   <tr><td>bool</td><td>one byte</td></tr>
 *   <tr><td>binary operators, starts with, .decimal(p,s)</td><td>int32 left, int32 right (0: absent)</td></tr>
 *   <tr><td>!, is unknown, exists, unary + -, filter, .datetime(t) and the other methods with an
 *       optional argument</td><td>int32 arg (0: absent)</td></tr>
 *   <tr><td>[subscripts]</td><td>int32 n, n pairs of int32 from, to (0: not a range)</td></tr>
 *   <tr><td>.**{first to last}</td><td>uint32 first, uint32 last (0xFFFFFFFF: last)</td></tr>
 *   <tr><td>like_regex</td><td>uint32 flags (i s m x q: 1 2 4 8 16), int32 expr, int32 pattern length,
 *       the pattern, a NUL</td></tr>
 * </table>
 *
 * <p>Text as {@code jsonpath_out()}'s {@code printJsonPathItem()}: {@code strict } when not lax;
 * strings, keys and variables as JSON strings; operands of an operator in parentheses when their
 * priority (|| 0, &amp;&amp; 1, comparisons and starts with 2, + - 3, * / % 4, unary 5, others 6) is
 * not above the operator's; accessors chained after their item; a numeric followed by an accessor in
 * parentheses from PostgreSQL 15 on. Keeps the value being printed as scratch: not thread-safe.
 */
final class JsonPathFormatter extends TypeFormatter {

    static final int JSONPATH_LAX = 0x80000000;
    static final int JSONPATH_VERSION = 1;
    static final long LAST = 0xFFFFFFFFL;

    static final int NULL = 0;
    static final int STRING = 1;
    static final int NUMERIC = 2;
    static final int BOOL = 3;
    static final int AND = 4;
    static final int NOT = 6;
    static final int IS_UNKNOWN = 7;
    static final int PLUS = 19;
    static final int MINUS = 20;
    static final int ANY_ARRAY = 21;
    static final int ANY_KEY = 22;
    static final int INDEX_ARRAY = 23;
    static final int ANY = 24;
    static final int KEY = 25;
    static final int CURRENT = 26;
    static final int ROOT = 27;
    static final int VARIABLE = 28;
    static final int FILTER = 29;
    static final int EXISTS = 30;
    static final int DATETIME = 37;
    static final int STARTS_WITH = 41;
    static final int LIKE_REGEX = 42;
    static final int DECIMAL = 46;
    static final int TIME = 50;
    static final int TIMESTAMP_TZ = 53;

    /** Binary operators by item type (4..18 and 41). */
    private static final String[] OPERATOR = new String[64];
    /** Methods without arguments by item type, and the names of those with optional ones. */
    private static final String[] METHOD = new String[64];
    private static final String REGEX_FLAGS = "ismxq";

    static {
        String[] ops = {"&&", "||", null, null, "==", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%"};
        for (int i = 0; i < ops.length; i++) {
            OPERATOR[AND + i] = ops[i];
        }
        OPERATOR[STARTS_WITH] = "starts with";
        String[] methods = {"type", "size", "abs", "floor", "ceiling", "double", "datetime", "keyvalue"};
        for (int i = 0; i < methods.length; i++) {
            METHOD[31 + i] = methods[i];
        }
        METHOD[40] = "last";
        String[] newer = {"bigint", "boolean", "date", "decimal", "integer", "number", "string", "time", "time_tz",
            "timestamp", "timestamp_tz"};
        for (int i = 0; i < newer.length; i++) {
            METHOD[43 + i] = newer[i];
        }
    }

    private final NumericFormatter numeric = new NumericFormatter("numeric");
    private final boolean parenthesiseNumeric;
    // the value being printed (scratch: one value at a time, hence not thread-safe)
    private StringBuilder out;
    private ByteBuffer buf;
    private int base;
    private int end;

    JsonPathFormatter(String castType, int serverMajor) {
        super(castType);
        this.parenthesiseNumeric = serverMajor >= 15;
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        int header = len < 5 ? 0 : buf.getInt(off);
        if ((header & ~JSONPATH_LAX) != JSONPATH_VERSION) {
            throw new TupleFormatException("jsonpath header " + Integer.toHexString(header) + " offset=" + off);
        }
        if ((header & JSONPATH_LAX) == 0) {
            out.append("strict ");
        }
        this.out = out;
        this.buf = buf;
        this.base = off - 4;
        this.end = off + len;
        try {
            path(off + 4, false, true);
        } finally {
            this.out = null;
            this.buf = null;
        }
    }

    @Override
    public boolean threadSafe() {
        return false;
    }

    static int priority(int type) {
        switch (type) {
            case 5: // ||
                return 0;
            case AND:
                return 1;
            case 8: case 9: case 10: case 11: case 12: case 13: case STARTS_WITH:
                return 2;
            case 14: case 15:
                return 3;
            case 16: case 17: case 18:
                return 4;
            case PLUS: case MINUS:
                return 5;
            default:
                return 6;
        }
    }

    /** Prints the item at {@code pos} and the items chained after it. */
    void path(int pos, boolean inKey, boolean brackets) {
        while (true) {
            int next = item(pos, inKey, brackets);
            if (next <= 0) {
                return;
            }
            pos += next;
            inKey = true;
            brackets = true;
        }
    }

    /** Reads an int32 of the item at {@code p}, checked against the value's end. */
    int int32(int p) {
        if (p < base || p + 4 > end) {
            throw new TupleFormatException("jsonpath item past the value's end offset=" + p);
        }
        return buf.getInt(p);
    }

    /** The position of an argument at {@code rel} from the item at {@code pos}; must lie after it. */
    int arg(int pos, int rel) {
        if (rel <= 0 || rel >= end - pos) {
            throw new TupleFormatException("jsonpath argument " + rel + " of the item at offset=" + pos);
        }
        return pos + rel;
    }

    /** Prints one item; returns the offset of the next one in its path, 0 when none. */
    private int item(int pos, boolean inKey, boolean brackets) {
        if (pos < base || pos >= end) {
            throw new TupleFormatException("jsonpath item past the value's end offset=" + pos);
        }
        int type = buf.get(pos) & 0xFF;
        int p = base + HeapTupleHeaderLayout.align(pos + 1 - base, 4);
        int next = int32(p);
        p += 4;
        if (type < OPERATOR.length && OPERATOR[type] != null) {
            binary(pos, p, type, brackets);
        } else if (type < METHOD.length && METHOD[type] != null && type != DATETIME
                && type != DECIMAL && (type < TIME || type > TIMESTAMP_TZ)) {
            out.append(type == 40 ? "" : ".").append(METHOD[type]).append(type == 40 ? "" : "()");
        } else {
            other(pos, p, type, inKey, brackets, next);
        }
        return next;
    }

    private void binary(int pos, int p, int type, boolean brackets) {
        int prio = priority(type);
        if (brackets) {
            out.append('(');
        }
        int left = arg(pos, int32(p));
        path(left, false, priority(buf.get(left) & 0xFF) <= prio);
        out.append(' ').append(OPERATOR[type]).append(' ');
        int right = arg(pos, int32(p + 4));
        path(right, false, priority(buf.get(right) & 0xFF) <= prio);
        if (brackets) {
            out.append(')');
        }
    }

    private void other(int pos, int p, int type, boolean inKey, boolean brackets, int next) {
        switch (type) {
            case NULL:
                out.append("null");
                break;
            case STRING:
            case KEY:
            case VARIABLE:
                if (type == KEY && inKey) {
                    out.append('.');
                } else if (type == VARIABLE) {
                    out.append('$');
                }
                jsonString(p + 4, int32(p));
                break;
            case NUMERIC:
                numeric(p, next > 0 && parenthesiseNumeric);
                break;
            case BOOL:
                if (p >= end) {
                    throw new TupleFormatException("jsonpath boolean past the value's end offset=" + p);
                }
                out.append(buf.get(p) != 0 ? "true" : "false");
                break;
            case NOT:
            case IS_UNKNOWN:
            case FILTER:
            case EXISTS:
            case PLUS:
            case MINUS:
                unary(arg(pos, int32(p)), type, brackets);
                break;
            case ANY_ARRAY:
                out.append("[*]");
                break;
            case ANY_KEY:
                out.append(inKey ? ".*" : "*");
                break;
            case INDEX_ARRAY:
                subscripts(pos, p);
                break;
            case ANY:
                any(inKey, Integer.toUnsignedLong(int32(p)), Integer.toUnsignedLong(int32(p + 4)));
                break;
            case CURRENT:
                out.append('@');
                break;
            case ROOT:
                out.append('$');
                break;
            case LIKE_REGEX:
                likeRegex(pos, p, brackets);
                break;
            default:
                methodWithArguments(pos, p, type);
        }
    }

    /** ! (pred), (pred) is unknown, ?(pred), exists (expr), +expr, -expr; {@code a}: the operand. */
    private void unary(int a, int type, boolean brackets) {
        if (type == PLUS || type == MINUS) {
            out.append(brackets ? "(" : "").append(type == PLUS ? '+' : '-');
            path(a, false, priority(buf.get(a) & 0xFF) <= priority(type));
            out.append(brackets ? ")" : "");
            return;
        }
        out.append(type == NOT ? "!(" : type == IS_UNKNOWN ? "(" : type == FILTER ? "?(" : "exists (");
        path(a, false, false);
        out.append(type == IS_UNKNOWN ? ") is unknown" : ")");
    }

    /** .datetime(t), .time(p) ... .timestamp_tz(p), .decimal(p, s): arguments that may be absent. */
    private void methodWithArguments(int pos, int p, int type) {
        if (type != DATETIME && type != DECIMAL && (type < TIME || type > TIMESTAMP_TZ)) {
            throw new TupleFormatException("jsonpath item type " + type + " offset=" + pos);
        }
        out.append('.').append(METHOD[type]).append('(');
        optionalArg(pos, int32(p));
        if (type == DECIMAL && int32(p + 4) != 0) {
            out.append(',');
            optionalArg(pos, int32(p + 4));
        }
        out.append(')');
    }

    private void optionalArg(int pos, int rel) {
        if (rel != 0) {
            path(arg(pos, rel), false, false);
        }
    }

    private void jsonString(int p, int n) {
        if (n < 0 || p + n > end) {
            throw new TupleFormatException("jsonpath string past the value's end offset=" + p);
        }
        out.append('"');
        Utf8.appendJsonEscaped(out, buf, p, n);
        out.append('"');
    }

    private void numeric(int p, boolean parens) {
        int size = Nested.datumSize(buf, p, -1, end);
        int h = Varlena.headerSize(buf, p);
        if (size < h || p + size > end) {
            throw new TupleFormatException("jsonpath numeric past the value's end offset=" + p);
        }
        out.append(parens ? "(" : "");
        numeric.appendText(out, buf, p + h, size - h);
        out.append(parens ? ")" : "");
    }

    private void subscripts(int pos, int p) {
        int n = int32(p);
        out.append('[');
        for (int i = 0; i < n; i++) {
            out.append(i > 0 ? "," : "");
            path(arg(pos, int32(p + 4 + 8 * i)), false, false);
            int to = int32(p + 8 + 8 * i);
            if (to != 0) {
                out.append(" to ");
                path(arg(pos, to), false, false);
            }
        }
        out.append(']');
    }

    private void any(boolean inKey, long first, long last) {
        out.append(inKey ? ".**" : "**");
        if (first == 0 && last == LAST) {
            return;
        }
        out.append('{');
        if (first == last) {
            appendLevel(first);
        } else {
            appendLevel(first);
            out.append(" to ");
            appendLevel(last);
        }
        out.append('}');
    }

    private void appendLevel(long level) {
        if (level == LAST) {
            out.append("last");
        } else {
            out.append(level);
        }
    }

    private void likeRegex(int pos, int p, boolean brackets) {
        int flags = int32(p);
        int expr = arg(pos, int32(p + 4));
        out.append(brackets ? "(" : "");
        path(expr, false, priority(buf.get(expr) & 0xFF) <= priority(LIKE_REGEX));
        out.append(" like_regex ");
        jsonString(p + 12, int32(p + 8));
        if (flags != 0) {
            out.append(" flag \"");
            for (int i = 0; i < REGEX_FLAGS.length(); i++) {
                if ((flags & (1 << i)) != 0) {
                    out.append(REGEX_FLAGS.charAt(i));
                }
            }
            out.append('"');
        }
        out.append(brackets ? ")" : "");
    }
}
