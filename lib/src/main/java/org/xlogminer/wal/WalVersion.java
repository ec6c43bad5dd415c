package org.xlogminer.wal;

/**
 * The PostgreSQL major versions whose WAL xlogminer reads, told apart by {@code XLOG_PAGE_MAGIC}, the
 * first two bytes of every WAL page ({@code src/include/access/xlog_internal.h}). 18's magic was read
 * off a running 18.1 server.
 */
public enum WalVersion {
    PG13(13, 0xD106),
    PG14(14, 0xD10D),
    PG15(15, 0xD110),
    PG16(16, 0xD113),
    PG17(17, 0xD116),
    PG18(18, 0xD118);

    private static final WalVersion[] ALL = values();

    private final int major;
    private final int pageMagic;

    WalVersion(int major, int pageMagic) {
        this.major = major;
        this.pageMagic = pageMagic;
    }

    public int major() {
        return major;
    }

    public int pageMagic() {
        return pageMagic;
    }

    /** The version whose pages start with this magic, or null when none does. */
    public static WalVersion fromPageMagic(int magic) {
        for (WalVersion v : ALL) { // values() would copy the array: this runs once per page
            if (v.pageMagic == magic) {
                return v;
            }
        }
        return null;
    }

    public static WalVersion fromMajor(int major) {
        for (WalVersion v : ALL) {
            if (v.major == major) {
                return v;
            }
        }
        throw new IllegalArgumentException("unsupported PostgreSQL major version " + major + " (supported: 13 to 18)");
    }

    /**
     * 14 added the top-level-xid fragment ({@code XLR_BLOCK_ID_TOPLEVEL_XID}) to record headers.
     */
    public boolean hasToplevelXidFragment() {
        return major >= 14;
    }

    /**
     * 15 renumbered {@code bimg_info} to make room for lz4 and zstd images; before, one bit meant
     * "compressed with pglz".
     */
    public boolean hasCompressionMethodBits() {
        return major >= 15;
    }
}
