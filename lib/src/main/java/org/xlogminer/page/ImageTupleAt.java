package org.xlogminer.page;

/**
 * Where a tuple of a tracked page's full-page image is ({@link PageTracker#drainNewImages}):
 * the page, the offset number and the image. {@link PageTracker#imageTuple} reads it again while
 * the page keeps that image and nothing was put at that offset number since. Immutable.
 */
public final class ImageTupleAt {

    final TrackedPage page;
    final int offnum;
    final long imageLsn;

    ImageTupleAt(TrackedPage page, int offnum, long imageLsn) {
        this.page = page;
        this.offnum = offnum;
        this.imageLsn = imageLsn;
    }
}
