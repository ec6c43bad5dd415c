package org.xlogminer.cli;

import java.io.BufferedOutputStream;
import java.io.OutputStream;

/**
 * The buffer beneath stdout, which tells how full it is: {@code follow} ends a group of
 * transactions before the buffer would write part of it out on its own (what reaches stdout before
 * the state file names its last commit comes again after a crash).
 */
final class StdoutBuffer extends BufferedOutputStream {

    StdoutBuffer(OutputStream out, int size) {
        super(out, size);
    }

    /** Bytes held, not yet written. */
    synchronized int buffered() {
        return count;
    }

    int capacity() {
        return buf.length;
    }
}
