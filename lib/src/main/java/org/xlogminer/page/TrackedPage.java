package org.xlogminer.page;

/**
 * One tracked heap page (main fork): its key, where its image is in the WAL, and the tuples put on
 * it since, in memory or in the spill file. Plain state: {@link PageMap} finds it by its key,
 * {@link ImageTuples} reads its image, {@link OverlayBudget} moves its overlay between memory
 * and {@link SpillFile}. About 150 bytes, outside the budget. Not thread-safe.
 */
final class TrackedPage {
    final int tablespace;
    final int database;
    final int relNumber;
    final long block;
    /** LSN of the record whose image the page starts from; 0 when it started empty (initialised). */
    long imageLsn;
    int imageBlock;
    /** Where the image's bytes start in its record, and its hole; -1 when it is compressed. */
    int imageAt;
    short holeOffset;
    short holeLength;
    /** Tuples put since the image; null when none (or spilled). */
    Overlay overlay;
    int overlayBytes;
    /** The image's line pointers (page bytes 24 to pd_lower), when kept: one read less per tuple. */
    byte[] linePointers;
    /** The slot of {@link ImageTuples}' recent images holding a copy of the image, or -1. */
    int recentSlot = -1;
    /** Where the overlay is in the spill file, or -1. */
    long spillAt = -1;
    int spillLength;
    /** Neighbours in the list of pages with an overlay in memory, least recently used first. */
    TrackedPage prev;
    TrackedPage next;

    TrackedPage(int tablespace, int database, int relNumber, long block) {
        this.tablespace = tablespace;
        this.database = database;
        this.relNumber = relNumber;
        this.block = block;
    }
}
