package org.xlogminer.tuple;

import static org.xlogminer.tuple.HeapTupleHeaderLayout.HEAP_HASNULL;
import static org.xlogminer.tuple.HeapTupleHeaderLayout.HEAP_NATTS_MASK;

import java.nio.ByteBuffer;
import java.util.List;

import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.TableInfo;

/**
 * Splits the data part of a heap tuple into its columns, as {@code heap_deform_tuple()}
 * ({@code src/backend/access/common/heaptuple.c}) does, with the table's attlen and attalign from the
 * catalog. The input is what WAL INSERT and UPDATE records log after their {@code xl_heap_header}:
 * the tuple's bytes from offset 23 on (see {@link HeapTupleHeaderLayout}).
 *
 * <p>Per column, in attnum order: a column whose bitmap bit is clear is NULL and takes no space;
 * otherwise the offset is aligned to attalign relative to the data start, except for a varlena whose
 * first byte at the unaligned position is non-zero (a short, 1-byte-header datum or a TOAST pointer,
 * which are never aligned: {@code att_align_pointer} in tupmacs.h); then it takes attlen bytes (fixed),
 * {@code VARSIZE_ANY} bytes (varlena) or up to and including the NUL (cstring). Columns past the tuple's
 * natts are {@link AttributeState#MISSING}.
 *
 * <p>One instance per relation (its plan is computed once), reused for every tuple; each call
 * overwrites the one {@link DeformedTuple} it returns. No allocation per tuple. Not thread-safe.
 */
public final class HeapTupleDeformer {

    private final String relation;
    private final int columnCount;
    private final int[] attlen;
    private final int[] alignment;
    private final boolean[] dropped;
    private final boolean[] known;
    private final DeformedTuple result;

    private HeapTupleDeformer(String relation, List<ColumnInfo> columns) {
        this.relation = relation;
        int max = 0;
        for (ColumnInfo c : columns) {
            max = Math.max(max, c.attnum());
        }
        this.columnCount = max;
        this.attlen = new int[max];
        this.alignment = new int[max];
        this.dropped = new boolean[max];
        this.known = new boolean[max];
        for (ColumnInfo c : columns) {
            int i = c.attnum() - 1;
            if (c.len() == 0 || c.len() < -2) {
                throw new IllegalArgumentException("attlen of " + relation + "." + c.name() + " must be > 0, -1 or -2: "
                        + c.len());
            }
            attlen[i] = c.len();
            alignment[i] = HeapTupleHeaderLayout.alignment(c.align());
            dropped[i] = c.dropped();
            known[i] = true;
        }
        this.result = new DeformedTuple(attlen);
    }

    /** A deformer for the heap tuples of {@code table}. */
    public static HeapTupleDeformer forTable(TableInfo table) {
        return new HeapTupleDeformer(table.qualifiedName(), table.columns());
    }

    /**
     * A deformer for tuples with these attributes, e.g. the attributes of a composite type.
     *
     * @param name used in error messages
     */
    public static HeapTupleDeformer forAttributes(String name, List<ColumnInfo> attributes) {
        return new HeapTupleDeformer(name, attributes);
    }

    /** Number of columns (highest attnum). */
    public int columnCount() {
        return columnCount;
    }

    /**
     * Deforms one tuple.
     *
     * @param buf        little-endian buffer holding the tuple
     * @param off        offset of the tuple's byte 23: the null bitmap, or the padding when there is none
     * @param len        number of bytes from {@code off} to the tuple's end
     * @param infomask2  t_infomask2 (natts in the low 11 bits)
     * @param infomask   t_infomask (HEAP_HASNULL tells whether there is a bitmap)
     * @param hoff       t_hoff: offset of the column data from the tuple's start (so from {@code off - 23})
     * @return this deformer's result, overwritten by the next call
     * @throws TupleFormatException when the tuple does not fit the catalog or its own length
     */
    public DeformedTuple deform(ByteBuffer buf, int off, int len, int infomask2, int infomask, int hoff) {
        int natts = infomask2 & HEAP_NATTS_MASK;
        boolean hasNulls = (infomask & HEAP_HASNULL) != 0;
        int dataStart = off + hoff - HeapTupleHeaderLayout.SIZE;
        int end = off + len;
        if (hoff < HeapTupleHeaderLayout.SIZE || dataStart > end) {
            throw error("t_hoff " + hoff + " outside the tuple", -1, off);
        }
        if (natts > columnCount) {
            throw error("tuple has " + natts + " attributes, the relation " + columnCount, -1, off);
        }
        if (hasNulls && off + ((natts + 7) >> 3) > dataStart) {
            throw error("null bitmap of " + natts + " attributes does not fit before t_hoff " + hoff, -1, off);
        }
        DeformedTuple r = result;
        r.reset(buf, natts);
        int pos = dataStart;
        for (int i = 0; i < natts; i++) {
            if (hasNulls && (buf.get(off + (i >> 3)) & (1 << (i & 7))) == 0) {
                r.set(i, dropped[i] ? AttributeState.DROPPED : AttributeState.NULL, 0, 0);
                continue;
            }
            if (!known[i]) {
                throw error("attribute not in the catalog", i, pos);
            }
            int a = attlen[i];
            int size;
            if (a > 0) {
                pos = dataStart + HeapTupleHeaderLayout.align(pos - dataStart, alignment[i]);
                size = a;
            } else if (a == -1) {
                if (pos >= end) {
                    throw error("varlena starts past the tuple's end", i, pos);
                }
                if (buf.get(pos) == 0) {
                    pos = dataStart + HeapTupleHeaderLayout.align(pos - dataStart, alignment[i]);
                    if (pos + 4 > end) {
                        throw error("varlena header past the tuple's end", i, pos);
                    }
                }
                size = varlenaSize(buf, pos, end, i);
            } else {
                pos = dataStart + HeapTupleHeaderLayout.align(pos - dataStart, alignment[i]);
                size = cstringSize(buf, pos, end, i);
            }
            if (pos + size > end) {
                throw error("attribute of " + size + " bytes runs past the tuple's end", i, pos);
            }
            r.set(i, dropped[i] ? AttributeState.DROPPED : AttributeState.PRESENT, pos, size);
            pos += size;
        }
        for (int i = natts; i < columnCount; i++) {
            r.set(i, dropped[i] ? AttributeState.DROPPED : AttributeState.MISSING, 0, 0);
        }
        return r;
    }

    private int varlenaSize(ByteBuffer buf, int pos, int end, int i) {
        int b = buf.get(pos) & 0xFF;
        if (b == 0x01 && pos + 2 > end || (b & 0x01) == 0 && pos + 4 > end) {
            throw error("varlena header past the tuple's end", i, pos);
        }
        int size = Varlena.totalSize(buf, pos);
        if (size < 1 || (b & 0x03) == 0 && size < 4 || (b & 0x03) == 2 && size < 8) {
            throw error("invalid varlena header 0x" + Integer.toHexString(b) + " (size " + size + ")", i, pos);
        }
        return size;
    }

    private int cstringSize(ByteBuffer buf, int pos, int end, int i) {
        for (int p = pos; p < end; p++) {
            if (buf.get(p) == 0) {
                return p - pos + 1;
            }
        }
        throw error("cstring without its NUL", i, pos);
    }

    private TupleFormatException error(String problem, int index, int offset) {
        StringBuilder sb = new StringBuilder(problem).append(" relation=").append(relation);
        if (index >= 0) {
            sb.append(" attnum=").append(index + 1);
        }
        sb.append(" offset=").append(offset);
        return new TupleFormatException(sb.toString());
    }
}
