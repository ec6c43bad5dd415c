package org.xlogminer.tx;

import org.xlogminer.util.OpenAddressing;

/**
 * The open transactions' buffers, found by their own xids, so that a record's look-up boxes no
 * Integer and makes no map node.
 *
 * <p>Not thread-safe.
 */
final class XidMap extends OpenAddressing<TxBuffer> {

    XidMap() {
        super(256);
    }

    private static int hash(int xid) {
        return xid * 0x9E3779B9 >>> 7;
    }

    @Override
    protected int hash(TxBuffer b) {
        return hash(b.xid);
    }

    /** The buffer of this xid, or null. */
    TxBuffer get(int xid) {
        for (int i = firstSlot(hash(xid)); ; i = nextSlot(i)) {
            TxBuffer b = at(i);
            if (b == null || b.xid == xid) {
                return b;
            }
        }
    }

    /** Removes and returns the buffer of this xid, or null. */
    TxBuffer remove(int xid) {
        TxBuffer b = get(xid);
        if (b != null) {
            remove(b);
        }
        return b;
    }
}
