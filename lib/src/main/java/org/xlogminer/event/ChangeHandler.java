package org.xlogminer.event;

/**
 * Receives mined changes as they are decoded, without a transaction's changes ever being held in
 * memory together: the bounded-memory way to consume a mining run (a 10-million-row UPDATE flows
 * through). For each transaction with at least one change: {@code begin}, then every change in WAL
 * order, then {@code end}; transactions in commit order.
 */
public interface ChangeHandler {

    void begin(TransactionInfo tx);

    void change(TransactionInfo tx, RowChange change);

    void end(TransactionInfo tx);

    /**
     * A schema change the transaction made, after its row changes and before its {@link #end}.
     * Ignored unless a handler has a use for it.
     */
    default void schemaChange(TransactionInfo tx, SchemaChange change) {
    }
}
