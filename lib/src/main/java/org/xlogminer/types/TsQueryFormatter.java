package org.xlogminer.types;

import java.nio.ByteBuffer;

import org.xlogminer.tuple.TupleFormatException;

/**
 * {@code tsquery} values ({@code TSQueryData} of {@code tsearch/ts_type.h}): a tree of QueryItems in
 * prefix order, then the operands' strings. Offsets from the start of the payload:
 *
 * <table>
 *   <caption>TSQueryData</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>0</td><td>4</td><td>size: the number of items (n)</td></tr>
 *   <tr><td>4</td><td>12 n</td><td>QueryItem: int8 type (1 operand, 2 operator) then, for an operand
 *       ({@code QueryOperand}): uint8 weight mask (A 8, B 4, C 2, D 1), bool prefix, pad, int32 valcrc,
 *       uint32 length (bits 0-11) and distance (bits 12-31: the string's offset); for an operator
 *       ({@code QueryOperator}): int8 oper (1 NOT, 2 AND, 3 OR, 4 PHRASE), int16 distance (PHRASE),
 *       uint32 left (the left operand is this item + left; the right, or NOT's only, operand is the
 *       next item)</td></tr>
 *   <tr><td>4 + 12 n</td><td></td><td>the operands' NUL-terminated strings</td></tr>
 * </table>
 *
 * <p>Text as {@code tsqueryout()}'s {@code infix()} (tsquery.c): operands as {@code 'lexeme'} with
 * {@code '} and {@code \} doubled, then {@code :}, {@code *} for a prefix and the weight letters A-D
 * when either is set; {@code !x}, {@code a & b}, {@code a | b}, {@code a <-> b}, {@code a <N> b};
 * priorities NOT 4, PHRASE 3, AND 2, OR 1, and {@code ( ... )} around an operator whose priority is
 * below its parent's, or a phrase that is a phrase's right operand. An empty tsquery is the empty
 * string.
 */
final class TsQueryFormatter extends TypeFormatter {

    static final int ITEM_SIZE = 12;
    static final int QI_VAL = 1;
    static final int OP_NOT = 1;
    static final int OP_AND = 2;
    static final int OP_OR = 3;
    static final int OP_PHRASE = 4;
    private static final int[] PRIORITY = {0, 4, 2, 1, 3};

    TsQueryFormatter(String castType) {
        super(castType);
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        int size = len < 4 ? -1 : buf.getInt(off);
        if (size < 0 || 4 + (long) ITEM_SIZE * size > len) {
            throw new TupleFormatException("tsquery of " + size + " items in " + len + " bytes offset=" + off);
        }
        if (size > 0) {
            infix(out, buf, off, size, 0, -1, false, off + len);
        }
    }

    private static void infix(StringBuilder out, ByteBuffer buf, int off, int size, int i, int parentPriority,
                              boolean rightPhraseOp, int end) {
        if (i >= size) {
            throw new TupleFormatException("tsquery operand " + i + " of " + size + " items offset=" + off);
        }
        int item = off + 4 + ITEM_SIZE * i;
        if (buf.get(item) == QI_VAL) {
            appendOperand(out, buf, item, off + 4 + ITEM_SIZE * size, end);
            return;
        }
        int op = buf.get(item + 1);
        if (op < OP_NOT || op > OP_PHRASE) {
            throw new TupleFormatException("tsquery operator " + op + " offset=" + item);
        }
        int priority = PRIORITY[op];
        if (op == OP_NOT) {
            boolean paren = priority < parentPriority;
            out.append(paren ? "( !" : "!");
            infix(out, buf, off, size, i + 1, priority, false, end);
            if (paren) {
                out.append(" )");
            }
            return;
        }
        boolean paren = priority < parentPriority || op == OP_PHRASE && rightPhraseOp;
        long left = Integer.toUnsignedLong(buf.getInt(item + 4));
        if (left < 2 || i + left >= size) {
            throw new TupleFormatException("tsquery left operand " + left + " of item " + i + " offset=" + item);
        }
        if (paren) {
            out.append("( ");
        }
        infix(out, buf, off, size, i + (int) left, priority, false, end);
        if (op == OP_OR) {
            out.append(" | ");
        } else if (op == OP_AND) {
            out.append(" & ");
        } else {
            int distance = buf.getShort(item + 2);
            if (distance != 1) {
                out.append(" <").append(distance).append("> ");
            } else {
                out.append(" <-> ");
            }
        }
        infix(out, buf, off, size, i + 1, priority, op == OP_PHRASE, end);
        if (paren) {
            out.append(" )");
        }
    }

    private static void appendOperand(StringBuilder out, ByteBuffer buf, int item, int strings, int end) {
        int weight = buf.get(item + 1) & 0xFF;
        boolean prefix = buf.get(item + 2) != 0;
        int bits = buf.getInt(item + 8);
        int p = strings + (bits >>> 12);
        int n = bits & 0xFFF;
        if (p + n > end) {
            throw new TupleFormatException("tsquery operand past the value's end offset=" + item);
        }
        out.append('\'');
        int start = out.length();
        Utf8.append(out, buf, p, n);
        Quoting.escapeFrom(out, start, '\'', '\\', (char) 0);
        out.append('\'');
        if (weight != 0 || prefix) {
            out.append(':');
            if (prefix) {
                out.append('*');
            }
            for (int bit = 3; bit >= 0; bit--) {
                if ((weight & (1 << bit)) != 0) {
                    out.append((char) ('A' + 3 - bit));
                }
            }
        }
    }
}
