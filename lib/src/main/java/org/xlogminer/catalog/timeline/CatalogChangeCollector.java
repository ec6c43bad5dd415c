package org.xlogminer.catalog.timeline;

import java.util.ArrayList;
import java.util.List;

import org.xlogminer.event.ChangeHandler;
import org.xlogminer.event.RowChange;
import org.xlogminer.event.TransactionInfo;

/**
 * Keeps, out of mined transactions (mined with the system catalogs included), the committed row
 * changes of the {@linkplain CatalogChange#FOLLOWED followed catalogs}, one {@link CatalogCommit}
 * per transaction that made any, in commit order: what a {@link CatalogTimeline} is built from.
 *
 * <p>Not thread-safe: hand it to the miner directly (not through an AsyncChangeHandler).
 */
public final class CatalogChangeCollector implements ChangeHandler {

    private final List<CatalogCommit> commits = new ArrayList<>();
    private final List<CatalogChange> current = new ArrayList<>();

    @Override
    public void begin(TransactionInfo tx) {
        current.clear();
    }

    @Override
    public void change(TransactionInfo tx, RowChange change) {
        CatalogChange c = CatalogChange.of(change);
        if (c != null) {
            current.add(c);
        }
    }

    @Override
    public void end(TransactionInfo tx) {
        if (tx.committed() && !current.isEmpty()) {
            commits.add(new CatalogCommit(tx.commitLsn(), tx.xid(), current));
        }
        current.clear();
    }

    /** The transactions that changed the followed catalogs, in commit order. */
    public List<CatalogCommit> commits() {
        return List.copyOf(commits);
    }
}
