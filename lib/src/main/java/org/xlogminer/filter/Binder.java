package org.xlogminer.filter;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.ComparisonOperator;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsBooleanExpression;
import net.sf.jsqlparser.expression.operators.relational.IsDistinctExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.create.table.ColDataType;

/**
 * Turns a parsed expression into a {@link Cond} for one table's columns: each column found and
 * given its kind, literals read as the values they are compared with, casts checked. What it does
 * not understand is a {@link WhereException} quoting that part. Single-use, single-threaded.
 */
final class Binder {

    static final String SUPPORTED = "comparisons (= <> != < <= > >=), AND, OR, NOT, IS [NOT] NULL, "
        + "IS [NOT] TRUE/FALSE, IS [NOT] DISTINCT FROM, [NOT] IN (...), [NOT] LIKE/ILIKE, [NOT] BETWEEN, "
        + "casts (::type, CAST(x AS type)), columns, old.column, new.column and literals";

    /** The columns of the table bound to. */
    interface Columns {
        /** The index of the column of that name, or -1. */
        int index(String name);

        /** Its SQL type (format_type). */
        String type(int index);
    }

    /** A column the table does not have: the whole expression is false for its rows. */
    static final class MissingColumn extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String column;

        MissingColumn(String column) {
            super(column, null, false, false);
            this.column = column;
        }
    }

    private final Columns columns;
    /** Every column read: name and index, in the order first met. */
    final List<String> names = new ArrayList<>();
    final List<Integer> indexes = new ArrayList<>();

    Binder(Columns columns) {
        this.columns = columns;
    }

    Cond cond(Expression e) {
        if (e instanceof Parenthesis p) {
            return cond(p.getExpression());
        }
        if (e instanceof ParenthesedExpressionList<?> p && p.size() == 1) {
            return cond(p.get(0));
        }
        if (e instanceof AndExpression a) {
            return new Cond.And(cond(a.getLeftExpression()), cond(a.getRightExpression()));
        }
        if (e instanceof OrExpression o) {
            return new Cond.Or(cond(o.getLeftExpression()), cond(o.getRightExpression()));
        }
        if (e instanceof NotExpression n) {
            return new Cond.Not(cond(n.getExpression()));
        }
        if (e instanceof ComparisonOperator c && op(c) != null) {
            Scalar l = scalar(c.getLeftExpression());
            Scalar r = scalar(c.getRightExpression());
            ValueKind k = commonKind(l, r, e);
            return new Cond.Compare(op(c), coerce(l, k, r, e), coerce(r, k, l, e), k);
        }
        if (e instanceof IsNullExpression n) {
            return new Cond.IsNull(scalar(n.getLeftExpression()), n.isNot());
        }
        if (e instanceof IsDistinctExpression d) {
            Scalar l = scalar(d.getLeftExpression());
            Scalar r = scalar(d.getRightExpression());
            ValueKind k = commonKind(l, r, e);
            return new Cond.IsDistinct(coerce(l, k, r, e), coerce(r, k, l, e), k, d.isNot());
        }
        if (e instanceof InExpression in) {
            return in(in);
        }
        if (e instanceof Between b) {
            Scalar v = scalar(b.getLeftExpression());
            Scalar lo = scalar(b.getBetweenExpressionStart());
            Scalar hi = scalar(b.getBetweenExpressionEnd());
            ValueKind k = commonKind(commonKind(v, lo, e), hi.kind, e, hi);
            return new Cond.Between(coerce(v, k, lo, e), coerce(lo, k, v, e), coerce(hi, k, v, e), k, b.isNot());
        }
        if (e instanceof LikeExpression l) {
            return like(l);
        }
        if (e instanceof IsBooleanExpression b) {
            return new Cond.BoolValue(bool(scalar(b.getLeftExpression()), e), b.isTrue(), b.isNot());
        }
        if (e instanceof BooleanValue b) {
            return new Cond.Always(b.getValue() ? Cond.TRUE : Cond.FALSE);
        }
        if (e instanceof Column) {
            return new Cond.BoolValue(bool(scalar(e), e), null, false);
        }
        throw unsupported(e);
    }

    private static Cond.Op op(ComparisonOperator c) {
        if (c instanceof EqualsTo) {
            return Cond.Op.EQ;
        }
        if (c instanceof NotEqualsTo) {
            return Cond.Op.NE;
        }
        if (c instanceof GreaterThan) {
            return Cond.Op.GT;
        }
        if (c instanceof GreaterThanEquals) {
            return Cond.Op.GE;
        }
        if (c instanceof MinorThan) {
            return Cond.Op.LT;
        }
        if (c instanceof MinorThanEquals) {
            return Cond.Op.LE;
        }
        return null;
    }

    private Cond in(InExpression in) {
        if (!(in.getRightExpression() instanceof ExpressionList<?> list) || list.isEmpty()) {
            throw new WhereException("cannot evaluate \"" + in + "\": IN takes a list of values");
        }
        Scalar v = scalar(in.getLeftExpression());
        List<Scalar> items = new ArrayList<>();
        ValueKind k = v.kind;
        for (Expression x : list) {
            Scalar s = scalar(x);
            items.add(s);
            k = commonKind(k, s.kind, in, s);
        }
        if (k == ValueKind.UNTYPED) {
            k = ValueKind.TEXT;
        }
        List<Scalar> coerced = new ArrayList<>();
        for (Scalar s : items) {
            coerced.add(coerce(s, k, v, in));
        }
        return new Cond.In(coerce(v, k, items.get(0), in), coerced, k, in.isNot());
    }

    private Cond like(LikeExpression l) {
        LikeExpression.KeyWord word = l.getLikeKeyWord();
        if (word != LikeExpression.KeyWord.LIKE && word != LikeExpression.KeyWord.ILIKE || l.isUseBinary()) {
            throw unsupported(l);
        }
        Scalar v = scalar(l.getLeftExpression());
        if (v instanceof Scalar.ColumnValue c && c.kind == ValueKind.BPCHAR) {
            // LIKE sees character(n)'s trailing spaces, as in PostgreSQL
            v = new Scalar.ColumnValue(c.side, c.index, ValueKind.TEXT, ValueKind.TEXT, c.fragment);
        }
        Scalar p = scalar(l.getRightExpression());
        if (!v.kind.textual() && v.kind != ValueKind.NULL || !p.kind.textual() && p.kind != ValueKind.NULL) {
            throw new WhereException("cannot evaluate \"" + l + "\": " + word + " compares text, and "
                + (v.kind.textual() ? p : v).fragment + " is " + (v.kind.textual() ? p : v).kind.description()
                + " (cast it with ::text)");
        }
        char escape = '\\';
        if (l.getEscape() != null) {
            if (!(l.getEscape() instanceof StringValue s) || literal(s).length() > 1) {
                throw new WhereException("cannot evaluate \"" + l + "\": ESCAPE takes one character or ''");
            }
            String t = literal(s);
            escape = t.isEmpty() ? LikePattern.NO_ESCAPE : t.charAt(0);
        }
        boolean ci = word == LikeExpression.KeyWord.ILIKE;
        java.util.regex.Pattern compiled = null;
        if (p instanceof Scalar.Constant c && c.value != null) {
            try {
                compiled = LikePattern.compile(c.value.toString(), escape, ci);
            } catch (IllegalArgumentException e) {
                throw new WhereException("cannot evaluate \"" + l + "\": " + e.getMessage());
            }
        }
        return new Cond.Like(v, compiled, p, escape, ci, l.isNot());
    }

    private static Scalar bool(Scalar s, Expression e) {
        if (s.kind != ValueKind.BOOL && s.kind != ValueKind.NULL && s.kind != ValueKind.UNTYPED && s.kind != ValueKind.ANY) {
            throw new WhereException("cannot evaluate \"" + e + "\": " + s.fragment + " is " + s.kind.description()
                + ", not a boolean");
        }
        return s;
    }

    Scalar scalar(Expression e) {
        if (e instanceof Parenthesis p) {
            return scalar(p.getExpression());
        }
        if (e instanceof ParenthesedExpressionList<?> p && p.size() == 1) {
            return scalar(p.get(0));
        }
        if (e instanceof Column c) {
            return column(c);
        }
        if (e instanceof LongValue l) {
            return new Scalar.Constant(ValueKind.NUMBER, new BigDecimal(l.getStringValue()), e.toString());
        }
        if (e instanceof DoubleValue d) {
            return new Scalar.Constant(ValueKind.NUMBER, new BigDecimal(d.toString()), e.toString());
        }
        if (e instanceof SignedExpression s && scalar(s.getExpression()) instanceof Scalar.Constant c
            && c.kind == ValueKind.NUMBER) {
            Object v = s.getSign() == '-' ? ((BigDecimal) c.value).negate() : c.value;
            return new Scalar.Constant(ValueKind.NUMBER, v, e.toString());
        }
        if (e instanceof StringValue s) {
            return new Scalar.Constant(ValueKind.UNTYPED, literal(s), e.toString());
        }
        if (e instanceof NullValue) {
            return new Scalar.Constant(ValueKind.NULL, null, e.toString());
        }
        if (e instanceof BooleanValue b) {
            return new Scalar.Constant(ValueKind.BOOL, b.getValue(), e.toString());
        }
        if (e instanceof CastExpression c && c.getLeftExpression() != null && c.getColDataType() != null) {
            return cast(c);
        }
        throw unsupported(e);
    }

    private Scalar column(Column c) {
        String qualifier = c.getTable() == null ? null : c.getTable().getFullyQualifiedName();
        Scalar.Side side;
        if (qualifier == null || qualifier.isEmpty()) {
            side = Scalar.Side.BARE;
        } else if (qualifier.equalsIgnoreCase("old")) {
            side = Scalar.Side.OLD;
        } else if (qualifier.equalsIgnoreCase("new")) {
            side = Scalar.Side.NEW;
        } else {
            throw new WhereException("cannot evaluate \"" + c + "\": a column is named bare, or as old.column"
                + " or new.column, not by its table");
        }
        String name = identifier(c.getColumnName());
        int i = columns.index(name);
        if (i < 0) {
            throw new MissingColumn(name);
        }
        if (!names.contains(name)) {
            names.add(name);
            indexes.add(i);
        }
        ValueKind k = ValueKind.ofSqlType(columns.type(i));
        return new Scalar.ColumnValue(side, i, k, k, c.toString());
    }

    private Scalar cast(CastExpression c) {
        ColDataType t = c.getColDataType();
        String typeName = t.getDataType() + (t.getArrayData() != null && !t.getArrayData().isEmpty() ? "[]" : "");
        ValueKind to = ValueKind.ofSqlType(typeName);
        int scale = -1;
        List<String> args = t.getArgumentsStringList();
        if (to == ValueKind.NUMBER) {
            String n = typeName.trim().toLowerCase(Locale.ROOT);
            if (!n.equals("numeric") && !n.equals("decimal")) {
                scale = 0;
            } else if (args != null && !args.isEmpty()) {
                scale = args.size() > 1 ? Integer.parseInt(args.get(1).trim()) : 0;
            }
        }
        Scalar inner = scalar(c.getLeftExpression());
        if (inner.kind == ValueKind.NULL) {
            return inner;
        }
        if (!Values.castable(inner.kind, to)) {
            throw new WhereException("cannot evaluate \"" + c + "\": " + inner.fragment + " is "
                + inner.kind.description() + " and does not cast to " + typeName);
        }
        if (inner instanceof Scalar.Constant k) {
            try {
                return new Scalar.Constant(to, Values.cast(k.value, k.kind, to, scale), c.toString());
            } catch (IllegalArgumentException e) {
                throw new WhereException("cannot evaluate \"" + c + "\": " + k.fragment + " is " + e.getMessage());
            }
        }
        if (inner instanceof Scalar.ColumnValue col && (to == ValueKind.TEXT || to == ValueKind.OTHER)) {
            // a column as text: its text output, read once (character(n) without its padding)
            ValueKind readAs = col.kind == ValueKind.BPCHAR ? ValueKind.BPCHAR : ValueKind.TEXT;
            return new Scalar.ColumnValue(col.side, col.index, to, readAs, c.toString());
        }
        return new Scalar.Cast(inner, to, scale, c.toString());
    }

    /**
     * The kind two values are compared as: a quoted literal takes the other's kind; numbers with
     * numbers, dates and timestamps with each other, text-like kinds as text.
     */
    private static ValueKind commonKind(Scalar a, Scalar b, Expression e) {
        return commonKind(a.kind, b.kind, e, b);
    }

    private static ValueKind commonKind(ValueKind a, ValueKind b, Expression e, Scalar culprit) {
        if (a == ValueKind.NULL || a == ValueKind.ANY) {
            return b;
        }
        if (b == ValueKind.ANY) {
            return a;
        }
        if (b == ValueKind.NULL || a == b || b == ValueKind.UNTYPED) {
            return a;
        }
        if (a == ValueKind.UNTYPED) {
            return b;
        }
        if (a.numeric() && b.numeric()) {
            return a == ValueKind.NUMBER && b == ValueKind.NUMBER ? ValueKind.NUMBER : ValueKind.FLOAT8;
        }
        if (a.time() && b.time()) {
            return ValueKind.TIMESTAMPTZ;
        }
        if (a.textual() && b.textual()) {
            return ValueKind.TEXT;
        }
        throw new WhereException("cannot evaluate \"" + e + "\": " + a.description() + " does not compare with "
            + culprit.fragment + " (" + b.description() + "); cast one side, e.g. ::text");
    }

    /** A quoted literal read as the kind it is compared as; other values as they are. */
    private static Scalar coerce(Scalar s, ValueKind k, Scalar other, Expression e) {
        if (s instanceof Scalar.Constant c && c.kind == ValueKind.UNTYPED && k != ValueKind.UNTYPED && k != ValueKind.ANY) {
            ValueKind as = k == ValueKind.TEXT && other.kind == ValueKind.BPCHAR ? ValueKind.BPCHAR : k;
            try {
                return new Scalar.Constant(as, Values.parse(as, (String) c.value), c.fragment);
            } catch (IllegalArgumentException x) {
                throw new WhereException("cannot evaluate \"" + e + "\": " + c.fragment + " is " + x.getMessage()
                    + " (compared with " + other.fragment + ")");
            }
        }
        return s;
    }

    /** A quoted literal's value: '' is a quote; with the E prefix, backslash escapes as PostgreSQL reads them. */
    static String literal(StringValue s) {
        String prefix = s.getPrefix();
        String raw = s.getValue();
        if (prefix == null) {
            return raw.replace("''", "'");
        }
        if (!prefix.equalsIgnoreCase("E")) {
            throw new WhereException("cannot evaluate \"" + s + "\": only '...' and E'...' literals are supported");
        }
        return EscapeString.decode(raw);
    }

    /** An identifier as PostgreSQL reads it: unquoted folded to lower case, "quoted" as it is. */
    static String identifier(String name) {
        if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
            return name.substring(1, name.length() - 1).replace("\"\"", "\"");
        }
        return name.toLowerCase(Locale.ROOT);
    }

    private static WhereException unsupported(Expression e) {
        String what = e instanceof net.sf.jsqlparser.expression.Function ? "functions are not supported"
            : e instanceof net.sf.jsqlparser.statement.select.Select ? "subqueries are not supported"
            : e instanceof net.sf.jsqlparser.expression.BinaryExpression ? "arithmetic and other operators are not supported"
            : "not supported";
        return new WhereException("cannot evaluate \"" + e + "\": " + what + "; --where understands " + SUPPORTED);
    }
}
