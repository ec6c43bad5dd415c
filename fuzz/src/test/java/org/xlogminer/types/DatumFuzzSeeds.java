package org.xlogminer.types;

import java.util.List;

/** The type list of {@link DatumFuzzTest}, for the seed writer (another package). */
public final class DatumFuzzSeeds {

    private DatumFuzzSeeds() {
    }

    public static List<Long> types() {
        return DatumFuzzTest.TYPES;
    }
}
