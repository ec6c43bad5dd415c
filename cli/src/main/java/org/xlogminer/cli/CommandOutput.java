package org.xlogminer.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.channels.WritableByteChannel;

import org.xlogminer.render.JsonLinesWriter;
import org.xlogminer.render.SqlRenderer;

/**
 * Where a command's data goes: the writer, and, when it is the process's stdout, the UTF-8 byte
 * stream beneath it and that stream's channel (for output already encoded, and for copies in the
 * kernel from a file). Made once by {@link Main} and handed to the commands that use it.
 *
 * @param writer  what every command prints to
 * @param bytes   the byte stream {@code writer} encodes to, or null
 * @param channel the file or pipe {@code bytes} writes to, or null
 */
record CommandOutput(PrintWriter writer, OutputStream bytes, WritableByteChannel channel) {

    /** Output through the writer only (tests, embedding). */
    static CommandOutput of(PrintWriter writer) {
        return new CommandOutput(writer, null, null);
    }

    /**
     * JSON lines to the byte stream when there is one (encoded as they are escaped: a pass less than
     * through the writer), else to the writer. What the writer holds goes out first; the writer's
     * {@code flush()} flushes the lines too.
     */
    JsonLinesWriter jsonLines(SqlRenderer renderer) {
        if (bytes == null) {
            return new JsonLinesWriter(writer, renderer);
        }
        writer.flush();
        return new JsonLinesWriter(bytes, renderer);
    }
}
