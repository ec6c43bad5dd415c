package org.xlogminer.live;

import java.sql.SQLException;

/**
 * The server refused a replication connection to the role: it lacks the REPLICATION attribute (or
 * pg_hba.conf has no replication line for it). Not retried.
 */
public final class ReplicationDeniedException extends SQLException {

    ReplicationDeniedException(String message, SQLException cause) {
        super(message, cause.getSQLState(), cause);
    }
}
