package org.xlogminer.mine;

/** Where {@link MinerFuzzTest} puts its input, for the seed writer (another package). */
public final class MinerFuzzSeeds {

    public static final int AT = MinerFuzzTest.AT;
    public static final int ROOM = MinerFuzzTest.ROOM;

    private MinerFuzzSeeds() {
    }
}
