package org.xlogminer.catalog.timeline;

import java.util.List;

/**
 * The changes one committed transaction made to the followed system catalogs, in WAL order: one
 * step of the {@link CatalogTimeline}. Immutable.
 *
 * @param commitLsn LSN of the commit record: the changes hold from there on
 * @param xid       top-level transaction id
 * @param changes   its catalog row changes, in WAL order
 */
public record CatalogCommit(long commitLsn, long xid, List<CatalogChange> changes) {

    public CatalogCommit {
        changes = List.copyOf(changes);
    }
}
