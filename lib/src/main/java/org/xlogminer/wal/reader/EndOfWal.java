package org.xlogminer.wal.reader;

import org.xlogminer.wal.Lsn;

/**
 * Why a {@link WalReader} stopped without an error: each is how valid WAL ends.
 *
 * @param reason  the kind of end
 * @param lsn     where the next record would have started (or the incomplete record did)
 * @param segment the segment file the end lies in, or the one that is missing
 * @param detail  one sentence for people
 */
public record EndOfWal(Reason reason, long lsn, String segment, String detail) {

    public enum Reason {
        /** The requested end LSN was reached. */
        END_LSN_REACHED,
        /** A zero record length: the server has written nothing further. */
        ZERO_LENGTH,
        /** A page with an older page address: a recycled segment, WAL ends before it. */
        RECYCLED_PAGE,
        /** A page of zeros: a pre-allocated segment not yet written. */
        ZERO_PAGE,
        /** A record whose xl_prev does not point at the previous record. */
        PREV_LINK_MISMATCH,
        /** The last segment present ended; there are no later ones. */
        NO_MORE_SEGMENTS,
        /** The last record present continues into a segment that is not present. */
        INCOMPLETE_RECORD,
        /**
         * A source that grows (a live stream) has not yet received the whole of the next record:
         * {@link WalReader#resume()} reads on once it has.
         */
        NOT_YET_RECEIVED
    }

    @Override
    public String toString() {
        return "end of WAL at " + Lsn.format(lsn) + " in segment " + segment + ": " + detail;
    }
}
