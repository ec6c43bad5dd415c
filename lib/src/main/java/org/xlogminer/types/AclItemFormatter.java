package org.xlogminer.types;

import java.nio.ByteBuffer;

/**
 * {@code aclitem} values ({@code AclItem} of {@code utils/acl.h}), fixed width:
 *
 * <table>
 *   <caption>AclItem</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>0</td><td>4</td><td>ai_grantee (role OID, 0 for PUBLIC)</td></tr>
 *   <tr><td>4</td><td>4</td><td>ai_grantor</td></tr>
 *   <tr><td>8</td><td>4 (13-15) / 8 (16+)</td><td>ai_privs: privilege bits in the low half, their grant
 *       options in the high half</td></tr>
 * </table>
 *
 * <p>Text as {@code aclitemout()} (acl.c): grantee (nothing for PUBLIC), {@code =}, one letter per
 * privilege bit in the order {@code arwdDxtXUCTcsAm}, each followed by {@code *} when held with grant
 * option, {@code /}, grantor. A role is printed as its name, in double quotes (with {@code "} doubled)
 * unless all ASCII letters, digits and {@code _}; a role {@link ObjectNames} does not know as its OID,
 * as the server does for a role that does not exist. The literal is the text quoted and cast; it reads
 * back only where the roles exist under those names.
 */
final class AclItemFormatter extends TypeFormatter {

    static final String RIGHTS = "arwdDxtXUCTcsAm";

    private final ObjectNames names;

    AclItemFormatter(String castType, ObjectNames names) {
        super(castType);
        this.names = names;
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        long grantee = Integer.toUnsignedLong(buf.getInt(off));
        long grantor = Integer.toUnsignedLong(buf.getInt(off + 4));
        long privs;
        long options;
        if (len >= 16) {
            long v = buf.getLong(off + 8);
            privs = v & 0xFFFFFFFFL;
            options = v >>> 32;
        } else {
            int v = buf.getInt(off + 8);
            privs = v & 0xFFFF;
            options = (v >>> 16) & 0xFFFF;
        }
        if (grantee != 0) {
            appendRole(out, grantee);
        }
        out.append('=');
        for (int i = 0; i < RIGHTS.length(); i++) {
            if ((privs & (1L << i)) != 0) {
                out.append(RIGHTS.charAt(i));
            }
            if ((options & (1L << i)) != 0) {
                out.append('*');
            }
        }
        out.append('/');
        appendRole(out, grantor);
    }

    private void appendRole(StringBuilder out, long oid) {
        String name = names.role(oid);
        if (name == null) {
            out.append(oid);
            return;
        }
        boolean safe = true;
        for (int i = 0; i < name.length() && safe; i++) {
            char c = name.charAt(i);
            safe = c < 0x80 && (Character.isLetterOrDigit(c) || c == '_');
        }
        if (safe) {
            out.append(name);
            return;
        }
        out.append('"');
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '"') {
                out.append('"');
            }
            out.append(c);
        }
        out.append('"');
    }
}
