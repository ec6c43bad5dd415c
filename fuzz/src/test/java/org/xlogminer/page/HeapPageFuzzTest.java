package org.xlogminer.page;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.xlogminer.fuzz.FuzzCatalog;
import org.xlogminer.fuzz.PageWork;

/**
 * A heap page from outside (a full-page image, a page of a base backup): the input's first byte
 * picks a table of the catalog, the rest is the 8 kB page (padded with zeros). Its line pointers
 * ({@link PageLayout}, {@link ItemId}) and every normal tuple are read, deformed
 * ({@link org.xlogminer.tuple.HeapTupleDeformer}) and formatted ({@link org.xlogminer.types}),
 * allowing only the documented TupleFormatException. Seeds: the pages of public.accounts and
 * public.standing_orders restored from the full-page images in testdata/pg15-accident-replica.
 */
class HeapPageFuzzTest {

    private final byte[] page = new byte[PageLayout.BLCKSZ];
    private final ByteBuffer buffer = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
    private final PageWork work = new PageWork();

    @FuzzTest(maxDuration = "5m")
    void page(byte[] input) {
        if (input.length < 1) {
            return;
        }
        int n = Math.min(input.length - 1, page.length);
        System.arraycopy(input, 1, page, 0, n);
        java.util.Arrays.fill(page, n, page.length, (byte) 0);
        work.page(FuzzCatalog.get().tables().get((input[0] & 0xFF) % FuzzCatalog.get().tables().size()), buffer);
    }
}
