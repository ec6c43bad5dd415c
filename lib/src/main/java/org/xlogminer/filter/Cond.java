package org.xlogminer.filter;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A condition, evaluated in SQL's three-valued logic: {@link #TRUE}, {@link #FALSE} or
 * {@link #UNKNOWN} (what a NULL makes of a comparison). Immutable.
 */
interface Cond {

    int TRUE = 1;
    int FALSE = 0;
    int UNKNOWN = -1;

    int test(RowContext r);

    /** The same result for every row (a table that lacks a column the expression names: FALSE). */
    record Always(int result) implements Cond {
        @Override
        public int test(RowContext r) {
            return result;
        }
    }

    record And(Cond a, Cond b) implements Cond {
        @Override
        public int test(RowContext r) {
            int x = a.test(r);
            if (x == FALSE) {
                return FALSE;
            }
            int y = b.test(r);
            return y == FALSE ? FALSE : x == TRUE && y == TRUE ? TRUE : UNKNOWN;
        }
    }

    record Or(Cond a, Cond b) implements Cond {
        @Override
        public int test(RowContext r) {
            int x = a.test(r);
            if (x == TRUE) {
                return TRUE;
            }
            int y = b.test(r);
            return y == TRUE ? TRUE : x == FALSE && y == FALSE ? FALSE : UNKNOWN;
        }
    }

    record Not(Cond a) implements Cond {
        @Override
        public int test(RowContext r) {
            int x = a.test(r);
            return x == UNKNOWN ? UNKNOWN : 1 - x;
        }
    }

    /** Comparison operators: =, &lt;&gt; (!=), &lt;, &lt;=, &gt;, &gt;=. */
    enum Op {
        EQ, NE, LT, LE, GT, GE;

        boolean holds(int c) {
            return switch (this) {
                case EQ -> c == 0;
                case NE -> c != 0;
                case LT -> c < 0;
                case LE -> c <= 0;
                case GT -> c > 0;
                case GE -> c >= 0;
            };
        }
    }

    /** Two values compared as {@code common} compares them. */
    record Compare(Op op, Scalar left, Scalar right, ValueKind common) implements Cond {
        @Override
        public int test(RowContext r) {
            return compare(op, left.value(r), right.value(r), common);
        }

        static int compare(Op op, Object a, Object b, ValueKind common) {
            if (a == null || b == null || a == Scalar.UNRECOVERABLE || b == Scalar.UNRECOVERABLE) {
                return UNKNOWN;
            }
            return op.holds(Values.compare(common, a, b)) ? TRUE : FALSE;
        }
    }

    /** {@code x IS [NOT] NULL}. */
    record IsNull(Scalar value, boolean not) implements Cond {
        @Override
        public int test(RowContext r) {
            Object v = value.value(r);
            if (v == Scalar.UNRECOVERABLE) {
                return UNKNOWN;
            }
            return (v == null) != not ? TRUE : FALSE;
        }
    }

    /** {@code x IS [NOT] DISTINCT FROM y}: NULL-safe equality. */
    record IsDistinct(Scalar left, Scalar right, ValueKind common, boolean not) implements Cond {
        @Override
        public int test(RowContext r) {
            Object a = left.value(r);
            Object b = right.value(r);
            if (a == Scalar.UNRECOVERABLE || b == Scalar.UNRECOVERABLE) {
                return UNKNOWN;
            }
            boolean distinct = a == null || b == null ? a != b : Values.compare(common, a, b) != 0;
            return distinct != not ? TRUE : FALSE;
        }
    }

    /** {@code x [NOT] IN (a, b, ...)}: true if one equals, else unknown if one is NULL. */
    record In(Scalar value, List<Scalar> list, ValueKind common, boolean not) implements Cond {
        @Override
        public int test(RowContext r) {
            Object v = value.value(r);
            int result = FALSE;
            for (Scalar s : list) {
                int c = Compare.compare(Op.EQ, v, s.value(r), common);
                if (c == TRUE) {
                    result = TRUE;
                    break;
                }
                if (c == UNKNOWN) {
                    result = UNKNOWN;
                }
            }
            return result == UNKNOWN || !not ? result : 1 - result;
        }
    }

    /** {@code x [NOT] BETWEEN lo AND hi}. */
    record Between(Scalar value, Scalar low, Scalar high, ValueKind common, boolean not) implements Cond {
        @Override
        public int test(RowContext r) {
            Object v = value.value(r);
            int lo = Compare.compare(Op.GE, v, low.value(r), common);
            int hi = lo == FALSE ? FALSE : Compare.compare(Op.LE, v, high.value(r), common);
            int result = lo == FALSE || hi == FALSE ? FALSE : lo == TRUE && hi == TRUE ? TRUE : UNKNOWN;
            return result == UNKNOWN || !not ? result : 1 - result;
        }
    }

    /** {@code x [NOT] LIKE|ILIKE pattern}: the pattern a literal, compiled once, or a value, per row. */
    record Like(Scalar value, Pattern compiled, Scalar pattern, char escape, boolean caseInsensitive, boolean not)
        implements Cond {
        @Override
        public int test(RowContext r) {
            Object v = value.value(r);
            if (v == null || v == Scalar.UNRECOVERABLE) {
                return UNKNOWN;
            }
            Pattern p = compiled;
            if (p == null) {
                Object t = pattern.value(r);
                if (t == null || t == Scalar.UNRECOVERABLE) {
                    return UNKNOWN;
                }
                try {
                    p = LikePattern.compile(t.toString(), escape, caseInsensitive);
                } catch (IllegalArgumentException e) {
                    r.castFailed = true;
                    return UNKNOWN;
                }
            }
            return p.matcher(v.toString()).matches() != not ? TRUE : FALSE;
        }
    }

    /** A boolean value as a condition; {@code x IS [NOT] TRUE|FALSE} when {@code is} is set. */
    record BoolValue(Scalar value, Boolean is, boolean not) implements Cond {
        @Override
        public int test(RowContext r) {
            Object v = value.value(r);
            if (v == Scalar.UNRECOVERABLE) {
                return UNKNOWN;
            }
            if (is == null) {
                return v == null ? UNKNOWN : (Boolean) v ? TRUE : FALSE;
            }
            return is.equals(v) != not ? TRUE : FALSE;
        }
    }
}
