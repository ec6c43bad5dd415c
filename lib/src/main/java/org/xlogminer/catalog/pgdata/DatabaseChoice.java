package org.xlogminer.catalog.pgdata;

import java.util.ArrayList;
import java.util.List;

import org.xlogminer.catalog.pgdata.PgDataException.Kind;
import org.xlogminer.catalog.pgdata.StoredRows.DatabaseRow;

/**
 * Which database of the cluster to capture: the one named; or, when none is named, the only
 * database that is neither a template nor {@code postgres}; or {@code postgres} when there is no
 * such database. Several candidates and no name is a usage error listing them.
 */
final class DatabaseChoice {

    private DatabaseChoice() {
    }

    static DatabaseRow choose(List<DatabaseRow> databases, String name, String where) {
        List<String> names = new ArrayList<>();
        for (DatabaseRow d : databases) {
            names.add(d.name());
        }
        names.sort(null);
        if (name != null) {
            for (DatabaseRow d : databases) {
                if (d.name().equals(name)) {
                    return d;
                }
            }
            throw new PgDataException(Kind.NOT_A_DATA_DIRECTORY, where, "has no database \"" + name
                + "\" (it has " + String.join(", ", names) + ")");
        }
        List<DatabaseRow> candidates = new ArrayList<>();
        DatabaseRow postgres = null;
        for (DatabaseRow d : databases) {
            if (d.name().equals("postgres")) {
                postgres = d;
            } else if (!d.template()) {
                candidates.add(d);
            }
        }
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        if (candidates.isEmpty() && postgres != null) {
            return postgres;
        }
        throw new PgDataException(Kind.NOT_A_DATA_DIRECTORY, where, candidates.isEmpty()
            ? "has no database to capture (it has " + String.join(", ", names) + ")"
            : "has several databases: name one with --database (" + String.join(", ", names) + ")");
    }
}
