package org.xlogminer.catalog.pgdata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

import org.xlogminer.catalog.pgdata.PgDataException.Kind;

/**
 * {@code pg_multixact} (multixact.c): the updating member of a MultiXact, if any. Two SLRUs of
 * 8192-byte pages, 32 pages per segment file named in four upper-case hex digits:
 * {@code offsets/} holds each MultiXact's first member offset (4 bytes, 2048 per page); a
 * MultiXact's members run up to the next one's offset (the last one's up to the checkpoint's
 * {@code nextMultiOffset}); {@code members/} holds them in groups of four, each group 20 bytes
 * (four status bytes, then four xids), 409 groups per page. A status above 3 (FOR UPDATE) is an
 * update ({@code ISUPDATE_from_mxstatus}). Not thread-safe.
 */
final class MultiXacts {

    private static final int PAGE = 8192;
    private static final int OFFSETS_PER_PAGE = PAGE / 4;
    private static final int GROUP_SIZE = 20;
    private static final int MEMBERS_PER_PAGE = PAGE / GROUP_SIZE * 4;
    private static final int PAGES_PER_SEGMENT = 32;
    private static final int FOR_UPDATE = 3;

    private final PgDataFiles files;
    private final int nextMulti;
    private final int nextOffset;
    private final Map<String, ByteBuffer> segments = new HashMap<>();

    MultiXacts(PgDataFiles files, int nextMulti, int nextOffset) {
        this.files = files;
        this.nextMulti = nextMulti;
        this.nextOffset = nextOffset;
    }

    /**
     * The xid of the updating member of MultiXact {@code multi}, 0 when all members only lock, -1
     * when its members are not all written (a MultiXact being made when a backup copied the files).
     */
    int updater(int multi) {
        int first = offset(multi);
        int next = next(multi) == nextMulti ? nextOffset : offset(next(multi));
        int n = next - first;
        if (first == 0 || next == 0 || n <= 0) {
            return -1;
        }
        if (n > 1 << 16) {
            throw new PgDataException(Kind.CORRUPT, "pg_multixact/offsets", "MultiXact " + Integer.toUnsignedString(multi)
                + " has " + n + " members");
        }
        for (int i = 0; i < n; i++) {
            int off = first + i;
            if (off == 0) {
                continue; // offset 0 is never used (skipped at wraparound)
            }
            int page = Integer.divideUnsigned(off, MEMBERS_PER_PAGE);
            int inPage = Integer.remainderUnsigned(off, MEMBERS_PER_PAGE);
            int group = (inPage / 4) * GROUP_SIZE;
            ByteBuffer b = segment("pg_multixact/members", page);
            int at = (page % PAGES_PER_SEGMENT) * PAGE + group;
            if (at + GROUP_SIZE > b.limit()) {
                throw new PgDataException(Kind.CORRUPT, name("pg_multixact/members", page), "too short for member "
                    + Integer.toUnsignedString(off));
            }
            int status = b.get(at + inPage % 4) & 0xFF;
            if (status > FOR_UPDATE) {
                return b.getInt(at + 4 + 4 * (inPage % 4));
            }
        }
        return 0;
    }

    private static int next(int multi) {
        int n = multi + 1;
        return Integer.compareUnsigned(n, 1) < 0 ? 1 : n; // FirstMultiXactId after wraparound
    }

    private int offset(int multi) {
        int page = Integer.divideUnsigned(multi, OFFSETS_PER_PAGE);
        ByteBuffer b = segment("pg_multixact/offsets", page);
        int at = (page % PAGES_PER_SEGMENT) * PAGE + Integer.remainderUnsigned(multi, OFFSETS_PER_PAGE) * 4;
        if (at + 4 > b.limit()) {
            throw new PgDataException(Kind.CORRUPT, name("pg_multixact/offsets", page), "too short for MultiXact "
                + Integer.toUnsignedString(multi));
        }
        return b.getInt(at);
    }

    private ByteBuffer segment(String dir, int page) {
        String name = name(dir, page);
        return segments.computeIfAbsent(name, n -> {
            try {
                byte[] bytes = files.read(n);
                if (bytes == null) {
                    throw new PgDataException(Kind.CORRUPT, n, "missing: a catalog row's MultiXact is in it");
                }
                return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static String name(String dir, int page) {
        return String.format("%s/%04X", dir, Integer.divideUnsigned(page, PAGES_PER_SEGMENT));
    }
}
