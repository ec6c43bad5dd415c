package org.xlogminer.filter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import net.sf.jsqlparser.expression.Expression;

import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.catalog.TypeInfo;
import org.xlogminer.event.Row;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.TableName;

/**
 * A {@code --where} expression: an SQL boolean expression on a row change's columns, parsed once
 * ({@link #parse}), bound once per table (each column found and typed, each literal read as the
 * value it is compared with) and evaluated per row change in SQL's three-valued logic: a change is
 * selected when the expression is true, not when it is false or unknown.
 *
 * <p>A bare column is the new value (the old one for a DELETE); {@code old.col} and {@code new.col}
 * say which. The old row of an INSERT and the new row of a DELETE are all NULL. A table without a
 * column the expression names has no row selected. A value the WAL read does not hold (an old
 * value at REPLICA IDENTITY DEFAULT that no page held) makes what reads it unknown:
 * {@link #unrecoverable()} counts the changes left out for that reason. TRUNCATEs have no rows and
 * are never selected.
 *
 * <p>Thread-safe: bindings are cached per table in a concurrent map, counters are adders.
 */
public final class RowPredicate {

    private final String text;
    private final Expression expression;
    private final Set<String> columns;
    private final Map<TableName, Bound> bound = new ConcurrentHashMap<>();
    private final LongAdder unrecoverable = new LongAdder();
    private final LongAdder notEvaluable = new LongAdder();
    private final Set<String> warnings = ConcurrentHashMap.newKeySet();

    private RowPredicate(String text, Expression expression, Set<String> columns) {
        this.text = text;
        this.expression = expression;
        this.columns = columns;
    }

    /**
     * Parses the expression and checks that every part of it is understood (the types are checked
     * by {@link #check} and per table).
     *
     * @throws WhereException quoting the part it does not understand
     */
    public static RowPredicate parse(String text) {
        if (text == null || text.isBlank()) {
            throw new WhereException("the expression is empty");
        }
        Expression e = WhereSyntax.parse(text);
        Set<String> names = new LinkedHashSet<>();
        Binder probe = new Binder(new Binder.Columns() {
            private final List<String> seen = new ArrayList<>();

            @Override
            public int index(String name) {
                names.add(name);
                if (!seen.contains(name)) {
                    seen.add(name);
                }
                return seen.indexOf(name);
            }

            @Override
            public String type(int index) {
                return null; // types not known: only the structure is checked here
            }
        });
        probe.cond(e);
        return new RowPredicate(text, e, Set.copyOf(names));
    }

    /** The expression as given. */
    public String text() {
        return text;
    }

    /** The names of the columns it reads (unquoted, as the catalog has them). */
    public Set<String> columns() {
        return columns;
    }

    /**
     * Binds the expression to each of the tables that has every column it names, which checks that
     * their values compare as the expression compares them; a column none of the tables has is an
     * error too (a mistyped name would otherwise select nothing, silently).
     *
     * @param tables the tables that will be mined
     * @param types  the catalog's types by OID (for the columns' SQL types)
     * @throws WhereException naming the table and quoting the part that does not fit
     */
    public void check(Collection<TableInfo> tables, Map<Long, TypeInfo> types) {
        Set<String> missing = new LinkedHashSet<>(columns);
        for (TableInfo t : tables) {
            List<String> names = new ArrayList<>();
            List<String> typeNames = new ArrayList<>();
            for (ColumnInfo c : t.columns()) {
                if (!c.dropped()) {
                    names.add(c.name());
                    TypeInfo ti = types.get(c.typeOid());
                    typeNames.add(ti == null ? null : ti.sqlName());
                }
            }
            missing.removeAll(names);
            try {
                new Binder(new Binder.Columns() {
                    @Override
                    public int index(String name) {
                        return names.indexOf(name);
                    }

                    @Override
                    public String type(int index) {
                        return typeNames.get(index);
                    }
                }).cond(expression);
            } catch (Binder.MissingColumn e) {
                // this table's rows are never selected
            } catch (WhereException e) {
                throw new WhereException(e.getMessage() + " (table " + t.qualifiedName() + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new WhereException("no table mined has a column " + String.join(", ", missing.stream()
                .map(c -> "\"" + c + "\"").toList()) + " (names are folded to lower case unless double-quoted)");
        }
    }

    /** Whether the change is selected: the expression is true for its rows. */
    public boolean test(RowChange c) {
        Row oldRow;
        Row newRow;
        if (c instanceof RowChange.Insert i) {
            oldRow = null;
            newRow = i.after();
        } else if (c instanceof RowChange.Update u) {
            oldRow = u.before();
            newRow = u.after();
        } else if (c instanceof RowChange.Delete d) {
            oldRow = d.before();
            newRow = null;
        } else {
            return false;
        }
        Row shape = newRow != null ? newRow : oldRow;
        TableName table = new TableName(c.source().schema(), c.source().table());
        Bound b = bound.get(table);
        if (b == null || !b.fits(shape)) {
            b = bind(table, shape);
            bound.put(table, b);
        }
        RowContext r = new RowContext(oldRow, newRow);
        int result = b.cond.test(r);
        if (result == Cond.TRUE) {
            return true;
        }
        if (b.error != null || r.castFailed) {
            notEvaluable.increment();
        } else if (result == Cond.UNKNOWN && r.sawUnrecoverable) {
            unrecoverable.increment();
        }
        return false;
    }

    /** Row changes not selected because a value the expression reads is not in the WAL read. */
    public long unrecoverable() {
        return unrecoverable.sum();
    }

    /** Row changes not selected because the expression could not be evaluated on them (a failed cast). */
    public long notEvaluable() {
        return notEvaluable.sum();
    }

    /** Why the expression could not be bound to a table whose columns changed while mining, if it could not. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    private Bound bind(TableName table, Row shape) {
        Binder binder = new Binder(new Binder.Columns() {
            @Override
            public int index(String name) {
                return shape.indexOf(name);
            }

            @Override
            public String type(int index) {
                return shape.type(index);
            }
        });
        try {
            Cond cond = binder.cond(expression);
            int n = binder.names.size();
            int[] idx = new int[n];
            String[] types = new String[n];
            for (int i = 0; i < n; i++) {
                idx[i] = binder.indexes.get(i);
                types[i] = shape.type(idx[i]);
            }
            return new Bound(cond, shape.size(), idx, binder.names.toArray(new String[0]), types, null, null);
        } catch (Binder.MissingColumn e) {
            return new Bound(new Cond.Always(Cond.FALSE), shape.size(), new int[0], new String[0], new String[0],
                e.column, null);
        } catch (WhereException e) {
            String w = "--where cannot be evaluated on " + table + ": " + e.getMessage();
            warnings.add(w);
            return new Bound(new Cond.Always(Cond.FALSE), shape.size(), new int[0], new String[0], new String[0],
                null, w);
        }
    }

    /**
     * The expression bound to one table's columns, and what it was bound to: it fits a row with the
     * same columns at the same places, of the same types (checked per row for the columns it reads
     * only: the names and types are the catalog's own Strings, mostly compared by identity).
     */
    private record Bound(Cond cond, int size, int[] indexes, String[] names, String[] types, String missing,
                         String error) {
        boolean fits(Row row) {
            if (row.size() != size) {
                return false;
            }
            for (int i = 0; i < indexes.length; i++) {
                String n = row.name(indexes[i]);
                String t = row.type(indexes[i]);
                if (n != names[i] && !n.equals(names[i]) || t != types[i] && !t.equals(types[i])) {
                    return false;
                }
            }
            return missing == null || row.indexOf(missing) < 0;
        }
    }
}
