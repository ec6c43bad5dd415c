package org.xlogminer.render;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Where a SQL script goes: a {@link Writer}, and optionally the UTF-8 byte stream beneath it and
 * that stream's channel. Given the byte stream, text is encoded here (ASCII, most SQL, a byte per
 * char; anything else through the JDK's encoder) and written a 64 kB chunk at a time, instead of
 * through the writer's encoder; given the channel too, bytes already in a file (the UNDO script's
 * temporary file) go to it with {@link FileChannel#transferTo}, in the kernel where it can. Once a
 * script writer has this output, nothing else may write to the writer until its
 * {@code finish()}. Shared by {@link RedoScriptWriter} and {@link UndoScriptWriter}.
 *
 * <p>Not thread-safe: one thread writes the script.
 */
public final class ScriptOutput {

    /** Bytes of UTF-8 gathered before they go to the byte stream, or turned into one String for the writer. */
    static final int OUT_CHUNK = 1 << 16;

    private final Writer out;
    private final OutputStream bytes;
    private final WritableByteChannel channel;
    /** Text encoded as UTF-8, not yet written to {@link #bytes} (when given). */
    private byte[] pending;
    private int pendingSize;
    /** The text's chars on their way to the writer (when there is no byte stream): no String per statement. */
    private char[] chars = new char[1024];

    /** Text through the writer only. */
    public ScriptOutput(Writer out) {
        this(out, null, null);
    }

    /**
     * @param bytes   the UTF-8 byte stream {@code out} writes to, or null
     * @param channel the file or pipe {@code bytes} writes to (stdout's), or null; ignored without
     *                {@code bytes}
     */
    public ScriptOutput(Writer out, OutputStream bytes, WritableByteChannel channel) {
        this.out = out;
        this.bytes = bytes;
        this.channel = bytes != null ? channel : null;
        this.pending = bytes != null ? new byte[OUT_CHUNK + 4096] : null;
    }

    /** Appends text: as UTF-8 gathered for the byte stream, written a chunk at a time, else through the writer. */
    void text(CharSequence s) {
        if (bytes != null) {
            addUtf8(s);
            if (pendingSize >= OUT_CHUNK) {
                writePending();
            }
            return;
        }
        try {
            if (s instanceof StringBuilder b) { // a statement: through the char buffer, no String
                int n = b.length();
                if (chars.length < n) {
                    chars = new char[Math.max(n, chars.length * 2)];
                }
                b.getChars(0, n, chars, 0);
                out.write(chars, 0, n);
            } else {
                out.append(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends the text as UTF-8 to {@link #pending}. */
    private void addUtf8(CharSequence s) {
        int n = s.length();
        ensurePending(n);
        if (asciiInto(s, pending, pendingSize)) {
            pendingSize += n;
            return;
        }
        byte[] b = s.toString().getBytes(StandardCharsets.UTF_8); // what went in past pendingSize is overwritten
        ensurePending(b.length);
        System.arraycopy(b, 0, pending, pendingSize, b.length);
        pendingSize += b.length;
    }

    private void ensurePending(int more) {
        if (pendingSize + more > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pendingSize + more, pending.length * 2));
        }
    }

    private void writePending() {
        if (pendingSize == 0) {
            return;
        }
        try {
            out.flush(); // what went through the writer comes first
            bytes.write(pending, 0, pendingSize);
            pendingSize = 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes UTF-8 bytes made of whole pieces of text: to the byte stream, else to the writer a few
     * kB of text at a time. With a byte stream, call {@link #flushWriter()} first.
     */
    void utf8(byte[] b, int off, int len) throws IOException {
        if (bytes != null) {
            bytes.write(b, off, len);
            return;
        }
        while (len > 0) {
            int n = len <= OUT_CHUNK ? len : completeUtf8(b, off, OUT_CHUNK);
            out.write(new String(b, off, n, StandardCharsets.UTF_8));
            off += n;
            len -= n;
        }
    }

    /** Whether {@link #transfer} can move bytes from a file in the kernel. */
    boolean hasChannel() {
        return channel != null;
    }

    /**
     * Moves the file's bytes [pos, end) to the channel, as far as it takes them; returns where it
     * stopped ({@code pos} without a channel). Call {@link #flushBytes()} first.
     */
    long transfer(FileChannel file, long pos, long end) throws IOException {
        if (channel != null) {
            long n;
            while (pos < end && (n = file.transferTo(pos, end - pos, channel)) > 0) {
                pos += n;
            }
        }
        return pos;
    }

    /** With a byte stream beneath, flushes the writer, so that what went through it comes before the bytes. */
    void flushWriter() throws IOException {
        if (bytes != null) {
            out.flush();
        }
    }

    /** Flushes the byte stream, if any, so that what went through it comes before what goes by the channel. */
    void flushBytes() throws IOException {
        if (bytes != null) {
            bytes.flush();
        }
    }

    /** Writes the text gathered and flushes the byte stream, if any, and the writer. */
    void finish() {
        try {
            if (bytes != null) {
                writePending();
                bytes.flush();
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies the text to {@code dst} at {@code at}, a byte per char, while it is ASCII (most SQL);
     * false at the first char that is not, and the caller encodes the text as UTF-8 instead.
     */
    static boolean asciiInto(CharSequence s, byte[] dst, int at) {
        int n = s.length();
        for (int k = 0; k < n; k++) {
            char c = s.charAt(k);
            if (c >= 0x80) {
                return false;
            }
            dst[at + k] = (byte) c;
        }
        return true;
    }

    /** The longest prefix of {@code b[off, off+len)} that does not end inside a UTF-8 sequence. */
    static int completeUtf8(byte[] b, int off, int len) {
        int k = off + len - 1;
        while (k > off && (b[k] & 0xC0) == 0x80) {
            k--; // back to the lead byte of the last sequence
        }
        int lead = b[k] & 0xFF;
        int need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return k + need <= off + len ? len : k - off > 0 ? k - off : len;
    }
}
