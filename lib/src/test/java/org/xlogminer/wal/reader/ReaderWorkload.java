package org.xlogminer.wal.reader;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.postgresql.PGConnection;
import org.xlogminer.testkit.PgServer;

/**
 * The workload every reader test runs, on every major: DDL, single-row inserts, COPY, HOT and
 * non-HOT updates, deletes, savepoints rolled back and released, an aborted transaction, a bulk
 * load big enough to fill several 1 MB segments, a CHECKPOINT in the middle and a VACUUM.
 *
 * <p>It knows what heap records it must produce on table {@code acct}, whatever the version:
 * that is the oracle where no tool describes the WAL (13, 14).
 */
final class ReaderWorkload {

    static final int INSERTED_ONE_BY_ONE = 200;
    static final int COPIED = 300;
    static final int HOT_UPDATES = 5;
    static final int NON_HOT_UPDATES = 10;
    static final int DELETES = 20;
    /** Savepoint block: three single-row inserts (one rolled back to the savepoint: still logged). */
    static final int SAVEPOINT_INSERTS = 3;
    /** The aborted transaction inserts one row. */
    static final int ABORTED_INSERTS = 1;

    private ReaderWorkload() {
    }

    static void run(PgServer server) throws SQLException, java.io.IOException {
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE acct (id int PRIMARY KEY, owner text NOT NULL, balance numeric(12,2), note text)"
                + " WITH (fillfactor = 50)");
            s.execute("CREATE INDEX acct_owner ON acct (owner)");
            for (int i = 1; i <= INSERTED_ONE_BY_ONE; i++) {
                s.execute("INSERT INTO acct VALUES (" + i + ", 'owner " + i + "', " + (i * 10) + ", NULL)");
            }
            StringBuilder copy = new StringBuilder();
            for (int i = 1; i <= COPIED; i++) {
                int id = 1000 + i;
                copy.append(id).append("\towner ").append(id).append('\t').append(id).append(".50\t\\N\n");
            }
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY acct FROM STDIN", new StringReader(copy.toString()));

            s.execute("CREATE TABLE bulk (id int, payload text)");
            s.execute("INSERT INTO bulk SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 9000) g");
            s.execute("CHECKPOINT");

            // balance is not indexed and fillfactor leaves room: heap-only updates on the same page.
            s.execute("UPDATE acct SET balance = balance + 1 WHERE id BETWEEN 1 AND " + HOT_UPDATES);
            // owner is indexed: each of these is a plain UPDATE.
            s.execute("UPDATE acct SET owner = owner || '!' WHERE id BETWEEN 101 AND " + (100 + NON_HOT_UPDATES));
            s.execute("DELETE FROM acct WHERE id BETWEEN 1001 AND " + (1000 + DELETES));

            c.setAutoCommit(false);
            s.execute("INSERT INTO acct VALUES (5001, 'kept', 1, 'savepoint')");
            s.execute("SAVEPOINT s1");
            s.execute("INSERT INTO acct VALUES (5002, 'rolled back', 2, 'savepoint')");
            s.execute("ROLLBACK TO SAVEPOINT s1");
            s.execute("SAVEPOINT s2");
            s.execute("INSERT INTO acct VALUES (5003, 'released', 3, 'savepoint')");
            s.execute("RELEASE SAVEPOINT s2");
            c.commit();

            s.execute("INSERT INTO acct VALUES (6001, 'aborted', 4, NULL)");
            c.rollback();
            c.setAutoCommit(true);

            s.execute("VACUUM acct");
        }
    }

    static long relfilenode(PgServer server, String table) throws SQLException {
        try (Connection c = server.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_relation_filenode('" + table + "')")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
