package org.xlogminer.types;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

import org.xlogminer.sql.SqlText;

/**
 * Enums: the stored value is the pg_enum row's OID (uint32), printed as its label (looked up in a
 * sorted array, no boxing). An OID the snapshot does not know (a label added after the capture) comes
 * out as the undecodable marker of {@link UndecodableFormatter} and raises one warning for the type.
 */
final class EnumFormatter extends TypeFormatter {

    private final long[] oids;
    private final String[] labels;
    private final long typeOid;
    private final String typeName;
    private final FormatWarnings warnings;

    EnumFormatter(String castType, long typeOid, Map<Long, String> enumLabels, FormatWarnings warnings) {
        super(castType);
        this.typeOid = typeOid;
        this.typeName = castType;
        this.warnings = warnings;
        this.oids = new long[enumLabels.size()];
        int i = 0;
        for (Long oid : enumLabels.keySet()) {
            oids[i++] = oid;
        }
        Arrays.sort(oids);
        this.labels = new String[oids.length];
        for (int k = 0; k < oids.length; k++) {
            labels[k] = enumLabels.get(oids[k]);
        }
    }

    private String label(ByteBuffer buf, int off) {
        int k = Arrays.binarySearch(oids, Integer.toUnsignedLong(buf.getInt(off)));
        return k >= 0 ? labels[k] : null;
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        String label = label(buf, off);
        if (label != null) {
            out.append(label);
        } else {
            unknown(buf, off);
            UndecodableFormatter.appendMarker(out, typeName, buf, off, 4);
        }
    }

    @Override
    public void appendSqlLiteral(StringBuilder out, ByteBuffer buf, int off, int len) {
        String label = label(buf, off);
        if (label != null) {
            SqlText.appendLiteral(out, label);
            out.append("::").append(castType);
        } else {
            unknown(buf, off);
            UndecodableFormatter.appendFailingExpression(out, typeName, buf, off, 4);
        }
    }

    private void unknown(ByteBuffer buf, int off) {
        if (!warnings.has(typeOid)) {
            warnings.warnOnce(typeOid, "enum " + typeName + " has no label for pg_enum oid "
                    + Integer.toUnsignedLong(buf.getInt(off)) + " in the catalog snapshot (added after the capture?)");
        }
    }
}
