package org.xlogminer.event;

import java.time.Instant;

/**
 * What is known of a transaction when its commit (or abort) record is read.
 *
 * @param xid        top-level transaction id
 * @param commitLsn  LSN of the commit (or abort) record
 * @param commitTime time from that record
 * @param committed  false for an aborted transaction (shown only on request)
 * @param incomplete true when the transaction may have begun before the WAL read
 */
public record TransactionInfo(long xid, long commitLsn, Instant commitTime, boolean committed, boolean incomplete) {
}
