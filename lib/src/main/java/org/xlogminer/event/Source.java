package org.xlogminer.event;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a row change comes from. Immutable; equal when all its parts are.
 *
 * <p>The miner makes it {@linkplain #of(long, long, long, Instant, String, String, long, long) with
 * its ctids as block and offset number}, and their text is written each time it is asked for:
 * most consumers never look at it, the others once.
 */
public final class Source {

    private final long lsn;
    private final long commitLsn;
    private final long xid;
    private final Instant commitTime;
    private final String schema;
    private final String table;
    /** The root partitioned table when the table is a partition, else null. */
    private final TableName partitionRoot;
    /** The ctids as {@link #tid} packs them, or {@link #TEXT} when given as text. */
    private final long oldTid;
    private final long newTid;
    /** Their text when given as text, else null. */
    private final String oldCtid;
    private final String newCtid;

    private static final long TEXT = -1;

    /**
     * @param lsn        LSN of the record that made the change
     * @param commitLsn  LSN of its transaction's commit record
     * @param xid        top-level transaction id
     * @param commitTime commit time from the commit record
     * @param schema     the table's schema
     * @param table      the table's name
     * @param oldCtid    where the old row version was, "(block,offset)", or null
     * @param newCtid    where the new row version went, "(block,offset)", or null
     */
    public Source(long lsn, long commitLsn, long xid, Instant commitTime, String schema, String table,
                  String oldCtid, String newCtid) {
        this(lsn, commitLsn, xid, commitTime, schema, table, null, TEXT, TEXT, oldCtid, newCtid);
    }

    private Source(long lsn, long commitLsn, long xid, Instant commitTime, String schema, String table,
                   TableName partitionRoot, long oldTid, long newTid, String oldCtid, String newCtid) {
        this.lsn = lsn;
        this.commitLsn = commitLsn;
        this.xid = xid;
        this.commitTime = commitTime;
        this.schema = Objects.requireNonNull(schema, "schema");
        this.table = Objects.requireNonNull(table, "table");
        this.partitionRoot = partitionRoot;
        this.oldTid = oldTid;
        this.newTid = newTid;
        this.oldCtid = oldCtid;
        this.newCtid = newCtid;
    }

    /** As the constructor, with each ctid {@linkplain #tid packed}; offset number 0 is none (null). */
    public static Source of(long lsn, long commitLsn, long xid, Instant commitTime, String schema, String table,
                            long oldTid, long newTid) {
        return of(lsn, commitLsn, xid, commitTime, schema, table, null, oldTid, newTid);
    }

    /**
     * As {@link #of(long, long, long, Instant, String, String, long, long)}, of a change to a
     * partition whose root partitioned table is {@code partitionRoot} (null: not a partition).
     */
    public static Source of(long lsn, long commitLsn, long xid, Instant commitTime, String schema, String table,
                            TableName partitionRoot, long oldTid, long newTid) {
        return new Source(lsn, commitLsn, xid, commitTime, schema, table, partitionRoot, oldTid & 0xFFFF_FFFF_FFFFL,
            newTid & 0xFFFF_FFFF_FFFFL, null, null);
    }

    /** A ctid packed in a long: block (32 bits) above offset number (16 bits). */
    public static long tid(long block, int offnum) {
        return (block & 0xFFFF_FFFFL) << 16 | (offnum & 0xFFFF);
    }

    /**
     * A packed ctid's text as PostgreSQL's tid output writes it, "(block,offnum)", or null for
     * offset number 0 (no tuple).
     */
    public static String ctidText(long tid) {
        int offnum = (int) (tid & 0xFFFF);
        if (offnum == 0) {
            return null;
        }
        byte[] b = new byte[18]; // "(" 10 digits "," 5 digits ")"
        int p = b.length;
        b[--p] = ')';
        p = digits(b, p, offnum);
        b[--p] = ',';
        p = digits(b, p, tid >>> 16);
        b[--p] = '(';
        return new String(b, p, b.length - p, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Writes v (>= 0) in decimal ending before {@code end}; returns where it starts. */
    private static int digits(byte[] b, int end, long v) {
        do {
            b[--end] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        } while (v != 0);
        return end;
    }

    /** LSN of the record that made the change. */
    public long lsn() {
        return lsn;
    }

    /** LSN of its transaction's commit record. */
    public long commitLsn() {
        return commitLsn;
    }

    /** Top-level transaction id. */
    public long xid() {
        return xid;
    }

    /** Commit time from the commit record. */
    public Instant commitTime() {
        return commitTime;
    }

    /** The table's schema. */
    public String schema() {
        return schema;
    }

    /** The table's name. */
    public String table() {
        return table;
    }

    /**
     * When the table is a partition, its root partitioned table as of the change (its parents
     * followed up to the top); null for every other table, inheritance children included.
     */
    public TableName partitionRoot() {
        return partitionRoot;
    }

    /** Where the old row version was, "(block,offset)", or null. */
    public String oldCtid() {
        return oldTid == TEXT ? oldCtid : ctidText(oldTid);
    }

    /** Where the new row version went, "(block,offset)", or null. */
    public String newCtid() {
        return newTid == TEXT ? newCtid : ctidText(newTid);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Source s && s.lsn == lsn && s.commitLsn == commitLsn && s.xid == xid
            && Objects.equals(s.commitTime, commitTime) && s.schema.equals(schema) && s.table.equals(table)
            && Objects.equals(s.partitionRoot, partitionRoot)
            && Objects.equals(s.oldCtid(), oldCtid()) && Objects.equals(s.newCtid(), newCtid());
    }

    @Override
    public int hashCode() {
        return Objects.hash(lsn, commitLsn, xid, commitTime, schema, table, partitionRoot, oldCtid(), newCtid());
    }

    @Override
    public String toString() {
        return "Source[lsn=" + lsn + ", commitLsn=" + commitLsn + ", xid=" + xid + ", commitTime=" + commitTime
            + ", schema=" + schema + ", table=" + table
            + (partitionRoot != null ? ", partitionRoot=" + partitionRoot : "") + ", oldCtid=" + oldCtid() + ", newCtid=" + newCtid() + "]";
    }
}
