package org.xlogminer.tuple;

/**
 * Layout of variable-length datums ({@code varlena}), {@code src/include/varatt.h} (PostgreSQL 16+;
 * {@code src/include/postgres.h} before), little-endian machines, and the TOAST compression ids of
 * {@code src/include/access/toast_compression.h}.
 *
 * <table>
 * <caption>the first byte {@code b} of a varlena decides its header</caption>
 * <tr><th>test</th><th>kind</th><th>header</th><th>total size</th></tr>
 * <tr><td>{@code b == 0x01}</td><td>external TOAST pointer (varattrib_1b_e)</td><td>2: 0x01, va_tag</td>
 *   <td>2 + size of the tag's struct (VARSIZE_EXTERNAL)</td></tr>
 * <tr><td>{@code (b & 0x01) == 0x01}</td><td>short (varattrib_1b), never aligned</td><td>1</td>
 *   <td>{@code b >> 1}, header included (VARSIZE_1B)</td></tr>
 * <tr><td>{@code (b & 0x03) == 0x00}</td><td>4-byte header, uncompressed (varattrib_4b.va_4byte)</td>
 *   <td>4</td><td>{@code u32 >> 2}, header included (VARSIZE_4B)</td></tr>
 * <tr><td>{@code (b & 0x03) == 0x02}</td><td>4-byte header, compressed inline
 *   (varattrib_4b.va_compressed)</td><td>8: the length word, then va_tcinfo</td>
 *   <td>{@code u32 >> 2}, header included</td></tr>
 * </table>
 *
 * <table>
 * <caption>va_compressed: inline-compressed datum</caption>
 * <tr><th>offset</th><th>size</th><th>C field</th></tr>
 * <tr><td>0</td><td>4</td><td>va_header (length word, low 2 bits = 0b10)</td></tr>
 * <tr><td>4</td><td>4</td><td>va_tcinfo: raw (decompressed) size in the low 30 bits, compression
 *   method in the top 2 (0 pglz, 1 lz4 since 14; always pglz in 13)</td></tr>
 * <tr><td>8</td><td>..</td><td>compressed bytes</td></tr>
 * </table>
 *
 * <table>
 * <caption>varatt_external, 16 bytes after the 2-byte header when va_tag = VARTAG_ONDISK (18)</caption>
 * <tr><th>offset</th><th>size</th><th>C field</th></tr>
 * <tr><td>0</td><td>4</td><td>va_rawsize: original size, varlena header included</td></tr>
 * <tr><td>4</td><td>4</td><td>va_extinfo (va_extsize before 14): stored size in the low 30 bits,
 *   compression method in the top 2</td></tr>
 * <tr><td>8</td><td>4</td><td>va_valueid: chunk_id of the value's rows in the TOAST table</td></tr>
 * <tr><td>12</td><td>4</td><td>va_toastrelid: pg_class OID of the TOAST table</td></tr>
 * </table>
 * The stored value is compressed when extsize &lt; rawsize - 4 (VARATT_EXTERNAL_IS_COMPRESSED); its
 * chunks then hold va_tcinfo followed by the compressed bytes. The external pointer itself is
 * unaligned. Tags 1 (indirect) and 2, 3 (expanded) point into memory and never appear on disk.
 */
public final class VarlenaLayout {

    /** Size of a 4-byte varlena header (VARHDRSZ). */
    public static final int VARHDRSZ = 4;
    /** Size of a short varlena header (VARHDRSZ_SHORT). */
    public static final int VARHDRSZ_SHORT = 1;
    /** Size of an external pointer's header: 0x01 and va_tag (VARHDRSZ_EXTERNAL). */
    public static final int VARHDRSZ_EXTERNAL = 2;
    /** Header of an inline-compressed datum: the length word and va_tcinfo (VARHDRSZ_COMPRESSED). */
    public static final int VARHDRSZ_COMPRESSED = 8;
    /** Offset of va_tcinfo in an inline-compressed datum. */
    public static final int VA_TCINFO = 4;
    /** Largest short varlena, header included (VARATT_SHORT_MAX). */
    public static final int VARATT_SHORT_MAX = 0x7F;

    public static final int VARTAG_INDIRECT = 1;
    public static final int VARTAG_EXPANDED_RO = 2;
    public static final int VARTAG_EXPANDED_RW = 3;
    public static final int VARTAG_ONDISK = 18;

    /** Offsets inside varatt_external, counted from the end of the 2-byte external header. */
    public static final int VA_RAWSIZE = 0;
    public static final int VA_EXTINFO = 4;
    public static final int VA_VALUEID = 8;
    public static final int VA_TOASTRELID = 12;
    /** sizeof(varatt_external). */
    public static final int VARATT_EXTERNAL_SIZE = 16;
    /** Size of the pointer structs of the in-memory tags (a pointer on 64-bit platforms). */
    public static final int VARATT_POINTER_SIZE = 8;

    /** Low 30 bits of va_tcinfo / va_extinfo: a size (VARLENA_EXTSIZE_MASK). */
    public static final int VARLENA_EXTSIZE_MASK = (1 << 30) - 1;
    /** va_tcinfo / va_extinfo >>> 30: the compression method (VARLENA_EXTSIZE_BITS = 30). */
    public static final int VARLENA_EXTSIZE_BITS = 30;

    /** TOAST_PGLZ_COMPRESSION_ID. */
    public static final int TOAST_PGLZ_COMPRESSION_ID = 0;
    /** TOAST_LZ4_COMPRESSION_ID (14+). */
    public static final int TOAST_LZ4_COMPRESSION_ID = 1;

    private VarlenaLayout() {
    }
}
